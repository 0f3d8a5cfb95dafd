import Decimal from 'decimal.js';
import { dayNumber, dayText, monthSpan, weekdayOf } from './days';
import { seededRandom } from './random';
import { costsByDay, DailyCost, floatToDecimal, ForecastDecimal, moneyText, statValue } from './series';
import { MAD_TO_SD, mad, mean, median, sortedQuantile } from './stats';

/*
 * MONTH-END FORECAST — the maths
 * ==============================
 *
 * Input: one series' daily costs y_t (one per UTC day; an absent day costs 0), the month M and
 * `today`. Days before `today` are complete; `today`'s cost, if listed, is still growing. The
 * month total is   spent (exact, Decimal) + R,   where R is what the remaining days will add.
 * Only R is forecast, and it is never negative, so no forecast falls below what was spent.
 *
 * History starts at the series' first day with a positive cost (leading zeros say nothing about
 * the level of a series that has not started) and reaches back at most `maxHistoryDays` (91 =
 * 13 weeks) before today. n = the number of complete days in it.
 *
 * 1. Weekday profile (multiplicative). For every day with a full centred 7-day window,
 *    r_t = y_t / mean(y_{t-3..t+3}) is that day's share of its own week. Weekday w's raw factor
 *    is the MEDIAN of its r_t (robust to a spike or an outage), shrunk towards 1 by how uncertain
 *    it is (empirical Bayes): s_w = 1 + λ_w·(median_w − 1), λ_w = τ²/(τ² + 1.57·v/k_w), with v the
 *    within-weekday variance of r (scaled MAD, pooled), 1.57·v/k the variance of a median of k,
 *    τ² = mean_w (median_w − 1)² the between-weekday spread. Two noisy weeks are shrunk a lot, a
 *    clean profile not at all. The seven factors are then rescaled to mean 1.
 *    When the shrunk factors average below 0.5 (most days cost 0) the profile is flat.
 *
 * 2. Intermittent series — at least 30% of the days of active weekdays (s_w ≥ 0.2) cost 0: batch
 *    jobs, occasional use. A level filter is the wrong tool there (its "typical day" is 0 and
 *    ratios to it explode), so each bootstrap path resamples the last ≤ 56 complete days (a
 *    bootstrap of the pool itself: the rate is uncertain too) and draws its remaining days from
 *    that resample. Method 'intermittent-bootstrap'. Everything else goes through steps 3–5.
 *
 * 3. Level and trend: robust damped Holt on the deseasonalised z_t = y_t / s_w. Days of a
 *    weekday with s_w < 0.2 (a dead weekend) are skipped: they carry almost no level information
 *    and dividing by a tiny factor would amplify their noise.
 *        f_t  = ℓ + φ·b                                   one-step level forecast
 *        e_t  = clip(z_t − f_t, ±3σ̂)                      Huber-style clipping (Gelper, Fried & Croux 2010)
 *        ℓ    ← max(0, f_t + α·e_t)
 *        b    ← φ·b + α·β·e_t
 *        σ̂    ← 0.9·σ̂ + 0.1·1.25·min(|z_t − f_t|, 3σ̂)   running robust scale (1.25·mean|e| ≈ sd)
 *    σ̂ is floored at 5% of the level; ℓ starts at the median of the first week, σ̂ at the larger
 *    of its scaled MAD and 1.25 × its mean absolute deviation, b at 0. A lone spike moves the
 *    level by at most 3ασ̂. A level shift would be clipped for too long, so three days in a row
 *    beyond 2σ̂ on the same side reset ℓ to the median of those three days (and b to 0).
 *    (α, β, φ) come from a small grid — α ∈ {0.05, 0.1, 0.2, 0.3, 0.5} × {no trend, β=0.1 φ=0.9,
 *    β=0.05 φ=0.97} — minimising the in-sample absolute error of 7-day-ahead SUMS (the quantity
 *    that matters for a month total), not of one-step forecasts. A trend must beat the best
 *    level-only fit by 10% to be chosen, and under 28 days of history it is not tried at all:
 *    the criterion then has only a handful of points and a trend picked there extrapolates
 *    noise. The damping (φ < 1) caps how far a trend is extrapolated: Σφ^k < φ/(1−φ) days.
 *
 * 4. Residuals, multiplicative: ρ_t = y_t / (s_w·f_t) and the level update it caused,
 *    u_t = e_t / f_t, for the last ≤ 56 fitted days (after a week of burn-in). Cost noise grows
 *    with the level, so ratios transfer across levels and trends where additive residuals do not.
 *
 * 5. Bootstrap (seeded PRNG, `paths` = 1000): each path walks the remaining days, draws one
 *    fitted day i uniformly, sets y = s_w·f·ρ_i, and moves the level with that day's update,
 *    ℓ ← f + α·f·(u_i − ū), b ← φ·b + α·β·f·(u_i − ū). Feeding errors back propagates level
 *    uncertainty (a bad week lowers the next weeks too), so the spread grows with the horizon;
 *    resampling only day noise around a fixed level gives intervals far too narrow. The updates
 *    are centred (ū = their mean): a filter that lagged behind a ramp has mostly positive errors,
 *    and feeding those back would compound into a spurious exponential trend — the ρ_i keep the
 *    lag's bias in the costs themselves. Today's simulated cost is floored at what it has already
 *    cost. Month-to-date totals per day and path give, per day, the median and the 10/90% (80%
 *    interval) and 2.5/97.5% (95% interval) quantiles; the month total is the last day's and the
 *    point forecast the median path total. Each path is non-decreasing, so each quantile curve
 *    is too, which makes "the first day a curve reaches the budget" well defined.
 *
 * 6. Too little history (n < 14 complete days): no profile, no fit — a weekday profile from one
 *    week is noise. The daily level m is the mean of the last ≤ 7 complete days (a new account
 *    usually ramps up; today's partial cost if there is no complete day) and R has median
 *    m·(days left) with a log-normal spread
 *        σ = sqrt(max(cv, 1)²/n + 0.5²)
 *    (cv = the days' coefficient of variation, assumed at least 1: the level's uncertainty
 *    shrinking with n, plus 50% for drift while an account settles). With 2 days the 80% interval
 *    is ÷3.0 … ×3.0 around the median and the 95% one ÷5.5 … ×5.5; with 13 days ×2.1 and ×3.1.
 *    The forecast says `insufficientHistory`, method 'run-rate-wide'. Without any cost at all it
 *    is 'no-data': spent, flagged, nothing extrapolated. 14 ≤ n < 28 is modelled but has
 *    confidence 'low'.
 *
 * Precision: the statistics run in float64 (relative error ~1e-16, far below the model error);
 * spent stays an exact Decimal sum and each forecast increment is rounded half-even to
 * `decimalPlaces` (6) before it is added to it, so every figure is decimal text, never a float.
 * Backtest figures (MAPE and interval coverage against the naive run-rate): docs/forecasting.md.
 */

