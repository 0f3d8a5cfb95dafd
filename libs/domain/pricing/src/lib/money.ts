import Decimal from 'decimal.js';

/**
 * The Decimal constructor every amount in this library is computed with.
 *
 * decimal.js rounds the result of each operation to `precision` significant digits (20 by
 * default). A cost is a safe integer (up to 16 digits) times a catalogue price (up to 17
 * significant digits, converted from the float's shortest string form), summed over a dozen
 * lines whose magnitudes differ by 20+ orders: the default would round. 100 digits holds every
 * such product and sum exactly, so the engine never rounds; only `roundForDisplay` does.
 * A clone keeps the global `Decimal` configuration untouched for the rest of the process.
 */
export const PriceDecimal = Decimal.clone({ precision: 100, rounding: Decimal.ROUND_HALF_EVEN });

/** A price or amount as an exact Decimal computed with `PriceDecimal`. */
export function money(value: Decimal.Value): Decimal {
  return new PriceDecimal(value);
}

/**
 * Converts a catalogue float to a Decimal through its shortest round-trip string
 * (`String(1.5e-7)` is `"1.5e-7"`), never through the float's binary expansion.
 */
export function moneyFromFloat(value: number): Decimal {
  return new PriceDecimal(String(value));
}

/** Full-precision plain notation (no exponent, no trailing zeros): how money is stored in JSON. */
export function moneyString(value: Decimal): string {
  return new PriceDecimal(value).toFixed();
}

/** True when `text` is a plain or exponent decimal string of a finite, non-negative number. */
export function isDecimalString(text: string): boolean {
  return /^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text.trim());
}

/** Largest unit price accepted (USD per unit), and the finest precision: bounds for outside input. */
const MAX_PRICE = new Decimal('1e9');
const MAX_PRICE_DECIMAL_PLACES = 40;

/**
 * True when `text` is a usable unit price: a non-negative decimal string below 1e9 with at most
 * 40 decimal places. The bounds keep a hostile override (`1e-999999999`) from producing a
 * gigabyte string in `toFixed`.
 */
export function isPriceString(text: string): boolean {
  if (!isDecimalString(text)) return false;
  const value = new Decimal(text.trim());
  return value.lt(MAX_PRICE) && value.decimalPlaces() <= MAX_PRICE_DECIMAL_PLACES;
}

/**
 * Rounds an amount for display only (half-up, two places by default): `0.004999` → `"0.00"`,
 * `1.005` → `"1.01"`. Never feed the result back into a computation.
 */
export function roundForDisplay(value: Decimal, places = 2): string {
  return new PriceDecimal(value).toFixed(places, Decimal.ROUND_HALF_UP);
}
