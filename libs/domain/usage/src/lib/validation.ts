import {
  COST_REPORTED,
  CostReported,
  CostReportedData,
  Currency,
  Money,
  USAGE_OBSERVED,
  USAGE_SOURCES,
  UsageObserved,
  UsageObservedData,
  UsageSource,
} from './events';
import { costReportedId, IDENTIFIER, usageObservedId } from './ids';
import { findNonJson, Json } from './json';
import { parseAmount } from './money';
import {
  CONTEXT_TIERS,
  ContextTier,
  NO_TOKENS,
  NO_UNITS,
  OTHER_UNITS,
  OtherUnits,
  SERVICE_TIERS,
  ServiceTier,
  TOKEN_CLASSES,
  TokenCounts,
} from './quantities';
import { buildLineItem, buildRequestType, OPERATIONS } from './request-type';

/**
 * One thing wrong with submitted data. `path` names the field as the sender wrote it
 * (`tokens.output`, `reportedCost.amount`); `message` is written for that sender and is shown
 * as is in a 4xx response.
 */
export interface ValidationProblem {
  readonly path: string;
  readonly code: ValidationCode;
  readonly message: string;
}

export type ValidationCode =
  | 'required'
  | 'wrong_type'
  | 'unknown_field'
  | 'unknown_value'
  | 'not_an_identifier'
  | 'not_a_date'
  | 'not_an_instant'
  | 'not_a_count'
  | 'not_a_decimal'
  | 'out_of_range'
  | 'unsupported_currency'
  | 'not_json'
  | 'inconsistent';

export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problems: readonly ValidationProblem[] };

/** An observation as a connector, the ingest API, a manual entry or an import submits it. */
export interface UsageObservationInput {
  readonly workspaceId: string;
  readonly accountId: string;
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly provider: string;
  readonly model: string;
  /** One of `OPERATIONS`. */
  readonly operation: string;
  /** Default `standard`. */
  readonly serviceTier?: string;
  /** Default `standard`. */
  readonly contextTier?: string;
  readonly project?: string | null;
  /** Classes left out are 0. */
  readonly tokens?: Partial<TokenCounts>;
  /** Units left out are 0. */
  readonly units?: Partial<OtherUnits>;
  /** Default null (manual entries have nothing raw to keep). */
  readonly raw?: unknown;
  readonly source: string;
  /** ISO 8601 UTC instant ending in Z; up to 9 fractional digits, stored to the millisecond. */
  readonly observedAt: string;
  readonly final: boolean;
  readonly reportedCost?: { readonly amount: string; readonly currency: string } | null;
}

/** A provider-billed amount as a connector or an import submits it. */
export interface CostReportInput {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly day: string;
  readonly provider: string;
  /** The provider's name for the billed line, verbatim. */
  readonly description: string;
  readonly project?: string | null;
  /** Decimal string in dollars (convert Anthropic cents and xAI ticks first). */
  readonly amount: string;
  readonly currency: string;
  readonly raw?: unknown;
  readonly source: string;
  readonly observedAt: string;
  readonly final: boolean;
}

const USAGE_FIELDS = [
  'workspaceId', 'accountId', 'day', 'provider', 'model', 'operation', 'serviceTier', 'contextTier', 'project',
  'tokens', 'units', 'raw', 'source', 'observedAt', 'final', 'reportedCost',
] as const;
const COST_FIELDS = [
  'workspaceId', 'accountId', 'day', 'provider', 'description', 'project', 'amount', 'currency', 'raw', 'source',
  'observedAt', 'final',
] as const;

/**
 * Validates an observation and returns the `UsageObserved` event to append (provider
 * lower-cased, amounts and observedAt normalized, requestType and id derived), or every
 * problem found. Never throws for bad input.
 */
