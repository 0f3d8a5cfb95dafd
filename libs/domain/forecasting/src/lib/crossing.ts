import type { MonthForecast } from './forecast';
import { Money, toDecimal } from './series';

export interface BudgetCrossing {
  readonly budget: string;
  /** First complete day whose actual month-to-date total reached the budget, or null. */
  readonly actual: string | null;
  /**
   * First day the month-to-date median / upper 80% bound / upper 95% bound reaches the budget; null when it
   * does not within the month. Upper bounds reach it first: `upper95` is the earliest warning, `median` the
   * likely day. Once the actual total has crossed, all three are that day.
   */
  readonly median: string | null;
  readonly upper80: string | null;
  readonly upper95: string | null;
}

/**
 * When a forecast month reaches a budget (reached = month-to-date total ≥ budget). Each quantile curve of
 * the forecast is non-decreasing, so "the first day it reaches the budget" is well defined.
 */
export function projectedCrossing(forecast: MonthForecast, budget: Money): BudgetCrossing {
  const limit = toDecimal(budget, 'budget');
  if (!limit.gt(0)) throw new RangeError('budget must be positive.');
  const first = (pick: (day: MonthForecast['daily'][number]) => string): string | null =>
    forecast.daily.find((day) => limit.lte(pick(day)))?.day ?? null;
  const actual = forecast.daily.find((day) => day.actual && limit.lte(day.median))?.day ?? null;
  return {
    budget: limit.isZero() ? '0' : limit.toFixed(),
    actual,
    median: actual ?? first((day) => day.median),
    upper80: actual ?? first((day) => day.p80.upper),
    upper95: actual ?? first((day) => day.p95.upper),
  };
}
