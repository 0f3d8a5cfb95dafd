import type { HttpAnswer } from '../http/http-get';
import type { ConnectionProbe, Verdict } from './probe';
import { field, hasArray, rateLimited, standardVerdict } from './verdict';

/**
 * Gemini: `GET /v1beta/models?pageSize=1` with the key in `x-goog-api-key` (never `?key=`: a query string ends
 * up in proxy logs and in the `endpoint` we display).
 */
const LABEL = 'Google Gemini';
const INVALID_KEY =
  'Google rejected this key for the Gemini API; check that it was copied in full and has not been deleted, or create one in Google AI Studio.';

export const geminiProbe: ConnectionProbe = {
  kind: 'http',
  label: LABEL,
  location: {
    defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    prefix: '/v1beta',
  },
  credentialRequired: true,
  missingCredential:
    'No key is stored for this Gemini account; add a Gemini API key from Google AI Studio.',
  request: ({ credential }) => ({
    path: '/models',
    query: [['pageSize', '1']],
    headers: { 'x-goog-api-key': credential ?? '', accept: 'application/json' },
  }),
  interpret: (answer, context) =>
    standardVerdict(answer, context, {
      label: LABEL,
      ok: 'it can call the Gemini API',
      expected: 'a Gemini model list',
      invalidKey: INVALID_KEY,
      insufficientScope:
        "Google accepted the key but it may not call the Gemini API (HTTP 403); allow the Generative Language API in the key's API restrictions, or enable that API for its project.",
      isExpectedBody: (json) => hasArray(json, 'models'),
      special: (reply) =>
        invalidKeyAs400(reply) ?? retryInfo(reply, context.now),
    }),
};

/** Google's 429 often carries no `Retry-After` header but a `RetryInfo` detail (`"retryDelay": "37s"`). */
function retryInfo(answer: HttpAnswer, now: Date): Verdict | undefined {
  if (answer.status !== 429) return undefined;
  const details = field(field(answer.json, 'error'), 'details');
  const delay = Array.isArray(details)
    ? details
        .map((detail) => field(detail, 'retryDelay'))
        .find((d) => typeof d === 'string')
    : undefined;
  const seconds =
    typeof delay === 'string' && /^\d+(\.\d+)?s$/.test(delay)
      ? Math.ceil(parseFloat(delay))
      : undefined;
  return rateLimited(LABEL, answer, now, seconds);
}

/** Google answers an unknown key with 400 INVALID_ARGUMENT, reason `API_KEY_INVALID`, not 401. */
function invalidKeyAs400(answer: HttpAnswer): Verdict | undefined {
  if (answer.status !== 400) return undefined;
  const error = field(answer.json, 'error');
  const details = field(error, 'details');
  const reasons = Array.isArray(details)
    ? details.map((detail) => field(detail, 'reason'))
    : [];
  const message = field(error, 'message');
  if (
    reasons.includes('API_KEY_INVALID') ||
    (typeof message === 'string' && /api key not (valid|found)/i.test(message))
  ) {
    return { result: 'invalid_key', message: INVALID_KEY };
  }
  return undefined;
}
