import type { ConnectionProbe } from './probe';
import { isoDate, previousUtcDay } from './time-window';
import { hasArray, standardVerdict } from './verdict';

/**
 * OpenRouter: `GET /api/v1/activity?date=<yesterday>`.
 *
 * `/activity` is what the sync reads and needs a Management key; inference keys get 403 "Only management keys
 * can perform this operation". `GET /api/v1/key` answers for any key, so a 200 there proves nothing about the
 * activity data; `/credits` has the same guard but is a different resource. Filtering on one completed day keeps
 * the answer to that day's rows.
 */
const LABEL = 'OpenRouter';

export const openrouterProbe: ConnectionProbe = {
  kind: 'http',
  label: LABEL,
  location: {
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    prefix: '/api/v1',
  },
  credentialRequired: true,
  missingCredential:
    'No key is stored for this OpenRouter account; add a Management key (Settings → Management keys) to read activity.',
  request: ({ credential, now }) => ({
    path: '/activity',
    query: [['date', isoDate(previousUtcDay(now))]],
    headers: {
      authorization: `Bearer ${credential ?? ''}`,
      accept: 'application/json',
    },
  }),
  interpret: (answer, context) =>
    standardVerdict(answer, context, {
      label: LABEL,
      ok: "it can read the account's daily activity",
      expected: 'OpenRouter activity data',
      invalidKey:
        'OpenRouter rejected this key (HTTP 401); check that it was copied in full and has not been deleted or disabled.',
      insufficientScope:
        'OpenRouter refused this key for the activity report: it needs a Management key (Settings → Management keys), not an inference API key.',
      isExpectedBody: (json) => hasArray(json, 'data'),
    }),
};
