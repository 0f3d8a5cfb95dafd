import type Decimal from 'decimal.js';
import { dayNumber, dayText, weekdayOf } from './days';
import { costsByDay, DailyCost, floatToDecimal, Money, moneyText, statValue, toDecimal } from './series';
import { MAD_TO_SD, mad, mean, median } from './stats';

/*
 * ANOMALY DETECTION — the maths
 * =============================
 *
 * Each day t is judged against the `weeks` (6) weeks before it, never against itself or later days,
 * so a verdict does not change when more days arrive.
 *
 * Costs are compared on a log scale, l(x) = ln(x + c) with c = 10% of the window's mean daily cost:
 * cost noise is roughly multiplicative (a +50% day means the same on a $5 and a $5,000 account), and
 * the offset keeps a 0 finite while making "0 instead of the usual" a large, not an infinite, deviation.
 *
 * Weekday-aware baseline (the usual case):
 *   m_w      = median of l over the window's days of weekday w     (same-weekday median, ≥ 3 of them)
 *   r_u      = l(y_u) − m_{w(u)}                                      each window day's residual
 *   o        = median of r_u over the last 14 days                   recent level offset: follows a trend
 *                                                                    or a level change within about a week
 *   σ        = 1.4826 · MAD of the leave-one-out residuals            robust spread of a PREDICTION error:
 *              l(y_u) − median(l of the other same-weekday days),    ≈ sd for normal noise, at least 0.05
 *              pooled over all weekdays
 *   expected = m_{w(t)} + o;   score z = (l(y_t) − expected) / σ
 * A low weekend therefore is compared with earlier weekends, not with Mondays. The median ignores a
 * past spike or outage; the spread pools all weekdays because six values of one weekday are too few.
 * Leaving each day out of its own median matters: residuals from a median that includes the day are
 * too small, and with them clean weekly series scored with an sd of 1.6 instead of ≈ 1.1. Dead
 * weekdays (median 0: closed weekends) are left out of σ, else their exact-0 residuals would shrink
 * it. Fourteen days for o mean an outage longer than a week becomes the new normal — by then the
 * sync-failure alert has long fired.
 *
 * Intermittent series (≥ 40% of the window's days cost 0, e.g. batch jobs): zeros are normal there, so
 * drops are not judged, and a spike is judged against the median and MAD of l over the window's
 * non-zero days (no weekday split: there are too few).
 *
 * Verdict: an anomaly when |z| ≥ T (sensitivity: high 2.5, medium 3.5, low 5, or a number) AND the cost
 * differs from the expected cost by at least `minAbsoluteDeviation` (default 1 currency unit: a $0.002
 * day that became $0.02 is ten times the usual and nobody's problem). z > 0 is a spike; z < 0 a drop,
 * labelled 'drop-to-zero' when the day cost at most 5% of the expected — the signature of a broken
 * sync or a revoked key rather than of less use. Severity: info from T, warning from 1.5·T, critical
 * from 2.5·T; a drop to zero is at least a warning. Days with less than `minHistoryDays` (28) of
 * history, or fewer than 3 earlier days of their weekday in the window, are 'insufficient-history'.
 * Precision / recall per sensitivity on synthetic series: docs/forecasting.md.
 */

export type Sensitivity = 'low' | 'medium' | 'high' | number;
export type AnomalyKind = 'spike' | 'drop' | 'drop-to-zero';
export type AnomalySeverity = 'info' | 'warning' | 'critical';

export interface AnomalyOptions {
  /**
   * The last day to judge, usually yesterday (UTC). Required: days without an entry up to it cost 0, which is how
   * a dead sync shows. Entries after it are ignored.
   */
  readonly through: string;
  /** The first day to judge. Default: the series' first day with a cost (early days come out 'insufficient-history'). */
  readonly from?: string;
  /** Default 'medium'. A number is the score threshold T itself. */
  readonly sensitivity?: Sensitivity;
  /** Weeks of history the baseline looks back. Default 6. */
  readonly weeks?: number;
  /** Days of history a day needs before it is judged. Default 28. */
  readonly minHistoryDays?: number;
  /** Smallest difference from the expected cost that can be an anomaly. Default '1'. */
  readonly minAbsoluteDeviation?: Money;
  /** Rounding of the expected cost and its band. Default 6. */
  readonly decimalPlaces?: number;
}

