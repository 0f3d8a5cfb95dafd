import { Decimal } from 'decimal.js';

/**
 * Display rules for money on the budgets pages: the same as web-usage's money.ts (which that
 * library keeps internal; see the README), so a figure reads the same on every page. Amounts stay
 * decimal strings until the very end: `Number(…)` only feeds `Intl.NumberFormat` and the charts.
 */
const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isDecimal(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL.test(value);
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, digits: number): Intl.NumberFormat {
  const key = `${currency}:${digits}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: Math.min(2, digits), maximumFractionDigits: digits });
    formatters.set(key, format);
  }
  return format;
}

/** `"1234.5"` → `$1,234.50`; under a cent keeps 6 digits (never a misleading `$0.00`); null → `—`. */
export function formatMoney(value: string | null | undefined, currency = 'USD'): string {
  if (!isDecimal(value)) return '—';
  const amount = new Decimal(value);
  const abs = amount.abs();
  const digits = abs.isZero() || abs.gte(0.01) ? 2 : 6;
  return formatter(currency, digits).format(Number(amount.toFixed(digits)));
}

/** For charts only: a float draws a line, never a figure someone reads. */
export function chartValue(value: string | null | undefined): number {
  return isDecimal(value) ? Number(value) : 0;
}

/** Exact `a ≥ b` on decimal strings. */
export function gte(a: string, b: string): boolean {
  return isDecimal(a) && isDecimal(b) && new Decimal(a).gte(new Decimal(b));
}

/**
 * What a user typed as an amount, as the decimal string the API takes (`"1,200.5"` → `"1200.5"`),
 * or null when it is not a positive amount with at most 6 decimals.
 */
export function parseAmount(text: string): string | null {
  const cleaned = text.trim().replace(/^\$/, '').replace(/,/g, '');
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(cleaned)) return null;
  const amount = new Decimal(cleaned);
  return amount.gt(0) ? amount.toFixed() : null;
}

const AXIS = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', notation: 'compact', maximumSignificantDigits: 3 });

/** Axis ticks only (floats from the chart's scale). */
export function axisMoney(value: number): string {
  return AXIS.format(value);
}
