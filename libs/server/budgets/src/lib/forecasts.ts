import { ApiProperty } from '@nestjs/swagger';
import Decimal from 'decimal.js';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import { forecastMonth, projectedCrossing, type MonthForecast } from '@act/domain/forecasting';
import type { Budget, BudgetScopeKind } from '@act/domain/budgets';
import type { SqlExecutor } from '@act/server/database';
import { accountLabels, addDays, LedgerSeries, monthOf, monthRange, spentBetween, utcDay, type CostSeries } from './ledger-series';

/** Complete days before today the forecast learns from (forecastMonth's default window). */
export const FORECAST_HISTORY_DAYS = 91;

class IntervalDto {
  @ApiProperty({ example: '410.5' }) lower!: string;
  @ApiProperty({ example: '530.25' }) upper!: string;
}

class ForecastDayDto {
  @ApiProperty() day!: string;
  @ApiProperty({ description: 'A complete day: the figures are the actual month-to-date total.' }) actual!: boolean;
  @ApiProperty({ description: 'Month-to-date total at the end of the day (median for days to come).' }) median!: string;
  @ApiProperty({ type: IntervalDto }) p80!: IntervalDto;
  @ApiProperty({ type: IntervalDto }) p95!: IntervalDto;
}

export class ForecastFiguresDto {
  @ApiProperty({ description: 'Exact spend of the month so far.' }) spent!: string;
  @ApiProperty({ description: 'Median forecast of the month total.' }) point!: string;
  @ApiProperty({ type: IntervalDto, description: '80% interval of the month total.' }) p80!: IntervalDto;
  @ApiProperty({ type: IntervalDto, description: '95% interval of the month total.' }) p95!: IntervalDto;
  @ApiProperty({ enum: ['weekday-holt-bootstrap', 'intermittent-bootstrap', 'run-rate-wide', 'no-data', 'actual'] }) method!: string;
  @ApiProperty({ enum: ['normal', 'low', 'insufficient'] }) confidence!: string;
  @ApiProperty({ description: 'Under 14 days of history: the interval is wide on purpose; do not read the point as a prediction.' }) insufficientHistory!: boolean;
  @ApiProperty({ description: 'Complete days the forecast learnt from.' }) historyDays!: number;
  @ApiProperty() daysComplete!: number;
  @ApiProperty() daysInMonth!: number;
  @ApiProperty({ type: [ForecastDayDto], description: 'Every day of the month, month-to-date, with its bands (for the chart).' }) daily!: ForecastDayDto[];
}

export class ForecastSeriesDto {
  @ApiProperty({ nullable: true, type: String, description: 'null for the workspace total; the provider, account id or "provider/model".' }) key!: string | null;
  @ApiProperty() label!: string;
  @ApiProperty({ type: ForecastFiguresDto }) forecast!: ForecastFiguresDto;
}

class CrossingDto {
  @ApiProperty({ nullable: true, type: String, description: 'Day the actual spend reached the budget.' }) actual!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Likely day (median curve).' }) median!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Earliest day within the 80% interval.' }) upper80!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Earliest day within the 95% interval (earliest warning).' }) upper95!: string | null;
}

export class BudgetForecastDto {
  @ApiProperty() budgetId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', properties: { kind: { type: 'string' }, key: { type: 'string', nullable: true } } }) scope!: { kind: BudgetScopeKind; key: string | null };
  @ApiProperty() amount!: string;
  @ApiProperty() spent!: string;
  @ApiProperty() percentUsed!: number;
  @ApiProperty() point!: string;
  @ApiProperty({ type: IntervalDto }) p80!: IntervalDto;
  @ApiProperty() insufficientHistory!: boolean;
  @ApiProperty({ type: CrossingDto, description: 'When the month-to-date total reaches the amount; null days: not this month.' }) crossing!: CrossingDto;
}

export class ForecastResponseDto {
  @ApiProperty() workspaceId!: string;
  @ApiProperty({ example: '2026-03' }) month!: string;
  @ApiProperty({ description: 'The day the forecast was made on (UTC); earlier days are complete.' }) today!: string;
  @ApiProperty({ example: 'USD' }) currency!: 'USD';
  @ApiProperty({ enum: ['workspace', 'provider', 'account', 'model'] }) groupBy!: string;
  @ApiProperty({ type: [ForecastSeriesDto] }) series!: ForecastSeriesDto[];
  @ApiProperty({ type: [BudgetForecastDto], description: 'Each budget of the workspace with its projected crossing days.' }) budgets!: BudgetForecastDto[];
}

/** Series of one scope kind, loaded once per request. */
class SeriesCache {
  private readonly loaded = new Map<BudgetScopeKind, Promise<Map<string | null, CostSeries>>>();

  constructor(
    private readonly series: LedgerSeries,
    private readonly workspaceId: string,
    private readonly from: string,
    private readonly to: string,
  ) {}

  get(kind: BudgetScopeKind): Promise<Map<string | null, CostSeries>> {
    let entry = this.loaded.get(kind);
    if (!entry) {
      entry = this.series.load(this.workspaceId, kind, this.from, this.to);
      this.loaded.set(kind, entry);
    }
    return entry;
  }
}

export interface ForecastWindow {
  month: string;
  /** forecastMonth's today: the current day, or the day after the month for a past month. */
  today: string;
  from: string;
  /** Last day with data to read. */
  to: string;
}

/** The window a month's forecast reads, relative to the current UTC day. */
export function forecastWindow(month: string, now: Date): ForecastWindow {
  const current = utcDay(now);
  const { start, next } = monthRange(month);
  if (start > current) throw new DomainRuleViolation('forecast.future-month', `${month} has not started yet: forecast the current month (${monthOf(current)}) or an earlier one.`);
  const today = current < next ? current : next;
  const historyStart = addDays(today, -(FORECAST_HISTORY_DAYS + 1));
  const lastDay = addDays(next, -1);
  return { month, today, from: historyStart < start ? historyStart : start, to: today < lastDay ? today : lastDay };
}

