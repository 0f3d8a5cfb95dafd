/**
 * The one place provider clients touch the network. It never throws: every outcome is either the provider's
 * answer (any status) or a classified network failure, so callers map results without try/catch ladders.
 *
 * Security: error objects from fetch/undici can quote header values (an invalid header's value is echoed in
 * the message), so nothing here ever surfaces `error.message`; callers only see the failure kind.
 */

/** Why no HTTP answer came back. */
export type NetworkFailure =
  | 'timeout'
  | 'dns'
  | 'refused'
  | 'reset'
  | 'tls'
  /** The request could not even be built (e.g. a credential with a line break cannot be a header value). */
  | 'bad_request'
  /** The caller's own `signal` cancelled the request. */
  | 'aborted'
  | 'network';

export interface HttpAnswer {
  kind: 'answered';
  status: number;
  headers: Headers;
  /** The body as text, capped at `MAX_BODY_BYTES`. */
  text: string;
  /** The parsed body when it is JSON, else `undefined`. */
  json: unknown;
  /** True when the body was longer than the cap and was cut (its JSON is then `undefined`). */
  truncated?: boolean;
}

export interface HttpFailure {
  kind: 'failed';
  failure: NetworkFailure;
}

export type HttpOutcome = HttpAnswer | HttpFailure;

/** A wrong base URL can point at anything; a connection test needs only a small JSON answer. */
export const MAX_BODY_BYTES = 1_000_000;

export interface HttpGetOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Body cap; default `MAX_BODY_BYTES` (a connection test needs little; a sync page may need more). */
  maxBytes?: number;
  /** Cancels the request from outside (a sync being stopped); reported as `timeout`-free `aborted`. */
  signal?: AbortSignal;
}

export async function httpGet(
  url: URL,
  options: HttpGetOptions,
): Promise<HttpOutcome> {
  let headers: Headers;
  try {
    // Built up front so an unusable credential (line breaks, non-Latin-1) is told apart from a network error.
    headers = new Headers(options.headers);
  } catch {
    return { kind: 'failed', failure: 'bad_request' };
  }
  try {
    const response = await fetch(url, {
      method: 'GET',
      headers,
      // Never follow redirects with credentials attached: fetch strips `Authorization` on a cross-origin
      // redirect but forwards custom headers such as `x-api-key` / `x-goog-api-key` to the new host.
      redirect: 'manual',
      // Covers connecting, waiting for headers and reading the body.
      signal: options.signal
        ? AbortSignal.any([
            AbortSignal.timeout(options.timeoutMs),
            options.signal,
          ])
        : AbortSignal.timeout(options.timeoutMs),
    });
    const maxBytes = options.maxBytes ?? MAX_BODY_BYTES;
    const { text, truncated } = await readCapped(response, maxBytes);
    return {
      kind: 'answered',
      status: response.status,
      headers: response.headers,
      text,
      json: truncated ? undefined : parseJson(text),
      ...(truncated ? { truncated } : {}),
    };
  } catch (error) {
    if (options.signal?.aborted) return { kind: 'failed', failure: 'aborted' };
    return { kind: 'failed', failure: classifyFetchError(error) };
  }
}

async function readCapped(
  response: Response,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > maxBytes) {
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return {
    text: new TextDecoder().decode(
      Buffer.concat(chunks).subarray(0, maxBytes),
    ),
    truncated,
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const DNS_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'EAI_NODATA',
]);
const REFUSED_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);
const RESET_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'ECONNABORTED',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const TLS_CODE =
  /CERT|TLS|SSL|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** Exported for tests: Node wraps the socket error in `TypeError('fetch failed', { cause })`, sometimes twice. */
export function classifyFetchError(error: unknown): NetworkFailure {
  if (isNamed(error, 'TimeoutError') || isNamed(error, 'AbortError'))
    return 'timeout';
  const codes = collectCodes(error);
  if (codes.some((code) => TIMEOUT_CODES.has(code))) return 'timeout';
  if (codes.some((code) => DNS_CODES.has(code))) return 'dns';
  if (codes.some((code) => REFUSED_CODES.has(code))) return 'refused';
  if (codes.some((code) => TLS_CODE.test(code))) return 'tls';
  if (codes.some((code) => RESET_CODES.has(code))) return 'reset';
  return 'network';
}

function isNamed(error: unknown, name: string): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'name' in error &&
    error.name === name
  );
}

/** Walks `cause` chains and AggregateError members (Happy Eyeballs tries IPv6 and IPv4). */
function collectCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== 'object' || error === null || depth > 5) return [];
  const codes: string[] = [];
  if ('code' in error && typeof error.code === 'string') codes.push(error.code);
  if ('cause' in error) codes.push(...collectCodes(error.cause, depth + 1));
  if ('errors' in error && Array.isArray(error.errors)) {
    for (const inner of error.errors)
      codes.push(...collectCodes(inner, depth + 1));
  }
  return codes;
}
