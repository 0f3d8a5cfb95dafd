import type { ConnectionTestDto, ProviderId } from '@act/contracts';
import { endpointUrl, resolveApiRoot } from '../http/base-url';
import { httpGet } from '../http/http-get';
import type { ConnectionProbe, ProbeContext, Verdict } from './probe';
import { CONNECTION_PROBES } from './probes';
import { networkFailureVerdict } from './verdict';

export interface ConnectionTestInput {
  provider: ProviderId;
  /** The decrypted credential; it never leaves this call except in the request's auth header. */
  credential: string | null;
  /** Overrides the provider's API root (gateway, proxy, test server); see `resolveApiRoot` for the rule. */
  baseUrl: string | null;
}

export interface ConnectionTestOptions {
  /** Whole-request budget (connect, headers, body). Default 10 s. */
  timeoutMs?: number;
  now?: () => Date;
}

export const DEFAULT_CONNECTION_TEST_TIMEOUT_MS = 10_000;

/**
 * Calls the provider's cheapest authenticated read that proves the key works and has the scope the sync needs,
 * and maps the outcome to a typed result with one sentence for the user. Never throws; never puts the
 * credential in the result.
 */
export async function testConnection(
  input: ConnectionTestInput,
  options: ConnectionTestOptions = {},
): Promise<ConnectionTestDto> {
  const now = options.now ?? (() => new Date());
  const timeoutMs =
    options.timeoutMs !== undefined &&
    Number.isFinite(options.timeoutMs) &&
    options.timeoutMs > 0
      ? Math.ceil(options.timeoutMs)
      : DEFAULT_CONNECTION_TEST_TIMEOUT_MS;
  const credential = input.credential?.trim() ? input.credential : null;
  let outcome: Outcome;
  try {
    outcome = await run({ ...input, credential }, now, timeoutMs);
  } catch {
    // Nothing above is expected to throw; this keeps the "never throws" promise if something does.
    outcome = {
      result: 'provider_error',
      message:
        'The connection test failed unexpectedly; try again, and report it if it keeps happening.',
      httpStatus: null,
      endpoint: null,
    };
  }
  const dto: ConnectionTestDto = {
    result: outcome.result,
    message: outcome.message,
    checkedAt: safeIso(now),
    httpStatus: outcome.httpStatus,
    endpoint: outcome.endpoint,
  };
  return redactCredential(dto, credential);
}

type Outcome = Omit<ConnectionTestDto, 'checkedAt'>;

async function run(
  input: ConnectionTestInput,
  now: () => Date,
  timeoutMs: number,
): Promise<Outcome> {
  // `provider` comes from stored data; an unknown value must not crash the request.
  const probe = Object.prototype.hasOwnProperty.call(
    CONNECTION_PROBES,
    input.provider,
  )
    ? CONNECTION_PROBES[input.provider]
    : undefined;
  if (!probe) {
    return notCalled({
      result: 'not_supported',
      message:
        'This provider is not known to this server version, so it cannot be tested.',
    });
  }
  if (probe.kind === 'unsupported')
    return notCalled({ result: 'not_supported', message: probe.message });

  if (probe.location.verbatim && !input.baseUrl?.trim()) {
    return notCalled({
      result: 'unreachable',
      message:
        'Set the base URL of the OpenAI-compatible server (for example http://localhost:11434/v1) before testing.',
    });
  }
  const root = resolveApiRoot(probe.location, input.baseUrl);
  if (!root.ok) {
    return notCalled({
      result: 'unreachable',
      message:
        root.reason === 'credentials_in_url'
          ? 'The base URL must not contain a user name or password; remove them and put the key in the key field.'
          : 'The base URL is not a valid http(s) address; correct it (for example https://gateway.example.com/v1) or clear it to use the default.',
    });
  }
  if (probe.credentialRequired && input.credential === null) {
    return notCalled({
      result: 'invalid_key',
      message: probe.missingCredential,
    });
  }
  return call(
    probe,
    root.apiRoot,
    { credential: input.credential, now: now() },
    timeoutMs,
  );
}

async function call(
  probe: ConnectionProbe,
  apiRoot: URL,
  context: ProbeContext,
  timeoutMs: number,
): Promise<Outcome> {
  const request = probe.request(context);
  const url = endpointUrl(apiRoot, request.path, request.query);
  const endpoint = `GET ${url.pathname}${readable(url.search)}`;
  const answer = await httpGet(url, { headers: request.headers, timeoutMs });
  if (answer.kind === 'failed') {
    return {
      ...networkFailureVerdict(
        answer.failure,
        probe.label,
        url.host,
        timeoutMs,
      ),
      httpStatus: null,
      endpoint,
    };
  }
  return {
    ...probe.interpret(answer, context),
    httpStatus: answer.status,
    endpoint,
  };
}

/** `starting_at=2026-11-23T00:00:00Z` reads better than `…T00%3A00%3A00Z`; the query never holds secrets. */
function readable(search: string): string {
  try {
    return decodeURIComponent(search);
  } catch {
    return search;
  }
}

function notCalled(verdict: Verdict): Outcome {
  return { ...verdict, httpStatus: null, endpoint: null };
}

function safeIso(now: () => Date): string {
  try {
    return now().toISOString();
  } catch {
    return new Date().toISOString();
  }
}

/**
 * Belt and braces: no code path puts the credential in a message or endpoint, but a future message template
 * might. Very short "credentials" are skipped so a one-letter test value does not mangle every sentence.
 */
const MIN_REDACTED_LENGTH = 8;

function redactCredential(
  dto: ConnectionTestDto,
  credential: string | null,
): ConnectionTestDto {
  const secret = credential?.trim();
  if (!secret || secret.length < MIN_REDACTED_LENGTH) return dto;
  const scrub = (text: string) => text.split(secret).join('[redacted]');
  return {
    ...dto,
    message: scrub(dto.message),
    endpoint: dto.endpoint === null ? null : scrub(dto.endpoint),
  };
}
