import type {
  CostBreakdownRowDto,
  CostRowCountsDto,
  DailyCostPointDto,
  DailyCostSeriesDto,
  UsageGroupBy,
  UsageMonthSummaryDto,
} from '@act/contracts';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import type { SqlExecutor } from '@act/server/database';
import { periodClose } from './period-close';
import {
  addCounts,
  COUNT_COLUMNS,
  countsOf,
  emptyCounts,
  IN_VERSION,
  onOneSnapshot,
  RECONCILED_GROUPS,
  RECONCILED_SQL,
  requireDay,
  requireMonth,
  resolveVersion,
  sum,
} from './query-support';

interface GroupRow {
  account_id: string;
  provider: string;
  model: string;
  project: string | null;
  estimated: string;
  n_rows: number;
  n_estimated: number;
  n_manual: number;
  n_unpriced: number;
  n_pending: number;
}

/** Billed amounts of a month, with the group each grouping attributes them to (RECONCILED_GROUPS). */
interface BilledRow {
  account_id: string;
  provider: string;
  /** `provider/model` for amounts that came with usage, else null (a billed line names no model). */
  model_key: string | null;
  model: string | null;
  project_attributable: boolean;
  project_key: string | null;
  amount: string;
}

const MAX_SERIES_DAYS = 400;

/**
 * Estimated and reconciled cost over the usage ledger's read model. Every method takes the
 * workspace first and filters on it in every statement; figures come from one cost version
 * (default: the current one). Money leaves as exact decimal strings.
 */
export class UsageQueries {
  constructor(private readonly sql: SqlExecutor) {}

  async monthSummary(workspaceId: string, month: string, options: { version?: number } = {}): Promise<UsageMonthSummaryDto> {
    return onOneSnapshot(this.sql, async (sql) => {
      const range = requireMonth(month);
      const { selected, current } = await resolveVersion(sql, workspaceId, options.version);
      // From the month's groups (usage-ledger.projection.ts: cost_month_groups), not its rows.
      const groups = await sql.query<GroupRow>(
        `select g.account_id, g.provider, g.model, g.project, sum(g.estimated)::text as estimated,
                sum(g.n_rows)::int as n_rows, sum(g.n_estimated)::int as n_estimated, sum(g.n_manual)::int as n_manual,
                sum(g.n_unpriced)::int as n_unpriced, sum(g.n_pending)::int as n_pending
           from cost_month_groups g
          where g.workspace_id = $1 and g.month = $2::date and ${IN_VERSION('g', '$3')}
          group by g.account_id, g.provider, g.model, g.project
          order by g.account_id, g.provider, g.model, g.project`,
        [workspaceId, range.start, selected],
      );
      const billed = await sql.query<BilledRow>(
        `select r.account_id, r.provider,
                case when ${RECONCILED_GROUPS.model.attributable} then ${RECONCILED_GROUPS.model.key} end as model_key,
                min(r.model) as model,
                ${RECONCILED_GROUPS.project.attributable} as project_attributable, ${RECONCILED_GROUPS.project.key} as project_key,
                sum(r.amount)::text as amount
           from (${RECONCILED_SQL}) r
          group by 1, 2, 3, 5, 6 order by 1, 2, 3, 5, 6`,
        [workspaceId, range.start, range.end],
      );
      const counts = groups.reduce((acc, g) => addCounts(acc, countsOf(g)), emptyCounts());
      return {
        workspaceId,
        month,
        currency: 'USD',
        costVersion: selected,
        currentCostVersion: current,
        estimated: sum(groups.map((g) => g.estimated)),
        reconciled: sum(billed.map((b) => b.amount)),
        estimatedIsLowerBound: counts.unpriced > 0,
        counts,
        byProvider: breakdown(groups, (g) => g.provider, billedBy(billed, (b) => b.provider)),
        byAccount: breakdown(groups, (g) => g.account_id, billedBy(billed, (b) => b.account_id)),
        byModel: breakdown(
          groups,
          (g) => `${g.provider}/${g.model}`,
          billedBy(billed, (b) => b.model_key ?? undefined),
          (key, first) => {
            if (first) return { provider: first.provider, model: first.model };
            // Billed with usage this version has no estimate for (an older version than the usage).
            const bill = billed.find((b) => b.model_key === key);
            return { provider: bill?.provider ?? '', model: bill?.model ?? '' };
          },
        ),
        byProject: breakdown(groups, (g) => g.project, billedBy(billed, (b) => (b.project_attributable ? b.project_key : undefined))),
        closed: await periodClose(sql, workspaceId, month, range, selected),
      };
    });
  }

