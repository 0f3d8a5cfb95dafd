import Decimal from 'decimal.js';
import { dayNumber } from './days';

/**
 * A private Decimal for exact sums of daily costs (ledger amounts have at most 30 decimal places
 * and stay below 1e15, so 64 significant digits add them without rounding). A clone, so the
 * global Decimal settings other libraries rely on stay untouched.
 */
export const ForecastDecimal = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_EVEN });

/** Money at the boundary: a Decimal (any clone) or decimal text like '12.5' or '1.2e-7'. Never a float. */
export type Money = Decimal | string;

/** One UTC day's cost of one series (a workspace, provider, account or model) in one currency. */
export interface DailyCost {
  /** 'YYYY-MM-DD' (UTC). */
  readonly day: string;
  readonly cost: Money;
}

const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d{1,3})?$/;

export function toDecimal(value: Money, what = 'amount'): Decimal {
  if (typeof value === 'string') {
    if (!DECIMAL_TEXT.test(value)) throw new RangeError(`${what} "${value}" is not decimal text.`);
    return new ForecastDecimal(value);
  }
  if (Decimal.isDecimal(value) && value.isFinite()) return new ForecastDecimal(value);
  throw new RangeError(`${what} must be a finite Decimal or decimal text.`);
}

/** Validated costs by day number. A day listed twice is a caller bug (which of the two is right?): RangeError. */
export function costsByDay(days: ReadonlyArray<DailyCost>): Map<number, Decimal> {
  const out = new Map<number, Decimal>();
  for (const { day, cost } of days) {
    const n = dayNumber(day);
    if (out.has(n)) throw new RangeError(`Day ${day} is listed twice.`);
    out.set(n, toDecimal(cost, `The cost of ${day}`));
  }
  return out;
}

/**
 * The float the statistics work on. Refunds and credits (negative days) are counted in money
 * totals but are not a usage pattern to extrapolate, so the models see them as 0.
 */
export function statValue(cost: Decimal | undefined): number {
  if (cost === undefined) return 0;
  const value = cost.toNumber();
  return value > 0 ? value : 0;
}

/** Exact Decimal of a non-negative float, rounded half-even to `decimalPlaces`. */
export function floatToDecimal(value: number, decimalPlaces: number): Decimal {
  return new ForecastDecimal(value > 0 && Number.isFinite(value) ? value : 0).toDecimalPlaces(decimalPlaces);
}

/** Normalized plain text of a Decimal ('1.50' → '1.5', '-0' → '0'). */
export function moneyText(value: Decimal): string {
  return value.isZero() ? '0' : value.toFixed();
}
