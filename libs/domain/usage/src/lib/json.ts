/** A JSON value as it is stored in an event: what `JSON.parse` can give back unchanged. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Deeper than any provider payload; stops a hostile or cyclic value from exhausting the stack. */
const MAX_DEPTH = 32;

/**
 * The path of the first part of `value` that JSON cannot carry faithfully (undefined, a
 * function, NaN/Infinity, a bigint, a Date or other class instance, a cycle, too deep),
 * or null when the whole value is plain JSON. Paths are relative (`''` is the value itself).
 */
export function findNonJson(value: unknown, depth = 0): string | null {
  if (depth > MAX_DEPTH) return '';
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : '';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const inner = findNonJson(value[i], depth + 1);
      if (inner !== null) return `[${i}]${inner}`;
    }
    return null;
  }
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return '';
    for (const [key, inner] of Object.entries(value)) {
      const found = findNonJson(inner, depth + 1);
      if (found !== null) return `.${key}${found}`;
    }
    return null;
  }
  return '';
}

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `-0` written as `0`,
 * numbers and strings as `JSON.stringify` writes them.
 * Two values that mean the same JSON give the same string, so it can be hashed into an id.
 * Throws on a value that is not JSON (a programmer error: callers validate first).
 */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`canonicalJson: ${value} is not a JSON number`);
    return Object.is(value, -0) ? '0' : JSON.stringify(value);
  }
  // Like JSON.stringify: an undefined array item is null, an undefined property is left out.
  if (Array.isArray(value)) return `[${value.map((item: Json | undefined) => canonicalJson(item ?? null)).join(',')}]`;
  const record = value as { readonly [key: string]: Json };
  const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}
