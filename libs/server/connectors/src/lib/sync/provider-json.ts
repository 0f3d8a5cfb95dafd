import { LedgerDecimal, type Json } from '@act/domain/usage';

/**
 * Provider JSON, read without losing money and without trusting the shape.
 *
 * - `parseProviderJson` keeps every number whose JSON text a double cannot hold exactly (`0.1000000000000000055`,
 *   integers above 2^53) as a `LosslessNumber` carrying its source text (JSON.parse source-text access,
 *   Node ≥ 21). Numbers a double holds exactly stay plain numbers, so `String(n)` is their exact value.
 * - `ShapeReader` reads fields by path and throws a `ShapeProblem` naming the path (`data[3].results[0].
 *   input_tokens`) for a missing required field or a wrong type; unknown fields are never looked at.
 */
export class LosslessNumber {
  constructor(readonly source: string) {}
  toString(): string {
    return this.source;
  }
}

type ReviverWithSource = (
  this: unknown,
  key: string,
  value: unknown,
  context?: { source?: string },
) => unknown;

const keepExactNumbers: ReviverWithSource = (_key, value, context) => {
  if (typeof value !== 'number' || context?.source === undefined) return value;
  const source = context.source;
  return isExact(value, source) ? value : new LosslessNumber(source);
};

function isExact(value: number, source: string): boolean {
  const text = String(value);
  if (text === source) return true;
  try {
    return new LedgerDecimal(source).eq(new LedgerDecimal(text));
  } catch {
    return false;
  }
}

/** `undefined` when the text is not JSON. */
export function parseProviderJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(
      text,
      keepExactNumbers as (key: string, value: unknown) => unknown,
    ) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The provider's value as plain JSON for an event's `raw`: `LosslessNumber`s become their source text (a string,
 * so no digit is lost), everything else is copied as is.
 */
export function toRawJson(value: unknown): Json {
  if (value instanceof LosslessNumber) return value.source;
  if (value === null || value === undefined) return null;
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item) => toRawJson(item));
  if (typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) out[key] = toRawJson(inner);
    }
    return out;
  }
  return String(value);
}

/** A provider answer that does not have the documented shape. */
export class ShapeProblem extends Error {
  constructor(
    readonly path: string,
    readonly kind: 'missing_field' | 'wrong_type' | 'invalid_value',
    message: string,
  ) {
    super(message);
  }
}

export type JsonObject = Readonly<Record<string, unknown>>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof LosslessNumber) return `the number ${value.source}`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Reads one object of a provider answer; every accessor names the full path on failure. */
export class ShapeReader {
  constructor(
    readonly value: JsonObject,
    readonly path: string,
  ) {}

  static root(value: unknown, what: string): ShapeReader {
    if (!isObject(value)) {
      throw new ShapeProblem(
        '',
        'wrong_type',
        `the answer should be a JSON object (${what}); got ${describe(value)}`,
      );
    }
    return new ShapeReader(value, '');
  }

  at(key: string): string {
    return join(this.path, key);
  }

  private missing(key: string, what: string): never {
    throw new ShapeProblem(
      this.at(key),
      'missing_field',
      `${this.at(key)} is missing (${what})`,
    );
  }

