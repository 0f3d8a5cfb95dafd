import type { ForecastFiguresDto } from '../data-access/budget-types';
import { chartValue, formatMoney } from './money';
import { shortDay } from './labels';

export interface LinePoint {
  name: string;
  value: number;
  /** The band around the line (ngx-charts draws min…max as a shaded range). */
  min?: number;
  max?: number;
  extra: { display: string };
}

export interface LineSeries {
  name: string;
  series: LinePoint[];
}

export interface ForecastChartData {
  series: LineSeries[];
  referenceLines: { name: string; value: number }[];
  /** Top of the y axis: the highest band or the budget, whichever is higher, so the budget line shows. */
  yMax: number;
}

export const ACTUAL_SERIES = 'Spent so far';
export const BAND_95_SERIES = 'Forecast, 95% interval';
export const BAND_80_SERIES = 'Forecast, 80% interval';

/**
 * The month-to-date curve: the complete days as actual spend, then the days to come as the median
 * forecast with its 95% and 80% bands (two ranges drawn over each other, so the 80% band reads as
 * the darker core), against the budget as a horizontal line. The forecast starts at the last
 * actual point so the lines join. Floats only for drawing; the tooltips carry the exact figures.
 */
export function forecastChart(figures: ForecastFiguresDto, budget: string | null = null, currency = 'USD'): ForecastChartData {
  const actual = figures.daily.filter((day) => day.actual);
  const future = figures.daily.filter((day) => !day.actual);
  const last = actual[actual.length - 1];
  const joined = last && future.length > 0 ? [last, ...future] : future;
  const band = (width: 'p80' | 'p95'): LinePoint[] =>
    joined.map((day) => ({
      name: shortDay(day.day),
      value: chartValue(day.median),
      min: chartValue(day[width].lower),
      max: chartValue(day[width].upper),
      extra: { display: `${formatMoney(day.median, currency)} (${width === 'p80' ? '80%' : '95%'}: ${formatMoney(day[width].lower, currency)} – ${formatMoney(day[width].upper, currency)})` },
    }));
  const series: LineSeries[] = [];
  if (actual.length > 0) {
    series.push({
      name: ACTUAL_SERIES,
      series: actual.map((day) => ({ name: shortDay(day.day), value: chartValue(day.median), extra: { display: formatMoney(day.median, currency) } })),
    });
  }
  if (joined.length > 0) {
    series.push({ name: BAND_95_SERIES, series: band('p95') }, { name: BAND_80_SERIES, series: band('p80') });
  }
  const budgetValue = budget === null ? null : chartValue(budget);
  const tops = figures.daily.flatMap((day) => [chartValue(day.median), chartValue(day.p95.upper)]);
  const yMax = Math.max(1, budgetValue ?? 0, ...tops);
  return {
    series,
    referenceLines: budgetValue === null ? [] : [{ name: `Budget ${formatMoney(budget, currency)}`, value: budgetValue }],
    yMax: yMax * 1.05,
  };
}
