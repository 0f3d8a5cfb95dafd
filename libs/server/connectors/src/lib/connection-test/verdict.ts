import type { HttpAnswer, NetworkFailure } from '../http/http-get';
import type { ProbeContext, Verdict } from './probe';

/**
 * The status → result mapping every provider shares, and the wording of outcomes that do not depend on the
 * provider. Provider files only supply their sentences and the answers they treat specially.
 *
 * Messages are written here, never copied from the provider's body: providers echo parts of the key in their
 * errors (OpenAI "Incorrect API key provided: sk-ad***…", DeepSeek "Your api key: ****abcd").
 */
export interface StandardSpec {
  label: string;
  /** What a 2xx proves, e.g. "it can read the organization's costs and usage". */
  ok: string;
  /** What the endpoint returns, for "answered, but not with …", e.g. "OpenAI Costs API data". */
  expected: string;
  invalidKey: string;
  insufficientScope: string;
  isExpectedBody(json: unknown): boolean;
  /** Provider quirks, consulted first; `undefined` falls through to the shared mapping. */
  special?(answer: HttpAnswer): Verdict | undefined;
}

export function standardVerdict(
  answer: HttpAnswer,
  context: ProbeContext,
  spec: StandardSpec,
): Verdict {
  const special = spec.special?.(answer);
  if (special) return special;
  const { status } = answer;
  if (status >= 200 && status < 300) {
    return spec.isExpectedBody(answer.json)
      ? { result: 'ok', message: `${spec.label} accepted the key: ${spec.ok}.` }
      : unexpectedBody(spec.label, status, spec.expected);
  }
  if (status === 401)
    return { result: 'invalid_key', message: spec.invalidKey };
  if (status === 403)
    return { result: 'insufficient_scope', message: spec.insufficientScope };
  if (status === 429) return rateLimited(spec.label, answer, context.now);
  if (status >= 500) return serverError(spec.label, status);
  if (status >= 300 && status < 400) {
    return {
      result: 'provider_error',
      message: `${spec.label} answered with a redirect (HTTP ${status}) instead of data; set the base URL to the final API address.`,
    };
  }
  if (status === 404 || status === 405) {
    return {
      result: 'provider_error',
      message: `There is no ${spec.expected} at this address (HTTP ${status}); check the base URL.`,
    };
  }
  return {
    result: 'provider_error',
    message: `${spec.label} answered with HTTP ${status}, which a connection test does not expect; check the base URL and try again.`,
  };
}

export function unexpectedBody(
  label: string,
  status: number,
  expected: string,
): Verdict {
  return {
    result: 'provider_error',
    message: `The server answered HTTP ${status}, but not with ${expected}; check that the base URL points to ${label} or a proxy that forwards to it.`,
  };
}

export function serverError(label: string, status: number): Verdict {
  return {
    result: 'provider_error',
    message: `${label} answered with a server error (HTTP ${status}); the problem is on their side, so try again in a few minutes.`,
  };
}

/** `bodyRetrySeconds`: some providers put the delay in the body instead (Google's `RetryInfo.retryDelay`). */
export function rateLimited(
  label: string,
  answer: HttpAnswer,
  now: Date,
  bodyRetrySeconds?: number,
): Verdict {
  const header =
    answer.headers.get('retry-after') ??
    (bodyRetrySeconds === undefined ? null : String(bodyRetrySeconds));
  const wait = retryAfterText(header, now);
  return {
    result: 'rate_limited',
    message: `${label} is rate-limiting requests for this key (HTTP 429); ${wait ?? 'wait a minute and test again'}.`,
  };
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterText(
  header: string | null,
  now: Date,
): string | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  let seconds: number | undefined;
  if (/^\d+$/.test(trimmed)) {
    seconds = Number(trimmed);
  } else {
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at))
      seconds = Math.max(0, Math.ceil((at - now.getTime()) / 1000));
  }
  if (seconds === undefined) return undefined;
  if (seconds <= 1)
    return 'it asks to retry right away (Retry-After: 1 second or less)';
  if (seconds < 120)
    return `it asks to wait ${seconds} seconds before testing again (Retry-After)`;
  return `it asks to wait about ${Math.ceil(seconds / 60)} minutes before testing again (Retry-After)`;
}

export function networkFailureVerdict(
  failure: NetworkFailure,
  label: string,
  host: string,
  timeoutMs: number,
): Verdict {
  switch (failure) {
    case 'timeout':
      return {
        result: 'unreachable',
        message: `${label} did not answer at ${host} within ${formatSeconds(timeoutMs)}; check the base URL and this server's outbound network, then test again.`,
      };
    case 'dns':
      return {
        result: 'unreachable',
        message: `The host ${host} could not be found (DNS lookup failed); check the base URL.`,
      };
    case 'refused':
      return {
        result: 'unreachable',
        message: `${host} refused the connection; check the base URL and port, and that the service is running.`,
      };
    case 'reset':
      return {
        result: 'unreachable',
        message: `The connection to ${host} was closed before ${label} answered; a proxy or firewall may be in the way, so test again or check the network.`,
      };
    case 'tls':
      return {
        result: 'unreachable',
        message: `A secure connection to ${host} could not be set up because its TLS certificate was not accepted; check the base URL (https or http) and any proxy certificate.`,
      };
    case 'bad_request':
      return {
        result: 'invalid_key',
        message: `The stored key contains characters that cannot be sent in an HTTP header (such as a line break); paste the key again.`,
      };
    case 'aborted':
    case 'network':
      return {
        result: 'unreachable',
        message: `Could not connect to ${host}; check the base URL and this server's network access.`,
      };
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return seconds === 1
    ? '1 second'
    : `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} seconds`;
}

/** Small readers for provider JSON without `any`. */
export function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

export function hasArray(value: unknown, key: string): boolean {
  return Array.isArray(field(value, key));
}