export interface ForecastInput {
  /** One series' daily costs: this month so far and its history (up to `maxHistoryDays` are used). Absent days cost 0. */
  readonly days: ReadonlyArray<DailyCost>;
  /** The month being forecast, 'YYYY-MM'. */
  readonly month: string;
  /**
   * The current UTC day. Earlier days are complete; today's cost, if listed, is still growing (it counts as
   * spent and floors today's forecast). Listing a day after today is a RangeError. Between the month's first
   * day and the day after its last (then the month is complete and the forecast is its actual total).
   */
  readonly today: string;
}

export interface ForecastOptions {
  /** PRNG seed of the bootstrap; the same input and seed always give the same forecast. Default 1. */
  readonly seed?: number;
  /** Bootstrap paths. Default 1000. */
  readonly paths?: number;
  /** How many complete days before today the model may learn from. Default 91 (13 weeks). */
  readonly maxHistoryDays?: number;
  /** Rounding of forecast increments. Default 6. */
  readonly decimalPlaces?: number;
}

export type ForecastMethod = 'weekday-holt-bootstrap' | 'intermittent-bootstrap' | 'run-rate-wide' | 'no-data' | 'actual';
export type ForecastConfidence = 'normal' | 'low' | 'insufficient';

export interface Interval {
  readonly lower: string;
  readonly upper: string;
}

