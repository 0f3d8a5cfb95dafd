import Decimal from 'decimal.js';
import type { DailyCost } from '@act/domain/forecasting';
import type { BudgetScopeKind } from '@act/domain/budgets';
import type { SqlExecutor } from '@act/server/database';
import { UsageQueries } from '@act/server/usage';

const DAY = 86_400_000;

/**
 * Exact sums of the ledger's decimal strings: decimal.js rounds every result to 20 significant
 * digits by default, and an estimate (or a manual entry's amount: up to 15 integer digits and 30
 * decimals) can have more. 100 digits, like the pricing engine's `PriceDecimal`.
 */
const Exact = Decimal.clone({ precision: 100 });

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** First day of the month, and the first day of the next one. */
export function monthRange(month: string): { start: string; next: string } {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return { start: `${month}-01`, next };
}

/** One cost series of the ledger (the workspace, or one provider, account, model or project). */
export interface CostSeries {
  readonly key: string | null;
  /** For models: the provider and model the key joins. */
  readonly provider?: string;
  readonly model?: string;
  /** Estimated cost per day (days without usage are absent: they cost 0). */
  readonly days: DailyCost[];
  /** Estimate rows without a price, per day. */
  readonly unpriced: ReadonlyMap<string, number>;
}

export type SeriesGrouping = BudgetScopeKind;

/**
 * Daily cost series from the usage ledger's read model, through `UsageQueries.dailySeries`
 * (current cost version, the estimate: tokens × the price catalogue, and a manual entry's
 * entered amount as it is — a $300 seat subscription counts $300 toward a budget). The workspace
 * total is the sum of the provider series. Unpriced rows count 0 in the estimate and are
 * reported apart.
 */
export class LedgerSeries {
  private readonly queries: UsageQueries;

  constructor(sql: SqlExecutor) {
    this.queries = new UsageQueries(sql);
  }

  async load(workspaceId: string, grouping: SeriesGrouping, from: string, to: string): Promise<Map<string | null, CostSeries>> {
    const groupBy = grouping === 'workspace' ? 'provider' : grouping;
    const series = await this.queries.dailySeries(workspaceId, { from, to, groupBy });
    const byKey = new Map<string | null, { provider?: string; model?: string; days: Map<string, Decimal>; unpriced: Map<string, number> }>();
    for (const point of series.points) {
      const key = grouping === 'workspace' ? null : point.key;
      const entry = byKey.get(key) ?? { days: new Map(), unpriced: new Map(), ...(point.provider ? { provider: point.provider, model: point.model } : {}) };
      entry.days.set(point.day, (entry.days.get(point.day) ?? new Exact(0)).plus(point.estimated));
      if (point.counts.unpriced > 0) entry.unpriced.set(point.day, (entry.unpriced.get(point.day) ?? 0) + point.counts.unpriced);
      byKey.set(key, entry);
    }
    const out = new Map<string | null, CostSeries>();
    for (const [key, entry] of byKey) {
      out.set(key, {
        key,
        ...(entry.provider ? { provider: entry.provider, model: entry.model } : {}),
        days: [...entry.days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, cost]) => ({ day, cost: cost.toFixed() })),
        unpriced: entry.unpriced,
      });
    }
    return out;
  }
}

/** The exact sum of a series over [from, to). */
export function spentBetween(days: readonly DailyCost[], from: string, toExclusive: string): string {
  let total = new Exact(0);
  for (const { day, cost } of days) if (day >= from && day < toExclusive) total = total.plus(cost.toString());
  return total.toFixed();
}

/** Display names of the workspace's accounts (directory read model). */
export async function accountLabels(sql: SqlExecutor, workspaceId: string): Promise<Map<string, string>> {
  const rows = await sql.query<{ account_id: string; display_name: string }>('select account_id, display_name from accounts where workspace_id = $1', [workspaceId]);
  return new Map(rows.map((r) => [r.account_id, r.display_name]));
}
