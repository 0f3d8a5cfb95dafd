import type { AccountDto, AuditObservationDto, CostRowCountsDto, DailyCostPointDto, UsageGroupBy } from '@act/contracts';
import type { AnomalyDto } from '@act/web/budgets';
import { providerLabel } from '../data-access/providers';
import { addDays, daysBetween, isDay, shortDay, utcDay } from '../money/dates';
import { chartValue, compareDecimals, formatMoney, sumDecimals } from '../money/money';
import type { ChartGroup } from '../ui/charts/chart-data';

export interface ExplorerFilters {
  from: string;
  to: string;
  groupBy: UsageGroupBy;
}

export const GROUP_BY_LABELS: Record<UsageGroupBy, string> = {
  provider: 'Provider',
  account: 'Account',
  model: 'Model',
  project: 'Project',
};

const MAX_RANGE_DAYS = 366;

/** The last 30 days, by provider: what the explorer shows without query parameters. */
export function defaultFilters(today: Date = new Date()): ExplorerFilters {
  const to = utcDay(today);
  return { from: addDays(to, -29), to, groupBy: 'provider' };
}

/** Filters from the URL's query parameters; anything missing or malformed falls back to the default. */
export function filtersFromParams(params: Record<string, string | undefined>, today: Date = new Date()): ExplorerFilters {
  const defaults = defaultFilters(today);
  const groupBy = params['groupBy'];
  return {
    from: isDay(params['from']) ? (params['from'] as string) : defaults.from,
    to: isDay(params['to']) ? (params['to'] as string) : defaults.to,
    groupBy: groupBy === 'provider' || groupBy === 'account' || groupBy === 'model' || groupBy === 'project' ? groupBy : defaults.groupBy,
  };
}

/** Why the filters cannot be queried, or null. */
export function filtersProblem(filters: ExplorerFilters): string | null {
  if (filters.to < filters.from) return 'The end date is before the start date.';
  if (daysBetween(filters.from, filters.to).length > MAX_RANGE_DAYS) return 'Choose at most a year (366 days).';
  return null;
}

export type AccountMap = ReadonlyMap<string, AccountDto>;

/** What a group is called on screen. */
export function groupLabel(
  groupBy: UsageGroupBy,
  point: Pick<DailyCostPointDto, 'key' | 'provider' | 'model'>,
  accounts: AccountMap,
): string {
  switch (groupBy) {
    case 'provider':
      return providerLabel(point.key ?? point.provider);
    case 'account':
      return (point.key && accounts.get(point.key)?.displayName) ?? point.key ?? 'Unknown account';
    case 'model':
      return point.model ?? point.key ?? 'Unknown model';
    case 'project':
      return point.key ?? 'No project';
  }
}

export interface GroupTotal {
  key: string | null;
  label: string;
  estimated: string;
  /** null when no day of the group has a billed amount that can be attributed to it. */
  reconciled: string | null;
  counts: CostRowCountsDto;
}

export interface DayRow extends GroupTotal {
  day: string;
  provider?: string;
  model?: string;
}

function sumCounts(counts: readonly CostRowCountsDto[]): CostRowCountsDto {
  const total: CostRowCountsDto = { rows: 0, estimated: 0, manual: 0, unpriced: 0, pending: 0 };
  for (const c of counts) {
    total.rows += c.rows;
    total.estimated += c.estimated;
    total.manual += c.manual;
    total.unpriced += c.unpriced;
    total.pending += c.pending;
  }
  return total;
}

function sumReconciled(values: readonly (string | null)[]): string | null {
  const known = values.filter((value): value is string => value !== null);
  return known.length === 0 ? null : sumDecimals(known);
}

/** One row per group over the whole range, largest estimate first; sums are exact. */
export function groupTotals(points: readonly DailyCostPointDto[], groupBy: UsageGroupBy, accounts: AccountMap): GroupTotal[] {
  const groups = new Map<string, DailyCostPointDto[]>();
  for (const point of points) {
    const id = point.key ?? '';
    groups.set(id, [...(groups.get(id) ?? []), point]);
  }
  return [...groups.values()]
    .map((group) => {
      const first = group[0] as DailyCostPointDto;
      return {
        key: first.key,
        label: groupLabel(groupBy, first, accounts),
        estimated: sumDecimals(group.map((p) => p.estimated)),
        reconciled: sumReconciled(group.map((p) => p.reconciled)),
        counts: sumCounts(group.map((p) => p.counts)),
      };
    })
    .sort((a, b) => compareDecimals(b.estimated, a.estimated) || a.label.localeCompare(b.label));
}

