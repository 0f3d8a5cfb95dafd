/** What the test server does instead of answering normally. */
export type TestServerFault =
  /** 429 in the provider's shape, with `Retry-After: <seconds>` unless `retryAfterSeconds` is null. */
  | {
      kind: 'rate_limit';
      retryAfterSeconds?: number | null;
      retryAfterHeader?: boolean;
    }
  /** A 5xx in the provider's shape (Anthropic uses 529 for "overloaded"). */
  | { kind: 'server_error'; status?: number }
  /** Accepts the request and never answers (until the server closes): for timeouts. */
  | { kind: 'hang' }
  /** Destroys the socket without an answer: "connection reset". */
  | { kind: 'reset' }
  /** 200 with an HTML page, like a captive portal or a wrong host. */
  | { kind: 'malformed' }
  /**
   * The normal JSON answer cut in half. By default `Content-Length` announces the whole answer and the socket
   * closes after the first half (a connection lost mid-body); with `lengthMatches: true` the header matches the
   * cut text, so the HTTP exchange looks complete but the JSON ends early (a proxy that cut the answer).
   */
  | { kind: 'truncated'; lengthMatches?: boolean }
  /** The normal answer, after `delayMs` (a slow endpoint: time-outs, or patience). */
  | { kind: 'slow'; delayMs: number }
  /**
   * The normal answer, but `has_more: true` and `next_page` = the cursor the request sent (when it sent none:
   * the answer's own next cursor, so the fault needs a range of at least two pages): a provider stuck on a page.
   */
  | { kind: 'repeat_cursor' }
  /** The normal answer with every property `from` renamed `to`, at any depth (a renamed field). */
  | { kind: 'rename_field'; from: string; to: string }
  /**
   * The normal answer with every property named `field` of the other JSON type: numbers become strings
   * (`0.06` → `"0.06"`), numeric strings become numbers (`"123.45"` → `123.45`). For OpenAI's `value`, Anthropic's
   * `amount`, OpenRouter's `usage`.
   */
  | { kind: 'wrong_type'; field: string }
  /** The normal answer with new, unknown properties on the envelope and on every object in an array. */
  | { kind: 'extra_fields' };

/** Faults that change a normal answer instead of replacing it. */
export type AnswerFault = Extract<
  TestServerFault,
  { kind: 'slow' | 'repeat_cursor' | 'rename_field' | 'wrong_type' | 'extra_fields' }
>;

export function isAnswerFault(fault: TestServerFault): fault is AnswerFault {
  return (
    fault.kind === 'slow' ||
    fault.kind === 'repeat_cursor' ||
    fault.kind === 'rename_field' ||
    fault.kind === 'wrong_type' ||
    fault.kind === 'extra_fields'
  );
}

export interface FaultOptions {
  /** How many matching requests get the fault; default 1, `Infinity` for all. */
  times?: number;
  /** Only requests whose path starts with this string (or matches this pattern). */
  path?: string | RegExp;
}

interface QueuedFault {
  fault: TestServerFault;
  remaining: number;
  path?: string | RegExp;
}

/** Faults apply in the order they were set; each is used up by the requests it matches. */
export class FaultQueue {
  private readonly queue: QueuedFault[] = [];

  add(fault: TestServerFault, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!(times > 0)) throw new Error('times must be positive');
    this.queue.push({ fault, remaining: times, path: options.path });
  }

  clear(): void {
    this.queue.length = 0;
  }

  take(path: string): TestServerFault | undefined {
    const index = this.queue.findIndex((entry) => matches(entry.path, path));
    if (index < 0) return undefined;
    const entry = this.queue[index];
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue.splice(index, 1);
    return entry.fault;
  }
}

function matches(filter: string | RegExp | undefined, path: string): boolean {
  if (filter === undefined) return true;
  return typeof filter === 'string'
    ? path.startsWith(filter)
    : filter.test(path);
}
