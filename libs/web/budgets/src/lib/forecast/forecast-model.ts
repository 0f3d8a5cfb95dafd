import type { BudgetForecastDto, ForecastGroupBy, ForecastResponseDto, ForecastSeriesDto } from '../data-access/budget-types';
import { formatMoney } from '../ui/money';
import { historyPhrase, shortDay } from '../ui/labels';

export const FORECAST_GROUP_BYS: readonly ForecastGroupBy[] = ['workspace', 'provider', 'account', 'model'];
export const FORECAST_GROUP_LABELS: Record<ForecastGroupBy, string> = {
  workspace: 'Workspace total',
  provider: 'Per provider',
  account: 'Per account',
  model: 'Per model',
};

/** The budget a series is read against: same scope kind and key (the workspace total: the workspace budget). */
export function budgetFor(response: ForecastResponseDto, series: ForecastSeriesDto): BudgetForecastDto | null {
  const kind = response.groupBy === 'workspace' || series.key === null ? 'workspace' : response.groupBy;
  return response.budgets.find((b) => b.scope.kind === kind && (kind === 'workspace' || b.scope.key === series.key)) ?? null;
}

export interface SeriesRow {
  key: string | null;
  label: string;
  spent: string;
  point: string;
  p80: string;
  p95: string;
  /** Why the figure should not be trusted yet, or null. */
  flag: string | null;
  method: string;
}

export function seriesRows(response: ForecastResponseDto): SeriesRow[] {
  const currency = response.currency;
  return response.series.map((s) => {
    const f = s.forecast;
    return {
      key: s.key,
      label: s.label,
      spent: formatMoney(f.spent, currency),
      point: formatMoney(f.point, currency),
      p80: `${formatMoney(f.p80.lower, currency)} – ${formatMoney(f.p80.upper, currency)}`,
      p95: `${formatMoney(f.p95.lower, currency)} – ${formatMoney(f.p95.upper, currency)}`,
      flag: f.insufficientHistory
        ? `${historyPhrase(f.historyDays)}: the interval is wide on purpose.`
        : f.confidence === 'low'
          ? 'Low confidence: irregular history.'
          : null,
      method: f.method,
    };
  });
}

/** When a budget is reached, in words: already, likely, earliest within the 80% / 95% intervals. */
export function crossingText(budget: BudgetForecastDto): string {
  const c = budget.crossing;
  if (c.actual) return `Reached on ${shortDay(c.actual)}`;
  const parts: string[] = [];
  if (c.median) parts.push(`likely ${shortDay(c.median)}`);
  if (c.upper80) parts.push(`80%: from ${shortDay(c.upper80)}`);
  if (c.upper95) parts.push(`95%: from ${shortDay(c.upper95)}`);
  return parts.length > 0 ? parts.join(' · ') : 'Not projected this month';
}