/** The day-by-group rows of the table, newest day first. */
export function dayRows(points: readonly DailyCostPointDto[], groupBy: UsageGroupBy, accounts: AccountMap): DayRow[] {
  return points
    .map((point) => ({
      day: point.day,
      key: point.key,
      provider: point.provider,
      model: point.model,
      label: groupLabel(groupBy, point, accounts),
      estimated: point.estimated,
      reconciled: point.reconciled,
      counts: point.counts,
    }))
    .sort((a, b) => b.day.localeCompare(a.day) || compareDecimals(b.estimated, a.estimated));
}

/**
 * One bar per day, stacked by group. Every day of a range up to three months gets its bar (an
 * empty day is a gap, not a missing tick); longer ranges show only the days that have data.
 */
export function stackedSeries(
  points: readonly DailyCostPointDto[],
  filters: ExplorerFilters,
  accounts: AccountMap,
  currency = 'USD',
): ChartGroup[] {
  const range = daysBetween(filters.from, filters.to);
  const days = range.length <= 93 ? range : [...new Set(points.map((p) => p.day))].sort();
  const byDay = new Map<string, DailyCostPointDto[]>();
  for (const point of points) byDay.set(point.day, [...(byDay.get(point.day) ?? []), point]);
  return days.map((day) => ({
    name: shortDay(day),
    series: (byDay.get(day) ?? []).map((point) => ({
      name: groupLabel(filters.groupBy, point, accounts),
      value: chartValue(point.estimated),
      extra: { display: formatMoney(point.estimated, currency) },
    })),
  }));
}

/** The observations of a day that belong to one group (the events endpoint filters by account only). */
export function observationsOfGroup(
  observations: readonly AuditObservationDto[],
  groupBy: UsageGroupBy,
  row: Pick<DayRow, 'key' | 'provider' | 'model'>,
): AuditObservationDto[] {
  switch (groupBy) {
    case 'account':
      return [...observations];
    case 'provider':
      return observations.filter((o) => o.provider === row.key);
    case 'model':
      return observations.filter(
        (o) => (row.model !== undefined ? o.model === row.model && (!row.provider || o.provider === row.provider) : `${o.provider}/${o.model}` === row.key || o.model === row.key),
      );
    case 'project':
      return observations.filter((o) => (o.project ?? null) === row.key);
  }
}

/**
 * The anomaly window matching the explorer's range: judged days end yesterday at the latest (today
 * is not complete) and go back at most 90 days (the API's limit). null when no day of the range
 * can be judged.
 */
export function anomalyWindow(filters: ExplorerFilters, today: Date = new Date()): { through: string; days: number } | null {
  const yesterday = addDays(utcDay(today), -1);
  const through = filters.to < yesterday ? filters.to : yesterday;
  if (through < filters.from) return null;
  return { through, days: Math.min(90, daysBetween(filters.from, through).length) };
}

/** Marks on the chart's day ticks: ▲ a spike, ▼ a drop (both when a day has both). */
export function anomalyMarks(anomalies: readonly AnomalyDto[], filters: ExplorerFilters): Record<string, string> {
  const marks: Record<string, string> = {};
  for (const anomaly of anomalies) {
    if (anomaly.day < filters.from || anomaly.day > filters.to) continue;
    const tick = shortDay(anomaly.day);
    const symbol = anomaly.kind === 'spike' ? '▲' : '▼';
    if (!(marks[tick] ?? '').includes(symbol)) marks[tick] = `${marks[tick] ?? ''}${symbol}`;
  }
  return marks;
}

/** The anomalies inside the range, newest first, worst first within a day. */
export function anomaliesInRange(anomalies: readonly AnomalyDto[], filters: ExplorerFilters): AnomalyDto[] {
  const rank = { critical: 0, warning: 1, info: 2 } as const;
  return anomalies
    .filter((a) => a.day >= filters.from && a.day <= filters.to)
    .sort((a, b) => b.day.localeCompare(a.day) || rank[a.severity] - rank[b.severity]);
}
