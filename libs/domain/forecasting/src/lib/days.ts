/*
 * UTC calendar days as plain 'YYYY-MM-DD' text and as day numbers (days since 1970-01-01), so the
 * statistics can index arrays by day without a clock or a time zone.
 */

const DAY_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_TEXT = /^(\d{4})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Day number of a 'YYYY-MM-DD' UTC day; throws RangeError on anything that is not a real calendar day. */
export function dayNumber(day: string): number {
  const match = DAY_TEXT.exec(day);
  if (!match) throw new RangeError(`"${day}" is not a day (YYYY-MM-DD).`);
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, date);
  // Date.UTC rolls 2026-02-30 over into March; a round trip catches it.
  if (dayText(ms / MS_PER_DAY) !== day) throw new RangeError(`"${day}" is not a calendar day.`);
  return ms / MS_PER_DAY;
}

export function dayText(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01, day 0, was a Thursday). */
export function weekdayOf(n: number): number {
  return (((n + 4) % 7) + 7) % 7;
}

export interface MonthSpan {
  /** Day number of the month's first day. */
  readonly first: number;
  readonly days: number;
}

/** First day number and length of a 'YYYY-MM' month. */
export function monthSpan(month: string): MonthSpan {
  const match = MONTH_TEXT.exec(month);
  const m = match ? Number(match[2]) : 0;
  if (!match || m < 1 || m > 12) throw new RangeError(`"${month}" is not a month (YYYY-MM).`);
  const year = Number(match[1]);
  const first = Date.UTC(year, m - 1, 1) / MS_PER_DAY;
  const next = Date.UTC(year, m, 1) / MS_PER_DAY;
  return { first, days: next - first };
}
