import { isCalendarDay } from '@act/domain/usage';

/** UTC calendar days as `YYYY-MM-DD`, and the instants they span. */
export const DAY_MS = 86_400_000;

export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function dayOfMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return dayOfMs(dayStartMs(day) + days * DAY_MS);
}

/** Every day from `from` to `to`, both included. */
export function daysFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = dayStartMs(from); ms <= dayStartMs(to); ms += DAY_MS)
    out.push(dayOfMs(ms));
  return out;
}

export function isDay(text: unknown): text is string {
  return typeof text === 'string' && isCalendarDay(text);
}

/**
 * A day is final once it ended `settleHours` ago: providers revise recent days (late data), so until then its
 * observations carry `final: false` and are shown as pending.
 */
export function isFinalDay(day: string, now: Date, settleHours: number): boolean {
  return now.getTime() >= dayStartMs(day) + DAY_MS + settleHours * 3_600_000;
}

/** `2026-11-23T00:00:00Z`: RFC 3339 without milliseconds. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
