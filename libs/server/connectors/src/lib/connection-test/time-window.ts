/**
 * Usage endpoints need a window. A connection test asks for the previous complete UTC day: it exists for every
 * organisation, is final at every provider (OpenRouter only serves completed days) and returns one bucket.
 */
export function previousUtcDay(now: Date): Date {
  return new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - 1),
  );
}

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** `2026-11-23T00:00:00Z`: RFC 3339 without milliseconds, as the providers' docs write it. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