export interface ForecastDay {
  readonly day: string;
  /** Complete day: the figures are the actual month-to-date total. */
  readonly actual: boolean;
  /** Month-to-date total at the end of the day (median of the paths for days not yet complete). */
  readonly median: string;
  readonly p80: Interval;
  readonly p95: Interval;
}

export interface ForecastModel {
  readonly alpha: number;
  readonly beta: number;
  readonly phi: number;
  /** Weekday factors, Sunday first, mean 1. */
  readonly weekdayFactors: ReadonlyArray<number>;
  /** Level (deseasonalised cost per day) at the end of the history. */
  readonly level: number;
  /** How many fitted days the bootstrap draws its residuals from. */
  readonly residuals: number;
}

export interface MonthForecast {
  readonly month: string;
  readonly today: string;
  readonly daysInMonth: number;
  /** Complete days of the month (before today). */
  readonly daysComplete: number;
  /** Exact cost of the month so far, today's partial cost included. */
  readonly spent: string;
  /** Median forecast of the month total; never below `spent`. */
  readonly point: string;
  readonly p80: Interval;
  readonly p95: Interval;
  readonly method: ForecastMethod;
  readonly confidence: ForecastConfidence;
  readonly insufficientHistory: boolean;
  /** Complete days the forecast learnt from. */
  readonly historyDays: number;
  /** Every day of the month, month-to-date. */
  readonly daily: ReadonlyArray<ForecastDay>;
  /** Fitted parameters (method 'weekday-holt-bootstrap' only): for diagnostics and the docs. */
  readonly model?: ForecastModel;
}

export const MIN_MODEL_DAYS = 14;
export const NORMAL_CONFIDENCE_DAYS = 28;
const DEFAULTS = { seed: 1, paths: 1000, maxHistoryDays: 91, decimalPlaces: 6 };
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;
const CLIP = 3;
const SCALE_DECAY = 0.1;
const SCALE_FLOOR = 0.05;
const MIN_FACTOR = 0.2;
const BURN_IN = 7;
const RESIDUAL_WINDOW = 56;
const CRITERION_HORIZON = 7;
const INTERMITTENT_ZERO_SHARE = 0.3;
const SHIFT_SIGMAS = 2;
/** Log-scale spread for how much a young series' level may still move (new accounts ramp up). */
const DRIFT_SIGMA = 0.5;
const SHIFT_RUN = 3;
/** A trend model must beat the best level-only model by this factor: trends extrapolate, noise should not. */
const TREND_PENALTY = 0.9;
const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5];
const TRENDS: ReadonlyArray<{ beta: number; phi: number }> = [
  { beta: 0, phi: 0 },
  { beta: 0.1, phi: 0.9 },
  { beta: 0.05, phi: 0.97 },
];