export function percentUsed(spent: string, amount: string): number {
  const a = new Decimal(amount);
  return a.isZero() ? 0 : new Decimal(spent).div(a).times(100).toDecimalPlaces(1).toNumber();
}

function figures(forecast: MonthForecast): ForecastFiguresDto {
  return {
    spent: forecast.spent,
    point: forecast.point,
    p80: { ...forecast.p80 },
    p95: { ...forecast.p95 },
    method: forecast.method,
    confidence: forecast.confidence,
    insufficientHistory: forecast.insufficientHistory,
    historyDays: forecast.historyDays,
    daysComplete: forecast.daysComplete,
    daysInMonth: forecast.daysInMonth,
    daily: forecast.daily.map((d) => ({ day: d.day, actual: d.actual, median: d.median, p80: { ...d.p80 }, p95: { ...d.p95 } })),
  };
}

export interface BudgetOutlook {
  budget: Budget;
  spent: string;
  forecast: MonthForecast;
  crossing: ReturnType<typeof projectedCrossing>;
}

/**
 * Month-end forecasts from the ledger's daily series (`forecastMonth`: weekday profile, damped
 * trend, bootstrapped intervals; flagged when history is short) and, per budget, the days its
 * scope's month-to-date total is projected to reach the amount (`projectedCrossing`).
 */
export class Forecasts {
  private readonly series: LedgerSeries;

  constructor(private readonly sql: SqlExecutor) {
    this.series = new LedgerSeries(sql);
  }

  async forecast(workspaceId: string, query: { month?: string; groupBy?: 'provider' | 'account' | 'model' }, budgets: readonly Budget[], now = new Date()): Promise<ForecastResponseDto> {
    const window = forecastWindow(query.month ?? monthOf(utcDay(now)), now);
    const cache = new SeriesCache(this.series, workspaceId, window.from, window.to);
    const grouping = query.groupBy ?? 'workspace';
    const groups = await cache.get(grouping);
    const labels = grouping === 'account' ? await accountLabels(this.sql, workspaceId) : new Map<string, string>();
    const { start, next } = monthRange(window.month);
    const list = grouping === 'workspace' ? [groups.get(null) ?? { key: null, days: [], unpriced: new Map() }] : [...groups.values()];
    // The biggest spenders of the month first; at most 50 series.
    const ranked = list
      .map((s) => ({ s, spent: new Decimal(spentBetween(s.days, start, next)) }))
      .filter(({ s }) => grouping === 'workspace' || s.days.length > 0)
      .sort((a, b) => b.spent.cmp(a.spent) || String(a.s.key).localeCompare(String(b.s.key)))
      .slice(0, 50);
    const series = ranked.map(({ s }) => ({
      key: s.key,
      label: s.key === null ? 'Workspace' : grouping === 'account' ? (labels.get(s.key) ?? s.key) : s.key,
      forecast: figures(this.forecastOf(s, window)),
    }));
    const outlooks = await this.outlooks(workspaceId, budgets, window, cache);
    return {
      workspaceId,
      month: window.month,
      today: window.today,
      currency: 'USD',
      groupBy: grouping,
      series,
      budgets: outlooks.map((o) => ({
        budgetId: o.budget.budgetId,
        name: o.budget.name,
        scope: { ...o.budget.scope },
        amount: o.budget.amount,
        spent: o.spent,
        percentUsed: percentUsed(o.spent, o.budget.amount),
        point: o.forecast.point,
        p80: { ...o.forecast.p80 },
        insufficientHistory: o.forecast.insufficientHistory,
        crossing: { actual: o.crossing.actual, median: o.crossing.median, upper80: o.crossing.upper80, upper95: o.crossing.upper95 },
      })),
    };
  }

  /** Each budget's month so far, forecast and crossing days (the evaluator's forecast rule reads these). */
  async outlooks(workspaceId: string, budgets: readonly Budget[], window: ForecastWindow, cache?: SeriesCache): Promise<BudgetOutlook[]> {
    const series = cache ?? new SeriesCache(this.series, workspaceId, window.from, window.to);
    const { start, next } = monthRange(window.month);
    const out: BudgetOutlook[] = [];
    for (const budget of budgets) {
      const groups = await series.get(budget.scope.kind);
      const s = groups.get(budget.scope.kind === 'workspace' ? null : budget.scope.key) ?? { key: budget.scope.key, days: [], unpriced: new Map() };
      const forecast = this.forecastOf(s, window);
      out.push({ budget, spent: spentBetween(s.days, start, next), forecast, crossing: projectedCrossing(forecast, budget.amount) });
    }
    return out;
  }

  /** A month's series, spent so far, for the threshold rule (no forecast). */
  async spentByScope(workspaceId: string, budgets: readonly Budget[], window: ForecastWindow): Promise<Map<string, string>> {
    const cache = new SeriesCache(this.series, workspaceId, window.from, window.to);
    const { start, next } = monthRange(window.month);
    const out = new Map<string, string>();
    for (const budget of budgets) {
      const groups = await cache.get(budget.scope.kind);
      const s = groups.get(budget.scope.kind === 'workspace' ? null : budget.scope.key);
      out.set(budget.budgetId, s ? spentBetween(s.days, start, next) : '0');
    }
    return out;
  }

  private forecastOf(series: CostSeries, window: ForecastWindow): MonthForecast {
    // Days after today cannot exist (no usage in the future); keep the input honest anyway.
    const days = series.days.filter((d) => d.day <= window.today);
    return forecastMonth({ days, month: window.month, today: window.today });
  }
}
