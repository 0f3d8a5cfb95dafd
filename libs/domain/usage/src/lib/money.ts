import Decimal from 'decimal.js';

/**
 * A private Decimal with room for exact sums: accepted amounts have at most 30 decimal places
 * and stay below 1e15, so 64 significant digits add them without rounding. A clone, so the
 * global Decimal settings other libraries rely on stay untouched.
 */
export const LedgerDecimal = Decimal.clone({ precision: 64, rounding: Decimal.ROUND_HALF_EVEN });

export const MAX_DECIMAL_PLACES = 30;
export const MAX_AMOUNT_EXCLUSIVE = '1e15';

/*
 * Plain decimals and the exponent form that JavaScript and JSON writers produce for small
 * floats (OpenRouter `usage.cost` 1.2e-7 arrives as that text). Not accepted although decimal.js
 * would: hex/binary/octal, '_' separators, NaN, Infinity, '+1', '.5', '5.', surrounding spaces.
 */
const DECIMAL_TEXT = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

export type ParsedAmount =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: 'syntax' | 'too_precise' | 'too_large' };

/** Validates decimal text and returns its normalized plain form (`1.50` → `1.5`, `1e-7` → `0.0000001`). */
export function parseAmount(text: string): ParsedAmount {
  if (!DECIMAL_TEXT.test(text)) return { ok: false, reason: 'syntax' };
  // Reject absurd exponents before decimal.js expands them into huge strings.
  const exponent = /[eE]([-+]?\d+)$/.exec(text);
  if (exponent && Number(exponent[1]) > 100) return { ok: false, reason: 'too_large' };
  if (exponent && Number(exponent[1]) < -100) return { ok: false, reason: 'too_precise' };
  const value = new LedgerDecimal(text);
  if (value.abs().gte(MAX_AMOUNT_EXCLUSIVE)) return { ok: false, reason: 'too_large' };
  if (value.decimalPlaces() > MAX_DECIMAL_PLACES) return { ok: false, reason: 'too_precise' };
  return { ok: true, value: value.isZero() ? '0' : value.toFixed() };
}

/** Exact sum of normalized decimal strings, as a normalized decimal string. */
export function sumAmounts(amounts: Iterable<string>): string {
  let total = new LedgerDecimal(0);
  for (const amount of amounts) total = total.plus(amount);
  return total.isZero() ? '0' : total.toFixed();
}