/** Forecast of one series' month total with 80% and 95% intervals. Pure: same input and seed, same result. */
export function forecastMonth(input: ForecastInput, options: ForecastOptions = {}): MonthForecast {
  const seed = options.seed ?? DEFAULTS.seed;
  const paths = options.paths ?? DEFAULTS.paths;
  const maxHistoryDays = options.maxHistoryDays ?? DEFAULTS.maxHistoryDays;
  const decimalPlaces = options.decimalPlaces ?? DEFAULTS.decimalPlaces;
  if (!Number.isInteger(paths) || paths < 1) throw new RangeError('paths must be a positive integer.');
  if (!Number.isInteger(maxHistoryDays) || maxHistoryDays < 1) throw new RangeError('maxHistoryDays must be a positive integer.');
  if (!Number.isInteger(decimalPlaces) || decimalPlaces < 0) throw new RangeError('decimalPlaces must be a non-negative integer.');

  const span = monthSpan(input.month);
  const today = dayNumber(input.today);
  const end = span.first + span.days; // first day after the month
  if (today < span.first || today > end) {
    throw new RangeError(`today (${input.today}) must lie between the first day of ${input.month} and the day after its last.`);
  }
  const costs = costsByDay(input.days);
  for (const day of costs.keys()) {
    if (day > today) throw new RangeError(`The cost of ${dayText(day)} lies after today (${input.today}).`);
  }

  // Exact month-to-date totals of the complete days, and the spent figure (today's partial included).
  const actualDaily: ForecastDay[] = [];
  let running: Decimal = new ForecastDecimal(0);
  for (let day = span.first; day < Math.min(today, end); day++) {
    const cost = costs.get(day);
    if (cost) running = running.plus(cost);
    const text = moneyText(running);
    actualDaily.push({ day: dayText(day), actual: true, median: text, p80: { lower: text, upper: text }, p95: { lower: text, upper: text } });
  }
  const partialCost = today < end ? costs.get(today) : undefined;
  const spent = partialCost ? running.plus(partialCost) : running;
  const daysComplete = actualDaily.length;
  const base = {
    month: input.month,
    today: input.today,
    daysInMonth: span.days,
    daysComplete,
    spent: moneyText(spent),
  };

  const history = completeHistory(costs, today, maxHistoryDays);
  if (daysComplete === span.days) {
    const total = moneyText(spent);
    return {
      ...base,
      point: total,
      p80: { lower: total, upper: total },
      p95: { lower: total, upper: total },
      method: 'actual',
      confidence: 'normal',
      insufficientHistory: false,
      historyDays: history.values.length,
      daily: actualDaily,
    };
  }

  const partial = statValue(partialCost);
  const horizon = end - today; // remaining days, today included
  const n = history.values.length;
  const simulation =
    n >= MIN_MODEL_DAYS
      ? simulateModel(history, today, horizon, partial, paths, seededRandom(seed))
      : insufficientHistory(history.values, horizon, partial);

  const daily = [...actualDaily];
  for (let k = 0; k < horizon; k++) {
    const band = simulation.bands[k];
    const at = (value: number) => moneyText(spent.plus(floatToDecimal(value, decimalPlaces)));
    daily.push({
      day: dayText(today + k),
      actual: false,
      median: at(band.median),
      p80: { lower: at(band.lower80), upper: at(band.upper80) },
      p95: { lower: at(band.lower95), upper: at(band.upper95) },
    });
  }
  const last = daily[daily.length - 1];
  const confidence: ForecastConfidence = n < MIN_MODEL_DAYS ? 'insufficient' : n < NORMAL_CONFIDENCE_DAYS ? 'low' : 'normal';
  return {
    ...base,
    point: last.median,
    p80: last.p80,
    p95: last.p95,
    method: simulation.method,
    confidence,
    insufficientHistory: confidence === 'insufficient',
    historyDays: n,
    daily,
    ...(simulation.model ? { model: simulation.model } : {}),
  };
}

interface History {
  /** Day number of values[0]. */
  readonly start: number;
  readonly values: Float64Array;
}

function completeHistory(costs: ReadonlyMap<number, Decimal>, today: number, maxHistoryDays: number): History {
  let firstPositive = Number.POSITIVE_INFINITY;
  for (const [day, cost] of costs) if (day < today && cost.gt(0) && day < firstPositive) firstPositive = day;
  const start = Math.max(firstPositive, today - maxHistoryDays);
  if (!Number.isFinite(start) || start >= today) return { start: today, values: new Float64Array(0) };
  const values = new Float64Array(today - start);
  for (let i = 0; i < values.length; i++) values[i] = statValue(costs.get(start + i));
  return { start, values };
}

interface Band {
  readonly median: number;
  readonly lower80: number;
  readonly upper80: number;
  readonly lower95: number;
  readonly upper95: number;
}

interface Simulation {
  readonly method: ForecastMethod;
  /** Per remaining day (today first): what the month-to-date total adds to `spent`. */
  readonly bands: ReadonlyArray<Band>;
  readonly model?: ForecastModel;
}