export function observeUsage(input: UsageObservationInput): Validated<UsageObserved> {
  const v = new Checker(input as unknown);
  if (!v.isRecord) return v.fail();
  v.noUnknownFields('', USAGE_FIELDS);
  const workspaceId = v.identifier('workspaceId');
  const accountId = v.identifier('accountId');
  const day = v.day('day');
  const provider = v.provider('provider');
  const model = v.label('model', "the provider's model id as it reported it", 256);
  const operation = v.oneOf('operation', OPERATIONS, undefined);
  const serviceTier = v.oneOf<ServiceTier>('serviceTier', SERVICE_TIERS, 'standard');
  const contextTier = v.oneOf<ContextTier>('contextTier', CONTEXT_TIERS, 'standard');
  const project = v.optionalLabel('project', 200);
  const tokens = v.counts('tokens', TOKEN_CLASSES, NO_TOKENS);
  const units = v.counts('units', OTHER_UNITS, NO_UNITS);
  const raw = v.json('raw');
  const source = v.oneOf<UsageSource>('source', USAGE_SOURCES, undefined);
  const observedAt = v.instant('observedAt');
  const final = v.boolean('final');
  const reportedCost = v.reportedCost('reportedCost');
  v.timeline(day, observedAt, final);
  if (
    !v.ok || workspaceId === undefined || accountId === undefined || day === undefined || provider === undefined ||
    model === undefined || operation === undefined || serviceTier === undefined || contextTier === undefined ||
    project === undefined || tokens === undefined || units === undefined || raw === undefined ||
    source === undefined || observedAt === undefined || final === undefined || reportedCost === undefined
  ) {
    return v.fail();
  }
  const requestType = buildRequestType({
    provider, model, operation, serviceTier, contextTier, ...(project === null ? {} : { project }),
  });
  const data: UsageObservedData = {
    workspaceId, accountId, day, requestType, provider, model, operation, serviceTier, contextTier,
    ...(project === null ? {} : { project }),
    tokens, units, raw, source, observedAt, final,
    ...(reportedCost === null ? {} : { reportedCost }),
  };
  return { ok: true, value: { id: usageObservedId(data), type: USAGE_OBSERVED, data } };
}

/** Validates a provider-billed amount and returns the `CostReported` event, or every problem found. */
export function reportCost(input: CostReportInput): Validated<CostReported> {
  const v = new Checker(input as unknown);
  if (!v.isRecord) return v.fail();
  v.noUnknownFields('', COST_FIELDS);
  const workspaceId = v.identifier('workspaceId');
  const accountId = v.identifier('accountId');
  const day = v.day('day');
  const provider = v.provider('provider');
  const description = v.label('description', "the provider's name for the billed line", 500);
  const project = v.optionalLabel('project', 200);
  const amount = v.amount('amount', v.field('amount'), true);
  const currency = v.currency('currency', v.field('currency'));
  const raw = v.json('raw');
  const source = v.oneOf<UsageSource>('source', USAGE_SOURCES, undefined);
  const observedAt = v.instant('observedAt');
  const final = v.boolean('final');
  v.timeline(day, observedAt, final);
  if (
    !v.ok || workspaceId === undefined || accountId === undefined || day === undefined || provider === undefined ||
    description === undefined || project === undefined || amount === undefined || currency === undefined ||
    raw === undefined || source === undefined || observedAt === undefined || final === undefined
  ) {
    return v.fail();
  }
  const lineItem = buildLineItem({ provider, description, ...(project === null ? {} : { project }) });
  const data: CostReportedData = { workspaceId, accountId, day, lineItem, amount, currency, raw, source, observedAt, final };
  return { ok: true, value: { id: costReportedId(data), type: COST_REPORTED, data } };
}

// ---------------------------------------------------------------------------------------------
// Calendar and instants, by arithmetic: the domain has no clock and needs no Date.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MIN_YEAR = 2000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Why `text` is not a real `YYYY-MM-DD` date, or null when it is one. */
function dateProblem(year: number, month: number, day: number): string | null {
  if (year < MIN_YEAR) return `years before ${MIN_YEAR} are not accepted`;
  if (month < 1 || month > 12) return 'there is no such month';
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${MONTHS[month - 1]} ${year} has ${days} days`;
  return null;
}

/** True when `text` is a real calendar date written `YYYY-MM-DD`. */
export function isCalendarDay(text: string): boolean {
  const m = DAY.exec(text);
  return m !== null && dateProblem(Number(m[1]), Number(m[2]), Number(m[3])) === null;
}

/**
 * The instant in the one form events store, `YYYY-MM-DDTHH:MM:SS.sssZ` (what
 * `Date.prototype.toISOString` writes), or null when `text` is not a UTC instant ending in Z.
 * The fixed width makes string order the same as time order, which latest-wins relies on.
 * Digits beyond the millisecond are dropped.
 */
export function normalizeInstant(text: string): string | null {
  const m = INSTANT.exec(text);
  if (m === null) return null;
  if (dateProblem(Number(m[1]), Number(m[2]), Number(m[3])) !== null) return null;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return null;
  const millis = ((m[7] ?? '') + '000').slice(0, 3);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${millis}Z`;
}

