import type { AdjustmentLineDto, PeriodCloseDto } from '@act/contracts';
import type { SqlExecutor } from '@act/server/database';
import { COUNT_COLUMNS, countsOf, dec, emptyCounts, addCounts, IN_VERSION, RECONCILED_SQL, str, sum } from './query-support';

interface Keyed {
  account_id: string;
  provider: string;
  model?: string;
  amount: string;
}

/**
 * A closed month as of cost version `version`: what it reported at the close (frozen copy),
 * and every change since as adjustment lines — one per cost version that repriced it (with the
 * PriceSets behind it, who asked and when) and, for whatever remains, `late-data` lines (usage
 * or bills that changed after the close). reported + adjustments = the current figures, exactly.
 */
export async function periodClose(
  sql: SqlExecutor,
  workspaceId: string,
  month: string,
  range: { start: string; end: string },
  version: number,
): Promise<PeriodCloseDto | null> {
  const [close] = await sql.query<{ version: number; closed_by: string | null; closed_at: string }>(
    'select version, closed_by, closed_at from period_closes where workspace_id = $1 and month = $2',
    [workspaceId, month],
  );
  if (!close) return null;

  const frozenRows = await sql.query<Keyed & { n_rows: number; n_estimated: number; n_manual: number; n_unpriced: number; n_pending: number }>(
    `select e.account_id, e.provider, e.model, coalesce(sum(e.estimated), 0)::text as amount, ${COUNT_COLUMNS}
       from period_close_rows e where e.workspace_id = $1 and e.month = $2
      group by e.account_id, e.provider, e.model`,
    [workspaceId, month],
  );
  const frozenBilled = await sql.query<Keyed>(
    `select account_id, provider, sum(amount)::text as amount from (
       select account_id, day, provider, amount from period_close_billed where workspace_id = $1 and month = $2
       union all
       select r.account_id, r.day, r.provider, r.reported_cost from period_close_rows r
        where r.workspace_id = $1 and r.month = $2 and r.reported_cost is not null
          and not exists (select 1 from period_close_billed b where b.workspace_id = r.workspace_id and b.month = r.month
                            and b.account_id = r.account_id and b.day = r.day)
     ) f group by account_id, provider`,
    [workspaceId, month],
  );
  const currentRows = await sql.query<Keyed>(
    `select e.account_id, e.provider, e.model, coalesce(sum(e.estimated), 0)::text as amount
       from cost_estimates e
      where e.workspace_id = $1 and e.day >= $2::date and e.day < $3::date and ${IN_VERSION('e', '$4')}
      group by e.account_id, e.provider, e.model`,
    [workspaceId, range.start, range.end, version],
  );
  const currentBilled = await sql.query<Keyed>(
    `select account_id, provider, sum(amount)::text as amount from (${RECONCILED_SQL}) r group by account_id, provider`,
    [workspaceId, range.start, range.end],
  );
  const deltas = await sql.query<Keyed & { version: number; causes: string[]; requested_by: string | null; activated_at: string | null }>(
    `select d.version, d.account_id, d.provider, d.model, d.delta::text as amount, v.causes, v.requested_by, v.activated_at
       from cost_version_deltas d join cost_versions v on v.workspace_id = d.workspace_id and v.version = d.version
      where d.workspace_id = $1 and d.month = $2 and d.version > $3 and d.version <= $4 and d.delta <> 0
      order by d.version, d.account_id, d.provider, d.model`,
    [workspaceId, month, close.version, version],
  );

  const adjustments: AdjustmentLineDto[] = deltas.map((d) => ({
    kind: 'recompute',
    costVersion: d.version,
    causes: d.causes,
    requestedBy: d.requested_by,
    activatedAt: d.activated_at,
    accountId: d.account_id,
    provider: d.provider,
    model: d.model ?? null,
    estimated: str(dec(d.amount)),
    reconciled: '0',
  }));

  // Whatever the recomputes do not explain changed because of late usage.
  const remainder = new Map<string, { account: string; provider: string; model: string; amount: ReturnType<typeof dec> }>();
  const bump = (r: Keyed, sign: 1 | -1) => {
    const key = JSON.stringify([r.account_id, r.provider, r.model ?? '']);
    const entry = remainder.get(key) ?? { account: r.account_id, provider: r.provider, model: r.model ?? '', amount: dec('0') };
    entry.amount = entry.amount.plus(dec(r.amount).times(sign));
    remainder.set(key, entry);
  };
  currentRows.forEach((r) => bump(r, 1));
  frozenRows.forEach((r) => bump(r, -1));
  deltas.forEach((r) => bump(r, -1));
  for (const entry of [...remainder.values()].sort(byKey)) {
    if (entry.amount.isZero()) continue;
    adjustments.push(lateData(entry.account, entry.provider, entry.model, str(entry.amount), '0'));
  }
  const billed = new Map<string, { account: string; provider: string; amount: ReturnType<typeof dec> }>();
  const bumpBilled = (r: Keyed, sign: 1 | -1) => {
    const key = JSON.stringify([r.account_id, r.provider]);
    const entry = billed.get(key) ?? { account: r.account_id, provider: r.provider, amount: dec('0') };
    entry.amount = entry.amount.plus(dec(r.amount).times(sign));
    billed.set(key, entry);
  };
  currentBilled.forEach((r) => bumpBilled(r, 1));
  frozenBilled.forEach((r) => bumpBilled(r, -1));
  for (const entry of [...billed.values()].sort(byKey)) {
    if (entry.amount.isZero()) continue;
    adjustments.push(lateData(entry.account, entry.provider, null, '0', str(entry.amount)));
  }

  return {
    month,
    closedAt: close.closed_at,
    closedBy: close.closed_by,
    costVersion: close.version,
    reported: {
      estimated: sum(frozenRows.map((r) => r.amount)),
      reconciled: sum(frozenBilled.map((r) => r.amount)),
      counts: frozenRows.reduce((acc, r) => addCounts(acc, countsOf(r)), emptyCounts()),
    },
    adjustments,
    adjustmentTotal: {
      estimated: sum(adjustments.map((a) => a.estimated)),
      reconciled: sum(adjustments.map((a) => a.reconciled)),
    },
  };
}

function lateData(accountId: string, provider: string, model: string | null, estimated: string, reconciled: string): AdjustmentLineDto {
  return {
    kind: 'late-data',
    costVersion: null,
    causes: [],
    requestedBy: null,
    activatedAt: null,
    accountId,
    provider,
    model,
    estimated,
    reconciled,
  };
}

function byKey(a: { account: string; provider: string; model?: string }, b: { account: string; provider: string; model?: string }): number {
  const ka = `${a.account}\u0000${a.provider}\u0000${a.model ?? ''}`;
  const kb = `${b.account}\u0000${b.provider}\u0000${b.model ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}