function insufficientHistory(values: Float64Array, horizon: number, partial: number): Simulation {
  const n = values.length;
  let level: number;
  let cv = 1;
  if (n > 0) {
    // The last week only: a new account is usually still ramping up.
    level = mean(values.subarray(Math.max(0, n - 7)));
    const average = mean(values);
    if (n > 1 && average > 0) {
      let squares = 0;
      for (const value of values) squares += (value - average) ** 2;
      cv = Math.sqrt(squares / (n - 1)) / average;
    }
  } else {
    level = partial;
  }
  if (!(level > 0)) {
    const zero: Band = { median: 0, lower80: 0, upper80: 0, lower95: 0, upper95: 0 };
    return { method: 'no-data', bands: Array.from({ length: horizon }, () => zero) };
  }
  const sigma = Math.sqrt(Math.max(cv, 1) ** 2 / Math.max(n, 1) + DRIFT_SIGMA ** 2);
  const bands: Band[] = [];
  for (let k = 1; k <= horizon; k++) {
    const median = Math.max(level - partial, 0) + level * (k - 1);
    bands.push({
      median,
      lower80: median * Math.exp(-Z80 * sigma),
      upper80: median * Math.exp(Z80 * sigma),
      lower95: median * Math.exp(-Z95 * sigma),
      upper95: median * Math.exp(Z95 * sigma),
    });
  }
  return { method: 'run-rate-wide', bands };
}

/** Robust weekday factors (Sunday first, mean 1); flat for intermittent series. */
function weekdayFactors(values: ArrayLike<number>, startDay: number): number[] {
  const ratios: number[][] = [[], [], [], [], [], [], []];
  let window = 0;
  for (let i = 0; i < Math.min(7, values.length); i++) window += values[i];
  for (let t = 3; t + 3 < values.length; t++) {
    if (t > 3) window += values[t + 3] - values[t - 4];
    const local = window / 7;
    if (local > 0) ratios[weekdayOf(startDay + t)].push(values[t] / local);
  }
  const raw = ratios.map((r) => (r.length === 0 ? 1 : median(r)));
  // Shrink each median towards 1 by how uncertain it is compared with how much weekdays differ
  // (empirical Bayes): noise variance v pooled over all weekdays, the median of k values has
  // variance ≈ 1.57·v/k, the spread between weekdays is τ² = mean (raw_w − 1)².
  const deviations: number[] = [];
  ratios.forEach((r, w) => r.forEach((x) => deviations.push(x - raw[w])));
  const noise = (MAD_TO_SD * mad(deviations, 0)) ** 2;
  const between = mean(raw.map((f) => (f - 1) ** 2));
  const factors = raw.map((f, w) => {
    const k = ratios[w].length;
    if (k === 0 || between === 0) return 1;
    const weight = between / (between + (1.57 * noise) / k);
    return 1 + weight * (f - 1);
  });
  const average = mean(factors);
  if (!(average >= 0.5)) return [1, 1, 1, 1, 1, 1, 1];
  return factors.map((f) => f / average);
}

interface HoltParams {
  readonly alpha: number;
  readonly beta: number;
  readonly phi: number;
}

interface HoltState {
  level: number;
  trend: number;
  scale: number;
  /** Signed count of consecutive errors beyond 2σ̂ on one side. */
  run: number;
  /** The last SHIFT_RUN deseasonalised values (ring buffer). */
  recent: Float64Array;
  filled: number;
}

const newState = (level: number, trend: number, scale: number): HoltState => ({
  level,
  trend,
  scale,
  run: 0,
  recent: new Float64Array(SHIFT_RUN),
  filled: 0,
});

