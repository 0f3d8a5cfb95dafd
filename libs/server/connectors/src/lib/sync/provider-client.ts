import { endpointUrl } from '../http/base-url';
import { httpGet, type HttpAnswer, type NetworkFailure } from '../http/http-get';
import { parseProviderJson } from './provider-json';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  defaultSleep,
  parseRetryAfter,
  type RetryPolicy,
} from './retry';
import {
  redactProviderText,
  SyncError,
  type SyncErrorCategory,
  type SyncErrorCode,
} from './sync-error';

/** Transport settings every sync connector accepts; all optional. Tests inject `sleep`, `random` and `now`. */
export interface SyncHttpOptions {
  /** Budget of one HTTP request (connect, headers, body). Default 30 s. */
  timeoutMs?: number;
  /** See `RetryPolicy`; defaults in `DEFAULT_RETRY_POLICY`. */
  retry?: Partial<RetryPolicy>;
  /** Waits between attempts. Default: a real, abortable `setTimeout`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** The clock for `observedAt`, `final` and HTTP-date Retry-After. Default `new Date()`. */
  now?: () => Date;
  /** Largest answer read. Default 32 MiB. */
  maxBodyBytes?: number;
}

export const DEFAULT_SYNC_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/** How a provider's refusals map to categories (everything else is shared). */
export type RefusalClassifier = (
  answer: HttpAnswer,
) => { category: SyncErrorCategory; code: SyncErrorCode } | undefined;

export interface ProviderClientSpec {
  provider: string;
  /** "OpenAI", for messages. */
  label: string;
  apiRoot: URL;
  headers: Record<string, string>;
  /** Only to keep it out of stored provider text. */
  credential: string;
  options: SyncHttpOptions;
  signal?: AbortSignal;
  classifyRefusal?: RefusalClassifier;
  /** The provider's error text inside a body, e.g. `error.message`. */
  errorText?: (json: unknown) => unknown;
}

export interface JsonPage {
  body: unknown;
  endpoint: string;
}

const RETRYABLE_FAILURES: ReadonlySet<NetworkFailure> = new Set([
  'timeout',
  'reset',
  'network',
]);

/**
 * GETs JSON from one provider with retries, backoff, time-outs and the error taxonomy. Every failure leaves as a
 * `SyncError`; nothing here logs, and the credential only ever goes into the request headers.
 */
export class ProviderClient {
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => Date;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  /** HTTP attempts made so far, retries included. */
  attempts = 0;

  constructor(private readonly spec: ProviderClientSpec) {
    const { options } = spec;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.policy.maxAttempts = Math.max(1, Math.floor(this.policy.maxAttempts));
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
    this.timeoutMs =
      options.timeoutMs !== undefined && options.timeoutMs > 0
        ? options.timeoutMs
        : DEFAULT_SYNC_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  }

  get provider(): string {
    return this.spec.provider;
  }

  /** `GET /v1/…?…` as shown in errors and progress. */
  describe(path: string, query: ReadonlyArray<readonly [string, string]>): string {
    const url = endpointUrl(this.spec.apiRoot, path, query);
    return `GET ${url.pathname}${url.search}`;
  }