/** The day after a `YYYY-MM-DD` day. */
function nextDay(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  if (date < daysInMonth(year, month)) return `${day.slice(0, 8)}${pad(date + 1, 2)}`;
  if (month < 12) return `${pad(year, 4)}-${pad(month + 1, 2)}-01`;
  return `${pad(year + 1, 4)}-01-01`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------

/** Reads one submitted record field by field, collecting problems instead of stopping at the first. */
class Checker {
  private readonly problems: ValidationProblem[] = [];
  private readonly record: Readonly<Record<string, unknown>>;
  readonly isRecord: boolean;

  constructor(input: unknown) {
    this.isRecord = isObject(input);
    this.record = this.isRecord ? (input as Record<string, unknown>) : {};
    if (!this.isRecord) this.add('', 'wrong_type', 'The observation must be a JSON object.');
  }

  get ok(): boolean {
    return this.problems.length === 0;
  }

  fail(): Validated<never> {
    return { ok: false, problems: [...this.problems] };
  }

  private add(path: string, code: ValidationCode, message: string): undefined {
    this.problems.push({ path, code, message });
    return undefined;
  }

  /** The submitted value of a top-level field. */
  field(path: string): unknown {
    return this.record[path];
  }

  noUnknownFields(prefix: string, known: readonly string[], record = this.record): void {
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) {
        this.add(prefix + key, 'unknown_field', `${prefix + key} is not a field we know. Expected only: ${known.join(', ')}.`);
      }
    }
  }

  private string(path: string, what: string): string | undefined {
    const value = this.field(path);
    if (value === undefined || value === null || value === '') return this.add(path, 'required', `${path} is required: ${what}.`);
    if (typeof value !== 'string') return this.add(path, 'wrong_type', `${path} must be a string: ${what}; got ${describe(value)}.`);
    return value;
  }

  identifier(path: string): string | undefined {
    const value = this.string(path, 'an id of letters, digits, "_" or "-"');
    if (value === undefined) return undefined;
    if (!IDENTIFIER.test(value)) {
      return this.add(path, 'not_an_identifier', `${path} must be an id of at most 100 letters, digits, "_" or "-", starting with a letter or digit; got ${describe(value)}.`);
    }
    return value;
  }

  provider(path: string): string | undefined {
    const value = this.string(path, 'our provider id, such as "openai" or "anthropic"');
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(lower)) {
      return this.add(path, 'not_an_identifier', `${path} must be a provider id of at most 64 letters, digits, ".", "_" or "-", such as "openai"; got ${describe(value)}.`);
    }
    return lower;
  }

  /** Free text that ends up in a key: kept verbatim, so no control characters or edge spaces. */
  label(path: string, what: string, maxLength: number): string | undefined {
    const value = this.string(path, what);
    if (value === undefined) return undefined;
    return this.checkLabel(path, value, maxLength);
  }

  private checkLabel(path: string, value: string, maxLength: number): string | undefined {
    if (value.length > maxLength) return this.add(path, 'out_of_range', `${path} may be at most ${maxLength} characters long; got ${value.length}.`);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) return this.add(path, 'wrong_type', `${path} may not contain control characters (tabs, line breaks…).`);
    if (value.trim() !== value) return this.add(path, 'wrong_type', `${path} may not start or end with spaces; got ${describe(value)}.`);
    return value;
  }

  /** null when absent (the key then has no project). */
  optionalLabel(path: string, maxLength: number): string | null | undefined {
    const value = this.field(path);
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return this.add(path, 'wrong_type', `${path} must be a string, or left out; got ${describe(value)}.`);
    if (value === '') return this.add(path, 'required', `${path} may not be empty: leave it out when there is no ${path}.`);
    return this.checkLabel(path, value, maxLength);
  }

  oneOf<T extends string>(path: string, allowed: readonly T[], fallback: T | undefined): T | undefined {
    const value = this.field(path);
    const list = allowed.map((item) => `"${item}"`).join(', ');
    if (value === undefined || value === null) {
      return fallback !== undefined ? fallback : this.add(path, 'required', `${path} is required: one of ${list}.`);
    }
    if (!allowed.includes(value as T)) return this.add(path, 'unknown_value', `${path} must be one of ${list}; got ${describe(value)}.`);
    return value as T;
  }

  day(path: string): string | undefined {
    const value = this.string(path, 'the UTC day, written YYYY-MM-DD');
    if (value === undefined) return undefined;
    const m = DAY.exec(value);
    if (m === null) return this.add(path, 'not_a_date', `${path} must be a UTC day written YYYY-MM-DD, such as 2026-03-05; got ${describe(value)}.`);
    const why = dateProblem(Number(m[1]), Number(m[2]), Number(m[3]));
    if (why !== null) return this.add(path, 'not_a_date', `${path} must be a real calendar date; got ${describe(value)}, and ${why}.`);
    return value;
  }

  instant(path: string): string | undefined {
    const value = this.string(path, 'an ISO 8601 UTC instant such as 2026-03-05T14:00:00Z');
    if (value === undefined) return undefined;
    const normalized = normalizeInstant(value);
    if (normalized === null) {
      return this.add(path, 'not_an_instant', `${path} must be an ISO 8601 UTC instant ending in Z, such as 2026-03-05T14:00:00Z or 2026-03-05T14:00:00.123Z; got ${describe(value)}.`);
    }
    return normalized;
  }

  boolean(path: string): boolean | undefined {
    const value = this.field(path);
    if (value === undefined || value === null) {
      return this.add(path, 'required', `${path} is required: true when the provider will not change these numbers any more, false while they may still change.`);
    }
    if (typeof value !== 'boolean') return this.add(path, 'wrong_type', `${path} must be true or false; got ${describe(value)}.`);
    return value;
  }

  counts<T extends object>(path: string, names: readonly string[], zero: T): T | undefined {
    const value = this.field(path);
    if (value === undefined || value === null) return zero;
    if (!isObject(value)) return this.add(path, 'wrong_type', `${path} must be an object of counts, such as {"${names[0]}": 120}; got ${describe(value)}.`);
    this.noUnknownFields(`${path}.`, names, value);
    const out: Record<string, number> = { ...(zero as Record<string, number>) };
    let fine = true;
    for (const name of names) {
      const count = value[name];
      const field = `${path}.${name}`;
      if (count === undefined || count === null) continue;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
        this.add(field, 'not_a_count', `${field} must be a whole number of 0 or more; got ${describe(count)}.`);
        fine = false;
      } else if (!Number.isSafeInteger(count)) {
        this.add(field, 'out_of_range', `${field} is too large to count exactly (at most ${Number.MAX_SAFE_INTEGER}); got ${describe(count)}.`);
        fine = false;
      } else {
        out[name] = count;
      }
    }
    return fine ? (out as T) : undefined;
  }

  json(path: string): Json | undefined {
    const value = this.field(path);
    if (value === undefined) return null;
    const where = findNonJson(value);
    if (where !== null) {
      return this.add(path + where, 'not_json', `${path + where} must be plain JSON (objects, arrays, strings, finite numbers, true/false/null).`);
    }
    return value as Json;
  }

  /** A decimal string, normalized. */
  amount(path: string, value: unknown, negativeAllowed: boolean): string | undefined {
    const example = 'a decimal number written as a string, such as "0.0123"';
    if (value === undefined || value === null || value === '') return this.add(path, 'required', `${path} is required: ${example}.`);
    if (typeof value === 'number') return this.add(path, 'wrong_type', `${path} must be ${example}, not a JSON number (numbers can lose precision); got ${value}.`);
    if (typeof value !== 'string') return this.add(path, 'wrong_type', `${path} must be ${example}; got ${describe(value)}.`);
    const parsed = parseAmount(value);
    if (!parsed.ok) {
      if (parsed.reason === 'syntax') {
        return this.add(path, 'not_a_decimal', `${path} must be ${example} (an exponent such as "1.2e-7" is accepted); got ${describe(value)}.`);
      }
      if (parsed.reason === 'too_precise') return this.add(path, 'out_of_range', `${path} may have at most 30 decimal places; got ${describe(value)}.`);
      return this.add(path, 'out_of_range', `${path} must be less than 1000000000000000 in size; got ${describe(value)}.`);
    }
    if (!negativeAllowed && parsed.value.startsWith('-')) return this.add(path, 'out_of_range', `${path} may not be negative; got ${describe(value)}.`);
    return parsed.value;
  }

  currency(path: string, value: unknown): Currency | undefined {
    if (value === undefined || value === null || value === '') return this.add(path, 'required', `${path} is required: "USD".`);
    if (value !== 'USD') {
      return this.add(path, 'unsupported_currency', `${path} must be "USD", the only currency supported so far; got ${describe(value)}.`);
    }
    return value;
  }

  /** null when absent. */
  reportedCost(path: string): Money | null | undefined {
    const value = this.field(path);
    if (value === undefined || value === null) return null;
    if (!isObject(value)) {
      return this.add(path, 'wrong_type', `${path} must be an object such as {"amount": "0.0123", "currency": "USD"}; got ${describe(value)}.`);
    }
    this.noUnknownFields(`${path}.`, ['amount', 'currency'], value);
    const amount = this.amount(`${path}.amount`, value['amount'], false);
    const currency = this.currency(`${path}.currency`, value['currency']);
    return amount === undefined || currency === undefined ? undefined : { amount, currency };
  }

  /** Rules between fields: usage cannot be seen before its day, nor be final before the day ends. */
  timeline(day: string | undefined, observedAt: string | undefined, final: boolean | undefined): void {
    if (day === undefined || observedAt === undefined) return;
    if (observedAt < `${day}T00:00:00.000Z`) {
      this.add('observedAt', 'inconsistent', `observedAt (${observedAt}) is before the day it reports on (${day}, UTC): usage cannot be observed before it happens.`);
    } else if (final === true && observedAt < `${nextDay(day)}T00:00:00.000Z`) {
      this.add('final', 'inconsistent', `final can only be true once the day is over: ${day} (UTC) had not ended at observedAt (${observedAt}).`);
    }
  }
}

/** Any non-array object: the edge may hand over class-validator DTO instances, not only plain objects. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short rendering of a rejected value for a message; long strings are cut. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
