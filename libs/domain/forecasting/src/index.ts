/**
 * Forecasts and anomaly detection over one series' daily costs (a workspace, provider, account or
 * model). Pure functions: no clock (today comes in), no I/O, seeded randomness; money in and out
 * as Decimal or decimal text.
 *
 * - `forecastMonth`: month-end total with 80% / 95% intervals and per-day month-to-date bands —
 *   weekday profile + robust damped Holt + bootstrapped residuals (intermittent series: a bootstrap
 *   of recent days); flagged `insufficientHistory` with a wide interval under 14 days of history.
 * - `projectedCrossing`: first day the actual, median, upper-80% and upper-95% month-to-date totals
 *   reach a budget.
 * - `detectAnomalies`: per-day verdicts (spike, drop, drop to zero) against a weekday-aware
 *   median/MAD baseline, with severity.
 * The maths is explained at the top of each file; measured figures are in docs/forecasting.md.
 */
export type { DailyCost, Money } from './lib/series';
export * from './lib/forecast';
export * from './lib/crossing';
export { seededRandom } from './lib/random';
export * from './lib/anomaly';