  async getJson(
    path: string,
    query: ReadonlyArray<readonly [string, string]> = [],
  ): Promise<JsonPage> {
    const url = endpointUrl(this.spec.apiRoot, path, query);
    const endpoint = `GET ${url.pathname}${url.search}`;
    const { label } = this.spec;
    const fail = (
      category: SyncErrorCategory,
      code: SyncErrorCode,
      message: string,
      extra: { httpStatus?: number | null; retryAfterMs?: number; attempts: number },
    ): SyncError =>
      new SyncError(message, {
        category,
        code,
        provider: this.spec.provider,
        endpoint,
        httpStatus: extra.httpStatus ?? null,
        attempts: extra.attempts,
        ...(extra.retryAfterMs === undefined
          ? {}
          : { retryAfterMs: extra.retryAfterMs }),
      });

    for (let attempt = 1; ; attempt++) {
      this.checkAborted(endpoint, attempt - 1);
      this.attempts += 1;
      const outcome = await httpGet(url, {
        headers: this.spec.headers,
        timeoutMs: this.timeoutMs,
        maxBytes: this.maxBodyBytes,
        ...(this.spec.signal ? { signal: this.spec.signal } : {}),
      });
      const last = attempt >= this.policy.maxAttempts;

      if (outcome.kind === 'failed') {
        if (outcome.failure === 'aborted') this.checkAborted(endpoint, attempt, true);
        if (!RETRYABLE_FAILURES.has(outcome.failure) || last) {
          throw fail(
            ...networkCategory(outcome.failure),
            networkMessage(label, outcome.failure, this.timeoutMs, attempt),
            { attempts: attempt },
          );
        }
        await this.wait(backoffDelayMs(attempt, this.policy, this.random), endpoint, attempt);
        continue;
      }

      const { status } = outcome;
      if (status >= 200 && status < 300) {
        if (outcome.truncated) {
          throw fail(
            'provider_schema_changed',
            'too_large',
            `${label} answered with more than ${this.maxBodyBytes} bytes; ask for smaller pages.`,
            { httpStatus: status, attempts: attempt },
          );
        }
        const body = parseProviderJson(outcome.text);
        if (body === undefined && looksLikeCutJson(outcome.text)) {
          // JSON that starts well and ends early was cut in transit (a proxy, a dropped stream): not a change of
          // the provider's format, so retried like a dropped connection, and transient if it keeps happening.
          if (!last) {
            await this.wait(backoffDelayMs(attempt, this.policy, this.random), endpoint, attempt);
            continue;
          }
          throw fail(
            'transient',
            'truncated_answer',
            `${label} answered with JSON that stops part-way (HTTP ${status}) after ${attempt} attempts; the answer was cut off on the way, try again later.`,
            { httpStatus: status, attempts: attempt },
          );
        }
        if (body === undefined) {
          const type = outcome.headers.get('content-type') ?? 'no content type';
          throw fail(
            'provider_schema_changed',
            'not_json',
            `${label} answered HTTP ${status} with something other than JSON (${type.split(';')[0]}); check the base URL, a proxy or captive portal may be answering.`,
            { httpStatus: status, attempts: attempt },
          );
        }
        return { body, endpoint };
      }

      const retryAfterMs = parseRetryAfter(outcome.headers.get('retry-after'), this.now()) ?? undefined;
      const retryable = status === 429 || status === 408 || status >= 500;
      if (retryable) {
        const rateLimited = status === 429;
        if (retryAfterMs !== undefined && retryAfterMs > this.policy.maxRetryAfterMs) {
          throw fail(
            rateLimited ? 'rate_limited' : 'transient',
            'retry_after_too_long',
            `${label} asked to wait ${Math.ceil(retryAfterMs / 1000)} s before trying again (HTTP ${status}, Retry-After); the sync stops here and can resume later.`,
            { httpStatus: status, retryAfterMs, attempts: attempt },
          );
        }
        if (last) {
          throw fail(
            rateLimited ? 'rate_limited' : 'transient',
            rateLimited ? 'rate_limited' : 'server_error',
            rateLimited
              ? `${label} kept answering "too many requests" (HTTP 429) after ${attempt} attempts; the sync stops here and can resume later.`
              : `${label} kept failing with HTTP ${status} after ${attempt} attempts; it is probably having trouble, try again later.`,
            {
              httpStatus: status,
              attempts: attempt,
              ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
            },
          );
        }
        await this.wait(
          retryAfterMs ?? backoffDelayMs(attempt, this.policy, this.random),
          endpoint,
          attempt,
        );
        continue;
      }

      throw this.refusal(outcome, endpoint, attempt);
    }
  }

