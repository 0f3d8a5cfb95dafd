import type { ConnectionProbe } from './probe';
import { hasArray, standardVerdict } from './verdict';

/**
 * Perplexity: `GET /v1/async/sonar` lists the key's asynchronous requests: authenticated and free. Perplexity's
 * `GET /v1/models` is public (no security in its spec), so it cannot tell a good key from a bad one.
 */
const LABEL = 'Perplexity';

export const perplexityProbe: ConnectionProbe = {
  kind: 'http',
  label: LABEL,
  location: { defaultBaseUrl: 'https://api.perplexity.ai/v1', prefix: '/v1' },
  credentialRequired: true,
  missingCredential:
    'No key is stored for this Perplexity account; add a Perplexity API key (pplx-…).',
  request: ({ credential }) => ({
    path: '/async/sonar',
    headers: {
      authorization: `Bearer ${credential ?? ''}`,
      accept: 'application/json',
    },
  }),
  interpret: (answer, context) =>
    standardVerdict(answer, context, {
      label: LABEL,
      ok: 'it can call the API',
      expected: 'a Perplexity request list',
      invalidKey:
        'Perplexity rejected this key (HTTP 401); check that it was copied in full and has not been revoked.',
      insufficientScope:
        "Perplexity accepted the key but refused the request (HTTP 403); check the API group's credits and the key's status in the API portal.",
      isExpectedBody: (json) => hasArray(json, 'requests'),
    }),
};
