import type { HttpAnswer } from '../http/http-get';
import type { ConnectionProbe, ProbeContext, Verdict } from './probe';
import { previousUtcDay, unixSeconds } from './time-window';
import { field, hasArray, standardVerdict } from './verdict';

/**
 * OpenAI: `GET /v1/organization/costs?start_time=<yesterday 00:00 UTC>&limit=1`.
 *
 * Why this endpoint and not `/organization/projects?limit=1` (equally cheap, also admin-only): Admin keys can be
 * restricted per area, and a key allowed to read "Organization Administration" may still lack the usage read
 * permission (`api.usage.read`) the sync needs. The Costs API is what the sync calls; one daily bucket
 * (`bucket_width` defaults to `1d`, `limit=1`) is the smallest answer it gives.
 */
const LABEL = 'OpenAI';
const ADMIN_KEY_PREFIX = 'sk-admin-';

export const openaiProbe: ConnectionProbe = {
  kind: 'http',
  label: LABEL,
  location: { defaultBaseUrl: 'https://api.openai.com/v1', prefix: '/v1' },
  credentialRequired: true,
  missingCredential:
    'No key is stored for this OpenAI account; add an organization Admin key (sk-admin-…) to read usage and costs.',
  request: ({ credential, now }) => ({
    path: '/organization/costs',
    query: [
      ['start_time', String(unixSeconds(previousUtcDay(now)))],
      ['limit', '1'],
    ],
    headers: {
      authorization: `Bearer ${credential ?? ''}`,
      accept: 'application/json',
    },
  }),
  interpret: (answer, context) =>
    standardVerdict(answer, context, {
      label: LABEL,
      ok: "it can read the organization's usage and costs",
      expected: 'OpenAI Costs API data',
      invalidKey:
        'OpenAI rejected this key (HTTP 401); check that it was copied in full and has not been revoked, or create a new Admin key.',
      insufficientScope: scopeMessage(context),
      isExpectedBody: (json) =>
        field(json, 'object') === 'page' && hasArray(json, 'data'),
      special: (reply) => scopeRefusal(reply, context),
    }),
};

/**
 * OpenAI answers 401 (not 403) when a valid key lacks a scope ("You have insufficient permissions for this
 * operation. Missing scopes: api.usage.read"), and a project key sent to an admin endpoint is a scope problem
 * whatever status it gets: the fix is the same — use an Admin key.
 */
function scopeRefusal(
  answer: HttpAnswer,
  context: ProbeContext,
): Verdict | undefined {
  if (answer.status !== 401 && answer.status !== 403) return undefined;
  const message = field(field(answer.json, 'error'), 'message');
  const missingScope =
    typeof message === 'string' &&
    /insufficient permissions|missing scope/i.test(message);
  if (missingScope || isNonAdminOpenAiKey(context.credential)) {
    return { result: 'insufficient_scope', message: scopeMessage(context) };
  }
  return undefined;
}

function scopeMessage(context: ProbeContext): string {
  return isNonAdminOpenAiKey(context.credential)
    ? 'OpenAI refused this key for the Usage API: it needs an organization Admin key (sk-admin-…), not a project or user key.'
    : 'OpenAI accepted this Admin key but it may not read usage; give it the Usage read permission (or All) under Organization settings → Admin keys, or create a new one.';
}

/** Project (`sk-proj-`), service-account (`sk-svcacct-`) and legacy user keys all start with `sk-`. */
function isNonAdminOpenAiKey(credential: string | null): boolean {
  return (
    credential !== null &&
    credential.startsWith('sk-') &&
    !credential.startsWith(ADMIN_KEY_PREFIX)
  );
}