  /**
   * Estimated and reconciled cost per day and group over [from, to] inclusive, at most 400 days.
   * `reconciled` is what was billed and can be attributed to the group (RECONCILED_GROUPS), and
   * null when nothing was: "no billed figure" is not $0.
   */
  async dailySeries(
    workspaceId: string,
    query: { from: string; to: string; groupBy: UsageGroupBy; version?: number },
  ): Promise<DailyCostSeriesDto> {
    return onOneSnapshot(this.sql, async (sql) => {
      const from = requireDay(query.from, 'from');
      const to = requireDay(query.to, 'to');
      if (to < from) throw new DomainRuleViolation('query.range', `to (${to}) is before from (${from}).`);
      const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
      if (days > MAX_SERIES_DAYS) throw new DomainRuleViolation('query.range', `At most ${MAX_SERIES_DAYS} days per series, asked for ${days}.`);
      const column = GROUP_COLUMNS[query.groupBy];
      if (!column) throw new DomainRuleViolation('query.group-by', `groupBy must be provider, account, model or project.`);
      const { selected } = await resolveVersion(sql, workspaceId, query.version);
      const end = new Date(Date.parse(to) + 86_400_000).toISOString().slice(0, 10);
      const rows = await sql.query<{ day: string; key: string | null; provider: string | null; model: string | null; estimated: string } & Counts>(
        `select e.day::text as day, ${column.estimate} as key,
                ${query.groupBy === 'model' ? 'min(e.provider)' : 'null'} as provider,
                ${query.groupBy === 'model' ? 'min(e.model)' : 'null'} as model,
                coalesce(sum(e.estimated), 0)::text as estimated, ${COUNT_COLUMNS}
           from cost_estimates e
          where e.workspace_id = $1 and e.day >= $2::date and e.day < $3::date and ${IN_VERSION('e', '$4')}
          group by e.day, ${column.estimate}`,
        [workspaceId, from, end, selected],
      );
      const attribution = RECONCILED_GROUPS[query.groupBy];
      const billed = await sql.query<{ day: string; key: string | null; provider: string; model: string | null; amount: string }>(
        `select r.day::text as day, ${attribution.key} as key, min(r.provider) as provider, min(r.model) as model,
                sum(r.amount)::text as amount
           from (${RECONCILED_SQL}) r
          where ${attribution.attributable}
          group by r.day, ${attribution.key}`,
        [workspaceId, from, end],
      );
      const points = new Map<string, DailyCostPointDto>();
      const pointKey = (day: string, key: string | null) => JSON.stringify([day, key]);
      for (const row of rows) {
        points.set(pointKey(row.day, row.key), {
          day: row.day,
          key: row.key,
          ...(row.provider !== null && row.model !== null ? { provider: row.provider, model: row.model } : {}),
          estimated: sum([row.estimated]),
          reconciled: null,
          counts: countsOf(row),
        });
      }
      for (const row of billed) {
        const key = pointKey(row.day, row.key);
        const point = points.get(key) ?? {
          day: row.day,
          key: row.key,
          ...(query.groupBy === 'model' && row.model !== null ? { provider: row.provider, model: row.model } : {}),
          estimated: '0',
          reconciled: null,
          counts: emptyCounts(),
        };
        point.reconciled = sum([point.reconciled, row.amount]);
        points.set(key, point);
      }
      return {
        workspaceId,
        from,
        to,
        groupBy: query.groupBy,
        currency: 'USD',
        costVersion: selected,
        points: [...points.values()].sort((a, b) => compare(a.day, b.day) || compare(a.key ?? '', b.key ?? '')),
      };
    });
  }
}

type Counts = { n_rows: number; n_estimated: number; n_manual: number; n_unpriced: number; n_pending: number };

/** The estimate side's group key per grouping (the billed side's: RECONCILED_GROUPS). */
const GROUP_COLUMNS: Record<UsageGroupBy, { estimate: string }> = {
  provider: { estimate: 'e.provider' },
  account: { estimate: 'e.account_id' },
  model: { estimate: `e.provider || '/' || e.model` },
  project: { estimate: 'e.project' },
};

/** The billed amounts per group; `keyOf` gives undefined for an amount the grouping cannot attribute. */
function billedBy(billed: readonly BilledRow[], keyOf: (b: BilledRow) => string | null | undefined): Map<string | null, string[]> {
  const out = new Map<string | null, string[]>();
  for (const row of billed) {
    const key = keyOf(row);
    if (key === undefined) continue;
    out.set(key, [...(out.get(key) ?? []), row.amount]);
  }
  return out;
}

/**
 * One row per group: its estimate and counts, and what was billed to it (null when nothing
 * billed can be attributed to it). A group with billed cost but no usage still gets a row.
 */
function breakdown(
  groups: readonly GroupRow[],
  keyOf: (g: GroupRow) => string | null,
  billed: ReadonlyMap<string | null, readonly string[]>,
  describe?: (key: string, first: GroupRow | undefined) => { provider: string; model: string },
): CostBreakdownRowDto[] {
  const byKey = new Map<string | null, { rows: GroupRow[]; counts: CostRowCountsDto }>();
  for (const group of groups) {
    const key = keyOf(group);
    const entry = byKey.get(key) ?? { rows: [], counts: emptyCounts() };
    entry.rows.push(group);
    addCounts(entry.counts, countsOf(group));
    byKey.set(key, entry);
  }
  for (const key of billed.keys()) if (!byKey.has(key)) byKey.set(key, { rows: [], counts: emptyCounts() });
  return [...byKey.entries()]
    .sort(([a], [b]) => compare(a ?? '', b ?? ''))
    .map(([key, entry]) => {
      const amounts = billed.get(key);
      return {
        key,
        ...(describe && key !== null ? describe(key, entry.rows[0]) : {}),
        estimated: sum(entry.rows.map((r) => r.estimated)),
        reconciled: amounts === undefined ? null : sum(amounts),
        counts: entry.counts,
      };
    });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
