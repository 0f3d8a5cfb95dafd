import type { HttpAnswer } from '../http/http-get';
import type { ConnectionProbe, Verdict } from './probe';
import { field, standardVerdict } from './verdict';

/**
 * xAI: `GET /v1/api-key` describes the calling key (free, no tokens): besides proving it authenticates, it says
 * whether the key or its team is blocked, which `/v1/models` would not.
 */
const LABEL = 'xAI';
const INVALID_KEY =
  'xAI rejected this key; check that it was copied in full and has not been deleted, or create a new one in the xAI console.';

export const xaiProbe: ConnectionProbe = {
  kind: 'http',
  label: LABEL,
  location: { defaultBaseUrl: 'https://api.x.ai/v1', prefix: '/v1' },
  credentialRequired: true,
  missingCredential:
    'No key is stored for this xAI account; add an xAI API key (xai-…).',
  request: ({ credential }) => ({
    path: '/api-key',
    headers: {
      authorization: `Bearer ${credential ?? ''}`,
      accept: 'application/json',
    },
  }),
  interpret: (answer, context) =>
    standardVerdict(answer, context, {
      label: LABEL,
      ok: 'it is active',
      expected: 'xAI API key information',
      invalidKey: INVALID_KEY,
      insufficientScope:
        "xAI accepted the key but refused the request (HTTP 403); check the key's permissions and the team's credits in the xAI console.",
      isExpectedBody: (json) => typeof field(json, 'api_key_id') === 'string',
      special: xaiQuirks,
    }),
};

function xaiQuirks(answer: HttpAnswer): Verdict | undefined {
  // xAI answers an unknown key with 400 ("Incorrect API key provided"), not 401.
  if (answer.status === 400) {
    const error = field(answer.json, 'error');
    if (typeof error === 'string' && /api key/i.test(error))
      return { result: 'invalid_key', message: INVALID_KEY };
    return undefined;
  }
  if (answer.status !== 200) return undefined;
  if (
    field(answer.json, 'api_key_blocked') === true ||
    field(answer.json, 'api_key_disabled') === true
  ) {
    return {
      result: 'invalid_key',
      message:
        'xAI reports this key as blocked or disabled; enable it in the xAI console or create a new one.',
    };
  }
  if (field(answer.json, 'team_blocked') === true) {
    return {
      result: 'insufficient_scope',
      message:
        "xAI reports this key's team as blocked; check the team's billing and status in the xAI console.",
    };
  }
  return undefined;
}
