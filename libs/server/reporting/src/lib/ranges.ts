import { RequestValidationError } from '@act/server/platform';
import { MONTH_PATTERN } from './dto/queries';

/** The longest range a series or an export covers (a year and then some). */
export const MAX_RANGE_DAYS = 400;

const DAY_MS = 86_400_000;

/** Days in [from, to], both inclusive; a 400 problem naming the parameter when the range is backwards or too long. */
export function checkRange(from: string, to: string): number {
  if (to < from) {
    throw new RequestValidationError([{ path: 'to', message: `to (${to}) is before from (${from}): swap them` }]);
  }
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) {
    throw new RequestValidationError([
      { path: 'to', message: `at most ${MAX_RANGE_DAYS} days per request, asked for ${days}: split the range` },
    ]);
  }
  return days;
}

/** The day after `day` (YYYY-MM-DD, UTC). */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** A `{month}` path segment, or a 400 problem saying how to write it. */
export function requireMonthParam(month: string): string {
  if (!MONTH_PATTERN.test(month)) {
    throw new RequestValidationError([{ path: 'month', message: `month must be a month written YYYY-MM, e.g. 2026-03 (got "${month.slice(0, 40)}")` }]);
  }
  return month;
}

/** The UTC day today. */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}
