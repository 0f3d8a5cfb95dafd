import type { AccountDto, CostBreakdownRowDto, CostRowCountsDto, UsageMonthSummaryDto } from '@act/contracts';
import { providerLabel } from '../data-access/providers';
import { chartValue, compareDecimals, formatMoney, isZero, sumDecimals } from '../money/money';
import type { ChartItem } from '../ui/charts/chart-data';

export interface TopAccountRow {
  accountId: string;
  name: string;
  provider: string;
  estimated: string;
  reconciled: string | null;
  counts: CostRowCountsDto;
}

/** No usage and nothing billed in the month: the page shows what to do instead of zeros. */
export function isEmptySummary(summary: UsageMonthSummaryDto): boolean {
  return summary.counts.rows === 0 && isZero(summary.reconciled) && isZero(summary.estimated);
}

function byEstimateDesc(a: CostBreakdownRowDto, b: CostBreakdownRowDto): number {
  return compareDecimals(b.estimated, a.estimated);
}

function item(name: string, amount: string, currency: string): ChartItem {
  return { name, value: chartValue(amount), extra: { display: formatMoney(amount, currency) } };
}

/** Largest first; beyond `limit`, the rest is one "Other" slice, summed exactly. */
function withOther(rows: CostBreakdownRowDto[], limit: number, name: (row: CostBreakdownRowDto) => string, currency: string): ChartItem[] {
  const sorted = rows.filter((row) => !isZero(row.estimated)).sort(byEstimateDesc);
  const head = sorted.slice(0, limit).map((row) => item(name(row), row.estimated, currency));
  const rest = sorted.slice(limit);
  if (rest.length > 0) head.push(item(`Other (${rest.length})`, sumDecimals(rest.map((row) => row.estimated)), currency));
  return head;
}

export function providerChart(summary: UsageMonthSummaryDto): ChartItem[] {
  return withOther(summary.byProvider, 6, (row) => providerLabel(row.key ?? row.provider), summary.currency);
}

export function modelChart(summary: UsageMonthSummaryDto, limit = 8): ChartItem[] {
  return withOther(summary.byModel, limit, (row) => row.model ?? row.key ?? 'Unknown model', summary.currency);
}

export function topAccounts(summary: UsageMonthSummaryDto, accounts: ReadonlyMap<string, AccountDto>, limit = 5): TopAccountRow[] {
  return [...summary.byAccount]
    .sort(byEstimateDesc)
    .slice(0, limit)
    .map((row) => {
      const id = row.key ?? '';
      const account = accounts.get(id);
      return {
        accountId: id,
        name: account?.displayName ?? id,
        provider: providerLabel(account?.provider ?? row.provider),
        estimated: row.estimated,
        reconciled: row.reconciled,
        counts: row.counts,
      };
    });
}