interface Judged {
  readonly day: string;
  readonly cost: string;
  /** Baseline cost for this day. */
  readonly expected: string;
  /** Costs inside [lower, upper] score below the threshold. */
  readonly lower: string;
  readonly upper: string;
  /** Robust score: log-scale deviations from the baseline in units of σ; negative for drops. */
  readonly score: number;
  readonly baseline: 'weekday' | 'intermittent';
}

export type AnomalyVerdict =
  | { readonly status: 'insufficient-history'; readonly day: string; readonly cost: string; readonly historyDays: number }
  | (Judged & { readonly status: 'normal' })
  | (Judged & { readonly status: 'anomaly'; readonly kind: AnomalyKind; readonly severity: AnomalySeverity });

export const SENSITIVITY_THRESHOLDS: Readonly<Record<'low' | 'medium' | 'high', number>> = { high: 2.5, medium: 3.5, low: 5 };
const RECENT_DAYS = 14;
const MIN_SAME_WEEKDAY = 3;
const MIN_SIGMA = 0.05;
const OFFSET_SHARE = 0.1;
const INTERMITTENT_ZERO_SHARE = 0.4;
const ZERO_SHARE_OF_EXPECTED = 0.05;

/** One verdict per day from `from` (or the first listed day) through `through`. Pure. */
export function detectAnomalies(days: ReadonlyArray<DailyCost>, options: AnomalyOptions): AnomalyVerdict[] {
  const threshold = thresholdOf(options.sensitivity ?? 'medium');
  const weeks = options.weeks ?? 6;
  const minHistoryDays = options.minHistoryDays ?? 28;
  const decimalPlaces = options.decimalPlaces ?? 6;
  const minDeviation = toDecimal(options.minAbsoluteDeviation ?? '1', 'minAbsoluteDeviation').toNumber();
  if (!Number.isInteger(weeks) || weeks < MIN_SAME_WEEKDAY) throw new RangeError(`weeks must be an integer ≥ ${MIN_SAME_WEEKDAY}.`);
  if (!Number.isInteger(minHistoryDays) || minHistoryDays < 7 * MIN_SAME_WEEKDAY) {
    throw new RangeError(`minHistoryDays must be an integer ≥ ${7 * MIN_SAME_WEEKDAY}.`);
  }

  const costs = costsByDay(days);
  const through = dayNumber(options.through);
  // The series starts at its first day with a cost: leading zeros are a series that had not started.
  let first = Number.POSITIVE_INFINITY;
  for (const [day, cost] of costs) if (cost.gt(0) && day < first) first = day;
  // Days after `through` (today's partial cost, say) play no part: no day is judged by later ones.
  if (!Number.isFinite(first)) first = through + 1;
  const from = options.from === undefined ? first : dayNumber(options.from);

  // values[i] = cost of day first + i (absent days cost 0).
  const values = new Float64Array(Math.max(through + 1 - first, 0));
  for (let i = 0; i < values.length; i++) values[i] = statValue(costs.get(first + i));
  const exact = (day: number): string => {
    const cost: Decimal | undefined = costs.get(day);
    return cost ? moneyText(cost) : '0';
  };
  const money = (x: number) => moneyText(floatToDecimal(x, decimalPlaces));

  const verdicts: AnomalyVerdict[] = [];
  for (let day = from; day <= through; day++) {
    const t = day - first;
    const history = Math.max(t, 0);
    if (history < minHistoryDays) {
      verdicts.push({ status: 'insufficient-history', day: dayText(day), cost: exact(day), historyDays: history });
      continue;
    }
    const baseline = baselineOf(values, t, weeks * 7, first);
    if (!baseline) {
      verdicts.push({ status: 'insufficient-history', day: dayText(day), cost: exact(day), historyDays: history });
      continue;
    }
    const y = values[t];
    const { center, sigma, offset } = baseline;
    const score = (Math.log(y + offset) - center) / sigma;
    const expected = Math.max(Math.exp(center) - offset, 0);
    const judged: Judged = {
      day: dayText(day),
      cost: exact(day),
      expected: money(expected),
      lower: baseline.kind === 'intermittent' ? '0' : money(Math.exp(center - threshold * sigma) - offset),
      upper: money(Math.exp(center + threshold * sigma) - offset),
      score: Math.round(score * 100) / 100,
      baseline: baseline.kind,
    };
    const material = Math.abs(y - expected) >= minDeviation;
    const judgedDrop = baseline.kind === 'weekday';
    if (!material || !(score >= threshold || (judgedDrop && score <= -threshold))) {
      verdicts.push({ ...judged, status: 'normal' });
      continue;
    }
    const size = Math.abs(score);
    let severity: AnomalySeverity = size >= 2.5 * threshold ? 'critical' : size >= 1.5 * threshold ? 'warning' : 'info';
    let kind: AnomalyKind = 'spike';
    if (score < 0) {
      kind = y <= ZERO_SHARE_OF_EXPECTED * expected ? 'drop-to-zero' : 'drop';
      if (kind === 'drop-to-zero' && severity === 'info') severity = 'warning';
    }
    verdicts.push({ ...judged, status: 'anomaly', kind, severity });
  }
  return verdicts;
}