/** One filter update with the deseasonalised value z; returns the (clipped) error that moved the level. */
function step(state: HoltState, params: HoltParams, z: number): number {
  const forecast = Math.max(state.level + params.phi * state.trend, 0);
  const sigma = Math.max(state.scale, SCALE_FLOOR * forecast, 1e-12);
  const limit = CLIP * sigma;
  const raw = z - forecast;
  const error = raw > limit ? limit : raw < -limit ? -limit : raw;
  state.scale = (1 - SCALE_DECAY) * state.scale + SCALE_DECAY * 1.25 * Math.min(Math.abs(raw), limit);
  // Level shift: SHIFT_RUN days in a row beyond 2σ̂ on the same side are not outliers any more.
  const side = raw > SHIFT_SIGMAS * sigma ? 1 : raw < -SHIFT_SIGMAS * sigma ? -1 : 0;
  state.run = side !== 0 && Math.sign(state.run) === side ? state.run + side : side;
  state.recent[state.filled++ % SHIFT_RUN] = z;
  if (Math.abs(state.run) >= SHIFT_RUN) {
    state.level = median(state.recent);
    state.trend = 0;
    state.run = 0;
    return error;
  }
  state.level = Math.max(forecast + params.alpha * error, 0);
  state.trend = params.phi * state.trend + params.alpha * params.beta * error;
  return error;
}

function coast(state: HoltState, params: HoltParams): void {
  state.level = Math.max(state.level + params.phi * state.trend, 0);
  state.trend = params.phi * state.trend;
}

interface Fit {
  readonly params: HoltParams;
  readonly state: HoltState;
  readonly criterion: number;
  /** Per fitted day: y / (s·f), the cost relative to its forecast. */
  readonly ratios: number[];
  /** Per fitted day: the clipped error that moved the level, relative to f. */
  readonly updates: number[];
}

/** Runs the filter over the history; returns the final state, the criterion and the multiplicative residuals. */
function fit(values: Float64Array, factors: ReadonlyArray<number>, weekdays: Uint8Array, params: HoltParams): Fit {
  const n = values.length;
  const firstWeek: number[] = [];
  for (let t = 0; t < n && firstWeek.length < 7; t++) {
    const s = factors[weekdays[t]];
    if (s >= MIN_FACTOR) firstWeek.push(values[t] / s);
  }
  const level = firstWeek.length ? median(firstWeek) : 0;
  // An intermittent series has MAD 0 (most days cost 0): its mean absolute deviation still sees the bursts.
  let meanDeviation = 0;
  for (const z of firstWeek) meanDeviation += Math.abs(z - level) / firstWeek.length;
  const scale = Math.max(MAD_TO_SD * mad(firstWeek, level), 1.25 * meanDeviation, SCALE_FLOOR * level);
  const state = newState(level, 0, scale);
  const ratios: number[] = [];
  const updates: number[] = [];
  let criterion = 0;
  for (let t = 0; t < n; t++) {
    if (t >= BURN_IN && t + CRITERION_HORIZON <= n) {
      // Sum of the next 7 days as forecast from here, against what they really cost.
      let predicted = 0;
      let actual = 0;
      let damp = 0;
      let power = 1;
      for (let k = 0; k < CRITERION_HORIZON; k++) {
        power *= params.phi;
        damp += power;
        predicted += factors[weekdays[t + k]] * Math.max(state.level + damp * state.trend, 0);
        actual += values[t + k];
      }
      criterion += Math.abs(predicted - actual);
    }
    const s = factors[weekdays[t]];
    if (s < MIN_FACTOR) {
      coast(state, params);
      continue;
    }
    const forecast = Math.max(state.level + params.phi * state.trend, 0);
    const error = step(state, params, values[t] / s);
    if (t >= BURN_IN && forecast > 0) {
      ratios.push(values[t] / (s * forecast));
      updates.push(error / forecast);
    }
  }
  return { params, state, criterion, ratios: ratios.slice(-RESIDUAL_WINDOW), updates: updates.slice(-RESIDUAL_WINDOW) };
}

