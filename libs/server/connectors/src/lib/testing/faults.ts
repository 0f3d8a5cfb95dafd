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
  | { kind: 'malformed' };

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
