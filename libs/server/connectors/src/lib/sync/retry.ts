/**
 * When to try a request again, and how long to wait first.
 *
 * - 429 and 5xx (and 408, Anthropic's 529) are retried, as are dropped connections and time-outs.
 * - A `Retry-After` (seconds or an HTTP date) is honoured exactly; a wait longer than `maxRetryAfterMs` is not
 *   slept through: the request fails as `rate_limited` with `retryAfterMs`, for the scheduler to come back later.
 * - Without one, the wait is exponential backoff with full jitter: `random() × min(maxDelayMs, baseDelayMs ×
 *   2^(attempt − 1))` (AWS's "full jitter"), so many accounts hitting one limit spread out.
 */
export interface RetryPolicy {
  /** Attempts per request, the first one included. Default 5. */
  maxAttempts: number;
  /** Default 1 s. */
  baseDelayMs: number;
  /** Cap of one backoff wait. Default 60 s. */
  maxDelayMs: number;
  /** The longest Retry-After we sleep through. Default 120 s. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxRetryAfterMs: 120_000,
};

/** Full-jitter exponential backoff for the wait after failed attempt number `attempt` (1-based). */
export function backoffDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.floor(unit * ceiling);
}

/**
 * `Retry-After` in milliseconds: delta-seconds (`"30"`, `"1.5"`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`,
 * counted from `now`, at least 0). `null` when absent or unreadable.
 */
export function parseRetryAfter(
  header: string | null | undefined,
  now: Date,
): number | null {
  if (header === null || header === undefined) return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/** A `setTimeout` sleep that a signal can cut short (it then rejects with the signal's reason). */
export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
