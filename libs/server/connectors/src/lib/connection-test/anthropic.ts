import type { ConnectionProbe, ProbeContext } from './probe';
import { previousUtcDay, rfc3339 } from './time-window';
import { hasArray, standardVerdict } from './verdict';

/**
 * Anthropic: `GET /v1/organizations/cost_report?starting_at=<yesterday 00:00 UTC>&limit=1`.
 *
 * Only Admin keys (`sk-ant-admin…`) may call `/v1/organizations/*`. Cheaper admin reads exist
 * (`/v1/organizations/workspaces?limit=1`), but the cost report is what the sync reads, so a success here is the
 * real proof; it is daily only, and `limit=1` returns a single bucket.
 */
const LABEL = 'Anthropic';

export const ANTHROPIC_VERSION = '2023-06-01';

export const anthropicProbe: ConnectionProbe = {
  kind: 'http',
  label: LABEL,
  location: { defaultBaseUrl: 'https://api.anthropic.com/v1', prefix: '/v1' },
  credentialRequired: true,
  missingCredential:
    'No key is stored for this Anthropic account; add an Admin key (sk-ant-admin…) to read usage and costs.',
  request: ({ credential, now }) => ({
    path: '/organizations/cost_report',
    query: [
      ['starting_at', rfc3339(previousUtcDay(now))],
      ['limit', '1'],
    ],
    headers: {
      'x-api-key': credential ?? '',
      'anthropic-version': ANTHROPIC_VERSION,
      accept: 'application/json',
    },
  }),
  interpret: (answer, context) =>
    standardVerdict(answer, context, {
      label: LABEL,
      ok: "it can read the organization's usage and cost reports",
      expected: 'Anthropic cost report data',
      invalidKey:
        'Anthropic rejected this key (HTTP 401); check that it was copied in full and has not been revoked, or create a new Admin key in the Console.',
      insufficientScope: scopeMessage(context),
      isExpectedBody: (json) => hasArray(json, 'data'),
      // A standard key sent to the Admin API is a scope problem whatever status it gets.
      special: (reply) =>
        (reply.status === 401 || reply.status === 403) &&
        isStandardAnthropicKey(context.credential)
          ? { result: 'insufficient_scope', message: scopeMessage(context) }
          : undefined,
    }),
};

function scopeMessage(context: ProbeContext): string {
  return isStandardAnthropicKey(context.credential)
    ? 'Anthropic refused this key for the Admin API: it needs an Admin key (sk-ant-admin…), not a standard API key.'
    : 'Anthropic refused this key for the usage and cost reports (HTTP 403); use an Admin key created by an organization admin, for an organization rather than an individual account.';
}

function isStandardAnthropicKey(credential: string | null): boolean {
  return (
    credential !== null &&
    credential.startsWith('sk-ant-') &&
    !credential.startsWith('sk-ant-admin')
  );
}
