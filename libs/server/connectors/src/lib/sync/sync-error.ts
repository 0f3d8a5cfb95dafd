/**
 * Why a sync stopped. The category tells the scheduler what to do next; the code and the field path tell a
 * person what happened. Messages are our own sentences plus, at most, a provider's error text that was checked
 * for the credential (see `redactProviderText`): a `SyncError` can be logged and stored as it is.
 *
 * | category | what the scheduler should do |
 * |---|---|
 * | `auth` | pause the account: the key is wrong, revoked or missing (HTTP 401) |
 * | `permission` | pause the account: the key works but may not read usage (403, OpenAI's 401 "Missing scopes") |
 * | `rate_limited` | retry later, not before `retryAfterMs` when given (429 after every attempt, or a long Retry-After) |
 * | `transient` | retry on the next tick (5xx / 529 after every attempt, dropped connections, JSON cut off mid-answer, cancelled runs) |
 * | `provider_schema_changed` | needs attention: the answer no longer has the documented shape (missing field, wrong type, repeating cursor, non-JSON 200, a rejected request) |
 * | `unreachable` | needs attention: at once for a base URL that leads nowhere (404, redirects, an invalid URL); after several failed runs in a row when nothing answered (DNS, refused, TLS, time-outs), which often passes by itself (`syncAttention` in libs/server/sync) |
 */
export type SyncErrorCategory =
  | 'auth'
  | 'permission'
  | 'rate_limited'
  | 'transient'
  | 'provider_schema_changed'
  | 'unreachable';

export const SYNC_ERROR_CATEGORIES: readonly SyncErrorCategory[] = [
  'auth',
  'permission',
  'rate_limited',
  'transient',
  'provider_schema_changed',
  'unreachable',
];

/** The precise reason inside a category. */
export type SyncErrorCode =
  | 'invalid_key'
  | 'missing_credential'
  | 'insufficient_scope'
  | 'rate_limited'
  | 'retry_after_too_long'
  | 'server_error'
  | 'connection_lost'
  | 'truncated_answer'
  | 'timeout'
  | 'aborted'
  | 'network'
  | 'invalid_base_url'
  | 'redirect'
  | 'not_found'
  | 'rejected_request'
  | 'not_json'
  | 'too_large'
  | 'missing_field'
  | 'wrong_type'
  | 'invalid_value'
  | 'repeated_cursor'
  | 'too_many_pages';

export interface SyncErrorDetails {
  category: SyncErrorCategory;
  code: SyncErrorCode;
  provider: string;
  /** `GET /v1/organization/usage/completions?…`: method, path and query (queries never hold secrets). */
  endpoint: string | null;
  httpStatus: number | null;
  /** Where in the provider's answer the problem is, e.g. `data[3].results[0].input_tokens`. */
  fieldPath?: string;
  /** How long the provider asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  /** HTTP attempts made for the request that failed. */
  attempts: number;
}

export class SyncError extends Error implements SyncErrorDetails {
  override readonly name = 'SyncError';
  readonly category: SyncErrorCategory;
  readonly code: SyncErrorCode;
  readonly provider: string;
  readonly endpoint: string | null;
  readonly httpStatus: number | null;
  readonly fieldPath?: string;
  readonly retryAfterMs?: number;
  readonly attempts: number;

  constructor(message: string, details: SyncErrorDetails) {
    super(message);
    this.category = details.category;
    this.code = details.code;
    this.provider = details.provider;
    this.endpoint = details.endpoint;
    this.httpStatus = details.httpStatus;
    if (details.fieldPath !== undefined) this.fieldPath = details.fieldPath;
    if (details.retryAfterMs !== undefined)
      this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
  }

  /** Plain data for a sync-history row or a log line. */
  toJSON(): SyncErrorDetails & { message: string } {
    return {
      message: this.message,
      category: this.category,
      code: this.code,
      provider: this.provider,
      endpoint: this.endpoint,
      httpStatus: this.httpStatus,
      ...(this.fieldPath === undefined ? {} : { fieldPath: this.fieldPath }),
      ...(this.retryAfterMs === undefined
        ? {}
        : { retryAfterMs: this.retryAfterMs }),
      attempts: this.attempts,
    };
  }
}

export function isSyncError(error: unknown): error is SyncError {
  return error instanceof SyncError;
}

/** A run of this many characters shared with the credential means the text quotes (part of) the key. */
const SHARED_RUN = 8;
const MAX_PROVIDER_TEXT = 300;

/**
 * A provider's error text, made safe to store: `null` when it quotes any 8-character run of the credential
 * (OpenAI masks keys as `sk-ad***abcd`, others echo more), key-like tokens (`sk-…`, `AIza…`) masked,
 * control characters removed, cut to 300 characters.
 */
export function redactProviderText(
  text: unknown,
  credential: string,
): string | null {
  if (typeof text !== 'string' || text.trim() === '') return null;
  if (sharesRun(text, credential, SHARED_RUN)) return null;
  const cleaned = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_*-]{6,}/g, '$1-…')
    .replace(/\bAIza[A-Za-z0-9_-]{6,}/g, 'AIza…')
    .trim();
  return cleaned.length > MAX_PROVIDER_TEXT
    ? `${cleaned.slice(0, MAX_PROVIDER_TEXT)}…`
    : cleaned;
}

function sharesRun(text: string, secret: string, run: number): boolean {
  if (secret.length < run) return secret !== '' && text.includes(secret);
  for (let i = 0; i + run <= secret.length; i++) {
    if (text.includes(secret.slice(i, i + run))) return true;
  }
  return false;
}