function thresholdOf(sensitivity: Sensitivity): number {
  if (typeof sensitivity === 'number') {
    if (!(sensitivity > 0) || !Number.isFinite(sensitivity)) throw new RangeError('A numeric sensitivity must be a positive score threshold.');
    return sensitivity;
  }
  const threshold = SENSITIVITY_THRESHOLDS[sensitivity];
  if (threshold === undefined) throw new RangeError(`Unknown sensitivity "${String(sensitivity)}".`);
  return threshold;
}

interface Baseline {
  readonly kind: 'weekday' | 'intermittent';
  /** Expected log cost. */
  readonly center: number;
  readonly sigma: number;
  /** The offset c of l(x) = ln(x + c). */
  readonly offset: number;
}

/** Baseline for index t from the `span` days before it (only indices ≥ 0). Undefined when a weekday has too few days. */
function baselineOf(values: Float64Array, t: number, span: number, first: number): Baseline | undefined {
  const start = Math.max(0, t - span);
  const window = values.subarray(start, t);
  const offset = Math.max(OFFSET_SHARE * mean(window), 1e-9);
  const logs = Array.from(window, (y) => Math.log(y + offset));
  let zeros = 0;
  for (const y of window) if (y === 0) zeros++;

  if (zeros >= INTERMITTENT_ZERO_SHARE * window.length) {
    const nonZero = logs.filter((_, i) => window[i] > 0);
    if (nonZero.length < MIN_SAME_WEEKDAY) return { kind: 'intermittent', center: Math.log(offset), sigma: 1, offset };
    const center = median(nonZero);
    return { kind: 'intermittent', center, sigma: Math.max(MAD_TO_SD * mad(nonZero, center), MIN_SIGMA), offset };
  }

  const byWeekday: number[][] = [[], [], [], [], [], [], []];
  const weekdays = window.map((_, i) => weekdayOf(first + start + i));
  logs.forEach((l, i) => byWeekday[weekdays[i]].push(l));
  const target = weekdayOf(first + t);
  if (byWeekday[target].length < MIN_SAME_WEEKDAY) return undefined;
  const medians = byWeekday.map((ls) => (ls.length ? median(ls) : Number.NaN));
  const residuals = logs.map((l, i) => l - medians[weekdays[i]]);
  const recentOffset = median(residuals.slice(-RECENT_DAYS));
  // A dead weekday (usually 0: closed weekends) has residuals of exactly 0; they would shrink the spread
  // of the days that do vary and make every ordinary Monday look odd.
  const zeroLog = Math.log(offset);
  const varying: number[] = [];
  for (let w = 0; w < 7; w++) {
    const group = byWeekday[w];
    if (!(medians[w] > zeroLog) || group.length < MIN_SAME_WEEKDAY) continue;
    for (let i = 0; i < group.length; i++) varying.push(group[i] - median(group.filter((_, j) => j !== i)));
  }
  return {
    kind: 'weekday',
    center: medians[target] + recentOffset,
    sigma: Math.max(MAD_TO_SD * mad(varying.length >= 7 ? varying : residuals, 0), MIN_SIGMA),
    offset,
  };
}
