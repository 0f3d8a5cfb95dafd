import type { ConnectionProbe } from './probe';
import { field, hasArray, standardVerdict } from './verdict';

/**
 * DeepSeek: `GET /user/balance`, its only account endpoint: free, authenticated, and it tells whether the
 * account can still make calls. It sits at the API root (no `/v1`), hence the empty prefix.
 */
const LABEL = 'DeepSeek';

export const deepseekProbe: ConnectionProbe = {
  kind: 'http',
  label: LABEL,
  location: { defaultBaseUrl: 'https://api.deepseek.com', prefix: '' },
  credentialRequired: true,
  missingCredential:
    'No key is stored for this DeepSeek account; add a DeepSeek API key (sk-…).',
  request: ({ credential }) => ({
    path: '/user/balance',
    headers: {
      authorization: `Bearer ${credential ?? ''}`,
      accept: 'application/json',
    },
  }),
  interpret: (answer, context) =>
    standardVerdict(answer, context, {
      label: LABEL,
      ok: 'it can read the account balance',
      expected: 'DeepSeek balance data',
      invalidKey:
        'DeepSeek rejected this key (HTTP 401); check that it was copied in full and has not been deleted.',
      insufficientScope:
        "DeepSeek accepted the key but refused to show the balance (HTTP 403); check the account's status on the DeepSeek platform.",
      isExpectedBody: (json) =>
        typeof field(json, 'is_available') === 'boolean' &&
        hasArray(json, 'balance_infos'),
      // The key works, but calls will fail with 402 until the account is topped up: worth saying now.
      special: (reply) =>
        reply.status === 200 &&
        field(reply.json, 'is_available') === false &&
        hasArray(reply.json, 'balance_infos')
          ? {
              result: 'ok',
              message:
                'DeepSeek accepted the key, but the account has no balance available for API calls; top it up on the DeepSeek platform.',
            }
          : undefined,
    }),
};