function simulateModel(history: History, today: number, horizon: number, partial: number, paths: number, random: () => number): Simulation {
  const { values, start } = history;
  const factors = weekdayFactors(values, start);
  const weekdays = new Uint8Array(values.length);
  let active = 0;
  let zeros = 0;
  for (let t = 0; t < values.length; t++) {
    weekdays[t] = weekdayOf(start + t);
    if (factors[weekdays[t]] >= MIN_FACTOR) {
      active++;
      if (values[t] === 0) zeros++;
    }
  }
  if (zeros >= INTERMITTENT_ZERO_SHARE * active) return simulateIntermittent(values, horizon, partial, paths, random);

  let best: Fit | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  // Under four weeks the criterion has only a handful of points: a trend picked there is mostly noise.
  const trends = values.length < NORMAL_CONFIDENCE_DAYS ? TRENDS.slice(0, 1) : TRENDS;
  for (const trend of trends) {
    for (const alpha of ALPHAS) {
      const candidate = fit(values, factors, weekdays, { alpha, ...trend });
      const score = candidate.criterion / (trend.beta > 0 ? TREND_PENALTY : 1);
      if (score < bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
  }
  const chosen = best as Fit;
  const { alpha, beta, phi } = chosen.params;
  const ratios = chosen.ratios.length ? chosen.ratios : [1];
  const updates = chosen.updates.length ? chosen.updates : [0];
  const meanUpdate = mean(updates);

  // totals[k * paths + p]: what path p has added to `spent` by the end of remaining day k.
  const totals = new Float64Array(horizon * paths);
  const dayFactors = Array.from({ length: horizon }, (_, k) => factors[weekdayOf(today + k)]);
  for (let p = 0; p < paths; p++) {
    let level = chosen.state.level;
    let trend = chosen.state.trend;
    let added = 0;
    for (let k = 0; k < horizon; k++) {
      const s = dayFactors[k];
      const forecast = Math.max(level + phi * trend, 0);
      const i = Math.floor(random() * ratios.length);
      const cost = s * forecast * ratios[i];
      added += k === 0 ? Math.max(cost, partial) - partial : cost;
      totals[k * paths + p] = added;
      // The day's error moves the level as it did in the fit, centred: a filter that lagged behind a ramp
      // has mostly positive errors, and feeding those back would compound into a spurious exponential trend.
      const error = s < MIN_FACTOR ? 0 : forecast * (updates[i] - meanUpdate);
      level = Math.max(forecast + alpha * error, 0);
      trend = phi * trend + alpha * beta * error;
    }
  }

  return {
    method: 'weekday-holt-bootstrap',
    bands: bandsOf(totals, horizon, paths),
    model: { ...chosen.params, weekdayFactors: factors, level: chosen.state.level, residuals: ratios.length },
  };
}

/** Step 2 of the maths above: remaining days drawn from a per-path resample of the last ≤ 56 days. */
function simulateIntermittent(values: Float64Array, horizon: number, partial: number, paths: number, random: () => number): Simulation {
  const pool = values.subarray(Math.max(0, values.length - RESIDUAL_WINDOW));
  const m = pool.length;
  const resample = new Float64Array(m);
  const totals = new Float64Array(horizon * paths);
  for (let p = 0; p < paths; p++) {
    for (let i = 0; i < m; i++) resample[i] = pool[Math.floor(random() * m)];
    let added = 0;
    for (let k = 0; k < horizon; k++) {
      const cost = resample[Math.floor(random() * m)];
      added += k === 0 ? Math.max(cost, partial) - partial : cost;
      totals[k * paths + p] = added;
    }
  }
  return { method: 'intermittent-bootstrap', bands: bandsOf(totals, horizon, paths) };
}

function bandsOf(totals: Float64Array, horizon: number, paths: number): Band[] {
  const bands: Band[] = [];
  for (let k = 0; k < horizon; k++) {
    const sorted = totals.subarray(k * paths, (k + 1) * paths).sort();
    bands.push({
      median: sortedQuantile(sorted, 0.5),
      lower80: sortedQuantile(sorted, 0.1),
      upper80: sortedQuantile(sorted, 0.9),
      lower95: sortedQuantile(sorted, 0.025),
      upper95: sortedQuantile(sorted, 0.975),
    });
  }
  return bands;
}
