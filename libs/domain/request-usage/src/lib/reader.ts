import { LedgerDecimal, parseAmount, type ValidationCode } from '@act/domain/usage';

/**
 * One thing wrong with a submitted usage object or record. `path` is the full path as the
 * sender wrote it (`records[3].usage.prompt_tokens`), and `message` repeats it, so a message
 * shown alone still says which field it is about.
 */
export interface UsageProblem {
  readonly path: string;
  readonly code: ValidationCode;
  readonly message: string;
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly UsageProblem[] };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a rejected value for a message; long strings are cut. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Reads fields of one JSON object, collecting problems instead of stopping at the first.
 * Paths are dotted from `base` (`usage.prompt_tokens_details.cached_tokens`). `null` counts as
 * absent everywhere: OpenAI-compatible servers send `"prompt_tokens_details": null`.
 * Fields it is not asked about are ignored: providers add fields all the time.
 */
export class UsageReader {
  constructor(
    readonly base: string,
    private readonly problems: UsageProblem[],
  ) {}

  path(field: string): string {
    return this.base === '' ? field : `${this.base}.${field}`;
  }

  problem(field: string, code: ValidationCode, message: string): undefined {
    this.problems.push({ path: this.path(field), code, message });
    return undefined;
  }

  has(object: Record<string, unknown>, field: string): boolean {
    return object[field] !== undefined && object[field] !== null;
  }

  /** A nested object, or null when absent; a problem when it is something else. */
  object(object: Record<string, unknown>, field: string): Record<string, unknown> | null | undefined {
    const value = object[field];
    if (value === undefined || value === null) return null;
    if (!isRecord(value)) return this.problem(field, 'wrong_type', `${this.path(field)} must be an object; got ${describe(value)}.`);
    return value;
  }

  /** A reader for a nested object's fields. */
  nested(field: string): UsageReader {
    return new UsageReader(this.path(field), this.problems);
  }

  /** A token or unit count: a non-negative safe integer. */
  count(object: Record<string, unknown>, field: string, required: boolean, what: string): number | undefined {
    const value = object[field];
    if (value === undefined || value === null) {
      if (!required) return 0;
      return this.problem(field, 'required', `${this.path(field)} is required: ${what}.`);
    }
    if (typeof value !== 'number') {
      return this.problem(field, 'wrong_type', `${this.path(field)} must be a whole number (${what}); got ${describe(value)}.`);
    }
    if (!Number.isSafeInteger(value) || value < 0) {
      return this.problem(field, 'not_a_count', `${this.path(field)} must be a whole number of at least 0 (${what}); got ${describe(value)}.`);
    }
    return value;
  }

  /** A USD amount the provider reported as a JSON number (or decimal text): a normalized decimal string. */
  dollars(object: Record<string, unknown>, field: string, what: string): string | null | undefined {
    const value = object[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' && typeof value !== 'string') {
      return this.problem(field, 'wrong_type', `${this.path(field)} must be a number of US dollars (${what}); got ${describe(value)}.`);
    }
    // A JSON number reaches us as a double: its shortest round-trip text is exactly what the provider wrote.
    const parsed = parseAmount(typeof value === 'number' ? String(value) : value);
    if (!parsed.ok) {
      const why = parsed.reason === 'syntax' ? 'is not a decimal number' : parsed.reason === 'too_large' ? 'is too large' : 'has more than 30 decimal places';
      return this.problem(field, 'not_a_decimal', `${this.path(field)} ${why} (${what}); got ${describe(value)}.`);
    }
    if (parsed.value.startsWith('-')) {
      return this.problem(field, 'out_of_range', `${this.path(field)} may not be negative (${what}); got ${describe(value)}.`);
    }
    return parsed.value;
  }

  /** xAI `cost_in_usd_ticks`: a whole number of 1e-10 USD, converted exactly. */
  ticks(object: Record<string, unknown>, field: string): string | null | undefined {
    const value = object[field];
    if (value === undefined || value === null) return null;
    const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value : '';
    if (!/^\d{1,25}$/.test(text)) {
      return this.problem(field, 'not_a_count', `${this.path(field)} must be a whole number of ticks of 1e-10 USD, at least 0; got ${describe(value)}.`);
    }
    const dollars = new LedgerDecimal(text).dividedBy('1e10');
    return dollars.isZero() ? '0' : dollars.toFixed();
  }

  string(object: Record<string, unknown>, field: string): string | null | undefined {
    const value = object[field];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return this.problem(field, 'wrong_type', `${this.path(field)} must be a string; got ${describe(value)}.`);
    return value;
  }
}