  private wrong(key: string, what: string, value: unknown): never {
    throw new ShapeProblem(
      this.at(key),
      'wrong_type',
      `${this.at(key)} should be ${what}; got ${describe(value)}`,
    );
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  object(key: string): ShapeReader {
    const value = this.value[key];
    if (value === undefined) this.missing(key, 'an object');
    if (!isObject(value)) this.wrong(key, 'an object', value);
    return new ShapeReader(value, this.at(key));
  }

  optionalObject(key: string): ShapeReader | null {
    const value = this.value[key];
    if (value === undefined || value === null) return null;
    if (!isObject(value)) this.wrong(key, 'an object', value);
    return new ShapeReader(value, this.at(key));
  }

  /** The array's items as readers (each must be an object). */
  objects(key: string): ShapeReader[] {
    const value = this.value[key];
    if (value === undefined) this.missing(key, 'an array');
    if (!Array.isArray(value)) this.wrong(key, 'an array', value);
    return value.map((item: unknown, index: number) => {
      const path = join(this.at(key), index);
      if (!isObject(item)) {
        throw new ShapeProblem(
          path,
          'wrong_type',
          `${path} should be an object; got ${describe(item)}`,
        );
      }
      return new ShapeReader(item, path);
    });
  }

  boolean(key: string): boolean {
    const value = this.value[key];
    if (value === undefined) this.missing(key, 'true or false');
    if (typeof value !== 'boolean') this.wrong(key, 'true or false', value);
    return value;
  }

  /** `null` when absent or null. */
  optionalBoolean(key: string): boolean | null {
    const value = this.value[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'boolean') this.wrong(key, 'true, false or null', value);
    return value;
  }

  string(key: string): string {
    const value = this.value[key];
    if (value === undefined) this.missing(key, 'a string');
    if (typeof value !== 'string') this.wrong(key, 'a string', value);
    return value;
  }

  /** `null` when absent or null; an empty string is `null` too. */
  optionalString(key: string): string | null {
    const value = this.value[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') this.wrong(key, 'a string or null', value);
    return value === '' ? null : value;
  }

  /** A string or null that must be present (group keys the provider always writes). */
  nullableString(key: string): string | null {
    if (this.value[key] === undefined) this.missing(key, 'a string or null');
    return this.optionalString(key);
  }

  /** A non-negative whole number that fits a double exactly. */
  count(key: string): number {
    const value = this.value[key];
    if (value === undefined) this.missing(key, 'a whole number');
    return this.checkCount(key, value);
  }

  /** 0 when absent or null. */
  optionalCount(key: string): number {
    const value = this.value[key];
    if (value === undefined || value === null) return 0;
    return this.checkCount(key, value);
  }

  private checkCount(key: string, value: unknown): number {
    if (value instanceof LosslessNumber) {
      throw new ShapeProblem(
        this.at(key),
        'invalid_value',
        `${this.at(key)} is too large to count exactly (${value.source})`,
      );
    }
    if (typeof value !== 'number') this.wrong(key, 'a whole number', value);
    if (!Number.isInteger(value) || value < 0) {
      throw new ShapeProblem(
        this.at(key),
        'invalid_value',
        `${this.at(key)} should be a whole number of 0 or more; got ${value}`,
      );
    }
    return value;
  }

  /** An integer (Unix seconds and the like). */
  integer(key: string): number {
    const value = this.value[key];
    if (value === undefined) this.missing(key, 'an integer');
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      this.wrong(key, 'an integer', value);
    return value;
  }

  /**
   * A money amount sent as a JSON number (OpenAI `amount.value`, OpenRouter `usage`): its exact decimal text.
   * A string here is a schema change, not something to coerce.
   */
  numberText(key: string): string {
    const value = this.value[key];
    if (value === undefined) this.missing(key, 'a number');
    if (value instanceof LosslessNumber) return value.source;
    if (typeof value !== 'number' || !Number.isFinite(value))
      this.wrong(key, 'a JSON number', value);
    return String(value);
  }

  /** A money amount sent as a decimal string (Anthropic `amount`). A JSON number here is a schema change. */
  decimalString(key: string): string {
    const value = this.value[key];
    if (value === undefined) this.missing(key, 'a decimal string');
    if (typeof value !== 'string')
      this.wrong(key, 'a decimal number written as a string', value);
    return value;
  }

  fail(key: string, message: string): never {
    throw new ShapeProblem(
      this.at(key),
      'invalid_value',
      `${this.at(key)}: ${message}`,
    );
  }
}

function isObject(value: unknown): value is JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof LosslessNumber)
  );
}
