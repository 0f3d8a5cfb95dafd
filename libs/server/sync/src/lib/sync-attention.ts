/** A finished run as the attention rules see it (newest first). */
export interface FinishedRun {
  status: 'succeeded' | 'failed';
  category: string | null;
  code: string | null;
  message: string | null;
  startedAt: string;
}

/** Failed runs in a row, newest included, before a passing problem becomes "needs attention". */
export const ATTENTION_AFTER_FAILED_RUNS = 3;

/** Failures a person has to look at the first time they happen: retrying alone will not fix them. */
const IMMEDIATE_CODES: ReadonlySet<string> = new Set(['not_found', 'redirect', 'invalid_base_url']);
/** Failures that say nothing about the account: a run cancelled by a shutdown, a lease taken over, a process that died. */
const NOT_COUNTED_CODES: ReadonlySet<string> = new Set(['aborted', 'lease_lost', 'interrupted']);

/**
 * The attention line an account shows because of its sync history, or null (the accounts page puts it under a
 * "Needs attention" chip, so the line itself says what and why). The account keeps syncing
 * (the scheduler retries on its own); this only tells a person that something needs a look:
 *
 * - the latest run succeeded → nothing (any earlier problem is over);
 * - the latest run found the provider's answer changed (`provider_schema_changed`: a field renamed or of
 *   another type, a cursor that repeats, a rejected request) → at once: retrying will not change the answer;
 * - the base URL leads nowhere useful (404, a redirect, an invalid URL) → at once;
 * - anything else — 429s, 5xx, time-outs, dropped connections, cut-off answers, failures on our side — only
 *   once the last `ATTENTION_AFTER_FAILED_RUNS` runs all failed: a provider's bad minute recovers by itself,
 *   a problem that outlives several scheduled runs does not.
 *
 * Authentication and permission failures are not handled here: they pause the account, which shows its own
 * reason.
 */
export function syncAttention(newestFirst: readonly FinishedRun[], threshold = ATTENTION_AFTER_FAILED_RUNS): string | null {
  const runs = newestFirst.filter((run) => !(run.status === 'failed' && run.code !== null && NOT_COUNTED_CODES.has(run.code)));
  const latest = runs[0];
  if (!latest || latest.status === 'succeeded') return null;
  const reason = latest.message ?? 'the provider could not be read';
  if (latest.category === 'auth' || latest.category === 'permission') return null;
  if (latest.category === 'provider_schema_changed') {
    return `The provider's answer changed and the last sync could not read it (${latest.code}). ${reason} Syncing continues; the data recorded before stays as it was.`;
  }
  if (latest.code !== null && IMMEDIATE_CODES.has(latest.code)) {
    return `The last sync could not reach the usage API (${latest.code}). ${reason}`;
  }
  let failedInRow = 0;
  for (const run of runs) {
    if (run.status !== 'failed') break;
    failedInRow++;
  }
  if (failedInRow < threshold) return null;
  const since = runs[failedInRow - 1].startedAt.slice(0, 16).replace('T', ' ');
  return `The last ${failedInRow} syncs failed (since ${since} UTC; ${latest.category}/${latest.code}). ${reason} Syncing continues and will catch up once the provider answers.`;
}
