import { Decimal } from 'decimal.js';

/**
 * Money arrives as exact decimal strings. Arithmetic (sums, differences, per-million conversions)
 * is done with decimal.js; `Number(…)` is used only at the very end, to hand a value to
 * `Intl.NumberFormat` or a chart, never to add things up.
 */
export type DecimalString = string;

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isDecimal(value: unknown): value is DecimalString {
  return typeof value === 'string' && DECIMAL.test(value);
}

function toDecimal(value: DecimalString | null | undefined): Decimal {
  return isDecimal(value) ? new Decimal(value) : new Decimal(0);
}

/** Exact sum of decimal strings; null and undefined count as nothing. */
export function sumDecimals(values: readonly (DecimalString | null | undefined)[]): DecimalString {
  return values.reduce((sum, value) => sum.plus(toDecimal(value)), new Decimal(0)).toFixed();
}

/** Exact `a − b`. */
export function subtractDecimals(a: DecimalString | null | undefined, b: DecimalString | null | undefined): DecimalString {
  return toDecimal(a).minus(toDecimal(b)).toFixed();
}

/** For sorting: negative when a < b. */
export function compareDecimals(a: DecimalString | null | undefined, b: DecimalString | null | undefined): number {
  return toDecimal(a).comparedTo(toDecimal(b));
}

export function isZero(value: DecimalString | null | undefined): boolean {
  return toDecimal(value).isZero();
}

export function isNegative(value: DecimalString | null | undefined): boolean {
  return toDecimal(value).isNegative() && !toDecimal(value).isZero();
}

/** A per-token price as a price per million tokens (exact), e.g. `"0.00000015"` → `"0.15"`. */
export function perMillion(perToken: DecimalString | null | undefined): DecimalString | null {
  return isDecimal(perToken) ? new Decimal(perToken).times(1_000_000).toFixed() : null;
}

/** A price per million tokens typed by a user as the per-token decimal the API stores. */
export function perToken(perMillionTokens: string): DecimalString | null {
  const trimmed = perMillionTokens.trim();
  return isDecimal(trimmed) ? new Decimal(trimmed).dividedBy(1_000_000).toFixed() : null;
}

/** For charts only: a float is fine for drawing a bar, never for a figure someone reads. */
export function chartValue(value: DecimalString | null | undefined): number {
  return isDecimal(value) ? Number(value) : 0;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, fractionDigits: number): Intl.NumberFormat {
  const key = `${currency}:${fractionDigits}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: Math.min(2, fractionDigits),
      maximumFractionDigits: fractionDigits,
    });
    formatters.set(key, format);
  }
  return format;
}

/**
 * `"1234.5"` → `$1,234.50`. Amounts under a cent keep enough digits to be told apart from zero
 * (`"0.00075"` → `$0.00075`): a tiny figure shown as `$0.00` would read as "free". null → `—`.
 */
export function formatMoney(value: DecimalString | null | undefined, currency = 'USD'): string {
  if (!isDecimal(value)) return '—';
  const amount = new Decimal(value);
  const abs = amount.abs();
  const digits = abs.isZero() || abs.gte(0.01) ? 2 : 6;
  return formatter(currency, digits).format(Number(amount.toFixed(digits)));
}

/** Like `formatMoney` with an explicit sign, for differences and deltas. */
export function formatSignedMoney(value: DecimalString | null | undefined, currency = 'USD'): string {
  if (!isDecimal(value)) return '—';
  const text = formatMoney(value, currency);
  return isNegative(value) || isZero(value) ? text : `+${text}`;
}

/** A per-token price shown per million tokens: `"0.00000015"` → `$0.15 / 1M`. */
export function formatPerMillion(perTokenPrice: DecimalString | null | undefined, currency = 'USD'): string {
  const value = perMillion(perTokenPrice);
  if (value === null) return '—';
  const amount = new Decimal(value);
  const digits = amount.isZero() || amount.gte(0.01) ? Math.min(4, Math.max(2, amount.decimalPlaces())) : 6;
  return `${formatter(currency, digits).format(Number(amount.toFixed(digits)))} / 1M`;
}

/** Short form for dense grids: `$1.23`, `$12.3`, `$1.2K`, `<$0.01`. */
export function formatCompactMoney(value: DecimalString | null | undefined, currency = 'USD'): string {
  if (!isDecimal(value)) return '—';
  const amount = new Decimal(value);
  if (!amount.isZero() && amount.abs().lt(0.01)) return `<${formatter(currency, 2).format(amount.isNegative() ? -0.01 : 0.01)}`;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    notation: 'compact',
    maximumSignificantDigits: 3,
  }).format(Number(amount.toFixed(2)));
}

/**
 * An estimate as people should read it: unpriced usage is never shown as $0. Wholly unpriced →
 * `no price`; partly unpriced → `≥ $12.50` (the priced part is a lower bound).
 */
export function formatEstimate(
  value: DecimalString | null | undefined,
  unpriced: number,
  currency = 'USD',
): string {
  if (unpriced > 0 && (!isDecimal(value) || isZero(value))) return 'no price';
  const text = formatMoney(value, currency);
  return unpriced > 0 ? `≥ ${text}` : text;
}