  private refusal(answer: HttpAnswer, endpoint: string, attempts: number): SyncError {
    const { label, provider } = this.spec;
    const { status } = answer;
    const special = this.spec.classifyRefusal?.(answer);
    const providerText = redactProviderText(
      this.spec.errorText?.(answer.json),
      this.spec.credential,
    );
    const said = providerText ? ` ${label} said: "${providerText}"` : '';
    const make = (category: SyncErrorCategory, code: SyncErrorCode, message: string) =>
      new SyncError(message, { category, code, provider, endpoint, httpStatus: status, attempts });

    const kind =
      special ??
      (status === 401
        ? { category: 'auth' as const, code: 'invalid_key' as const }
        : status === 403
          ? { category: 'permission' as const, code: 'insufficient_scope' as const }
          : status >= 300 && status < 400
            ? { category: 'unreachable' as const, code: 'redirect' as const }
            : status === 404 || status === 405
              ? { category: 'unreachable' as const, code: 'not_found' as const }
              : { category: 'provider_schema_changed' as const, code: 'rejected_request' as const });

    switch (kind.code) {
      case 'invalid_key':
        // Never quote auth refusals: providers echo (masked) keys in them.
        return make(kind.category, kind.code, `${label} rejected the key (HTTP ${status}); check that it was copied in full and has not been revoked, or store a new one.`);
      case 'insufficient_scope':
        return make(kind.category, kind.code, `${label} accepted the key but refused to let it read usage (HTTP ${status}); give it the usage read permission or use an admin key.`);
      case 'redirect':
        return make(kind.category, kind.code, `${label} answered with a redirect (HTTP ${status}) that is not followed with credentials; set the base URL to the final API address.`);
      case 'not_found':
        return make(kind.category, kind.code, `There is no ${label} usage endpoint at this address (HTTP ${status}); check the base URL.`);
      default:
        return make(kind.category, kind.code, `${label} refused the request (HTTP ${status}); its API may have changed.${said}`);
    }
  }

  private async wait(ms: number, endpoint: string, attempts: number): Promise<void> {
    try {
      await this.sleep(Math.max(0, ms), this.spec.signal);
    } catch {
      this.checkAborted(endpoint, attempts, true);
    }
    this.checkAborted(endpoint, attempts);
  }

  private checkAborted(endpoint: string, attempts: number, force = false): void {
    if (!force && !this.spec.signal?.aborted) return;
    throw new SyncError(`The ${this.spec.label} sync was cancelled.`, {
      category: 'transient',
      code: 'aborted',
      provider: this.spec.provider,
      endpoint,
      httpStatus: null,
      attempts,
    });
  }
}

/** A 200 whose text opens like a JSON document but does not parse: cut off, not another format. */
function looksLikeCutJson(text: string): boolean {
  const start = text.trimStart()[0];
  return start === '{' || start === '[';
}

function networkCategory(
  failure: NetworkFailure,
): [SyncErrorCategory, SyncErrorCode] {
  switch (failure) {
    case 'timeout':
      return ['unreachable', 'timeout'];
    case 'reset':
      return ['transient', 'connection_lost'];
    case 'bad_request':
      return ['auth', 'invalid_key'];
    case 'aborted':
      return ['transient', 'aborted'];
    default:
      return ['unreachable', 'network'];
  }
}

function networkMessage(
  label: string,
  failure: NetworkFailure,
  timeoutMs: number,
  attempts: number,
): string {
  const tries = attempts > 1 ? ` (${attempts} attempts)` : '';
  switch (failure) {
    case 'timeout':
      return `${label} did not answer within ${timeoutMs / 1000} s${tries}; check the base URL and the network, or try again later.`;
    case 'dns':
      return `The ${label} host could not be found (DNS lookup failed); check the base URL.`;
    case 'refused':
      return `The ${label} host refused the connection; check the base URL and port.`;
    case 'tls':
      return `A secure connection to ${label} could not be set up (TLS certificate not accepted); check the base URL and any proxy certificate.`;
    case 'reset':
      return `The connection to ${label} was closed before it answered${tries}; try again later.`;
    case 'bad_request':
      return `The stored key contains characters that cannot be sent in an HTTP header (such as a line break); store the key again.`;
    case 'aborted':
      return `The ${label} sync was cancelled.`;
    case 'network':
      return `Could not connect to ${label}${tries}; check the base URL and this server's network access.`;
  }
}
