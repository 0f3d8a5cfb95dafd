import {
  CONTEXT_TIERS,
  normalizeInstant,
  type ContextTier,
  type Json,
  type ServiceTier,
} from '@act/domain/usage';
import { isRequestUsageProvider, normalizeRequestUsage, REQUEST_USAGE_PROVIDERS, type NormalizedUsage, type RequestUsageProvider } from './normalize';
import { describe, isRecord, type Checked, type UsageProblem } from './reader';
import type { ValidationCode } from '@act/domain/usage';

/** The operations a per-request usage record may carry. */
export const REQUEST_OPERATIONS = ['chat/completions', 'embeddings'] as const;
export type RequestOperation = (typeof REQUEST_OPERATIONS)[number];

/** One ingested request, validated and normalized: what the inbox stores. */
export interface RequestUsage {
  /** The client's id for the request (the provider's response id is a good choice): unique per account. */
  readonly requestId: string;
  /** Whose usage format `raw` is in. */
  readonly provider: RequestUsageProvider;
  readonly model: string;
  /** When the request was made, `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  readonly timestamp: string;
  /** Its UTC day: the ledger day the request is counted on. */
  readonly day: string;
  readonly operation: RequestOperation;
  readonly serviceTier: ServiceTier;
  readonly contextTier: ContextTier;
  readonly project: string | null;
  readonly tags: Readonly<Record<string, string>>;
  readonly usage: NormalizedUsage;
  /** The native usage object as sent, for the audit trail. */
  readonly raw: Json;
}

export interface ReadRecordOptions {
  /** Path of the record in the submitted document (`records[3]`). */
  readonly path: string;
  /** The server's clock, ISO 8601 with Z: timestamps more than `MAX_CLOCK_SKEW_MS` after it are refused. */
  readonly now: string;
  /**
   * The usage formats the receiving account accepts (`acceptedFormats`) and its provider, for
   * the message. Another provider is refused at `provider`, before its usage is read.
   */
  readonly account?: { readonly provider: string; readonly formats: readonly RequestUsageProvider[] };
}

export const MAX_CLOCK_SKEW_MS = 5 * 60_000;
export const MAX_TAGS = 20;

const RECORD_FIELDS = ['requestId', 'provider', 'model', 'timestamp', 'usage', 'project', 'tags', 'operation', 'serviceTier', 'contextTier'];

/**
 * Service tiers as providers name them: OpenAI answers `default` (or `auto`) for the standard
 * tier and `flex` / `priority` for the others; the Batch API is `batch`. `scale` (Scale Tier
 * units, paid ahead) is priced at standard rates, as the usage-API sync maps it.
 */
const SERVICE_TIER_NAMES: Readonly<Record<string, ServiceTier>> = {
  standard: 'standard',
  default: 'standard',
  auto: 'standard',
  scale: 'standard',
  on_demand: 'standard',
  batch: 'batch',
  priority: 'priority',
  flex: 'flex',
};

/**
 * Validates one ingest record `{requestId, provider, model, timestamp, usage, project?, tags?,
 * operation?, serviceTier?, contextTier?}` and normalizes its usage. Every problem is reported,
 * each with its full path (`records[3].usage.prompt_tokens`). Unknown record fields are refused
 * (they are usually typos); unknown fields inside `usage` are tolerated (providers add fields).
 */
export function readRequestRecord(value: unknown, options: ReadRecordOptions): Checked<RequestUsage> {
  const base = options.path;
  const at = (field: string) => (base === '' ? field : `${base}.${field}`);
  const problems: UsageProblem[] = [];
  const add = (field: string, code: ValidationCode, message: string): undefined => {
    problems.push({ path: at(field), code, message });
    return undefined;
  };
  if (!isRecord(value)) {
    return { ok: false, problems: [{ path: base, code: 'wrong_type', message: `${base} must be an object {requestId, provider, model, timestamp, usage}; got ${describe(value)}.` }] };
  }
  for (const key of Object.keys(value)) {
    if (!RECORD_FIELDS.includes(key)) add(key, 'unknown_field', `${at(key)} is not a field of a record. Expected only: ${RECORD_FIELDS.join(', ')}.`);
  }

  const requestId = label(value['requestId'], at('requestId'), 200, add.bind(null, 'requestId'), "the request's unique id, e.g. the provider's response id");
  let provider = readProvider(value['provider'], at('provider'), add.bind(null, 'provider'));
  const account = options.account;
  if (provider !== undefined && account !== undefined && !account.formats.includes(provider)) {
    const allowed = account.formats.length === 0 ? 'none: this kind of account takes no per-request usage' : account.formats.map((f) => `"${f}"`).join(' or ');
    add('provider', 'unknown_value', `${at('provider')} is "${provider}", but this ingest key is for an account of provider "${account.provider}", which accepts ${allowed}.`);
    provider = undefined;
  }
  const model = label(value['model'], at('model'), 256, add.bind(null, 'model'), "the model id as the provider's response named it");
  const timestamp = readTimestamp(value['timestamp'], at('timestamp'), options.now, add.bind(null, 'timestamp'));
  const project = value['project'] === undefined || value['project'] === null ? null : label(value['project'], at('project'), 200, add.bind(null, 'project'), 'a project name');
  const tags = readTags(value['tags'], at('tags'), add);
  const operation = oneOf(value['operation'], REQUEST_OPERATIONS, 'chat/completions', at('operation'), add.bind(null, 'operation'));
  const contextTier = oneOf(value['contextTier'], CONTEXT_TIERS, undefined, at('contextTier'), add.bind(null, 'contextTier'));
  let serviceTier: ServiceTier | undefined;
  const tierName = value['serviceTier'];
  if (tierName !== undefined && tierName !== null) {
    serviceTier = typeof tierName === 'string' ? SERVICE_TIER_NAMES[tierName] : undefined;
    if (serviceTier === undefined) {
      add('serviceTier', 'unknown_value', `${at('serviceTier')} must be one of ${Object.keys(SERVICE_TIER_NAMES).map((n) => `"${n}"`).join(', ')} (as the provider's response names it); got ${describe(tierName)}.`);
    }
  }
  let usage: NormalizedUsage | undefined;
  if (value['usage'] === undefined || value['usage'] === null) {
    add('usage', 'required', `${at('usage')} is required: the usage object of the provider's response, as it was returned.`);
  } else if (provider !== undefined && operation !== undefined) {
    const normalized = normalizeRequestUsage(provider, value['usage'], { path: at('usage'), operation });
    if (normalized.ok) usage = normalized.value;
    else problems.push(...normalized.problems);
  }

  if (
    problems.length > 0 || requestId === undefined || provider === undefined || model === undefined || timestamp === undefined ||
    project === undefined || tags === undefined || operation === undefined || usage === undefined
  ) {
    return { ok: false, problems };
  }
  if (usage.serviceTier !== null && serviceTier !== undefined && usage.serviceTier !== serviceTier) {
    return {
      ok: false,
      problems: [{ path: at('serviceTier'), code: 'inconsistent', message: `${at('serviceTier')} says "${tierName}" but ${at('usage.service_tier')} says "${usage.serviceTier}".` }],
    };
  }
  return {
    ok: true,
    value: {
      requestId,
      provider,
      model,
      timestamp,
      day: timestamp.slice(0, 10),
      operation,
      serviceTier: serviceTier ?? usage.serviceTier ?? 'standard',
      contextTier: contextTier ?? contextTierFor(provider, model, usage.promptTokens),
      project,
      tags,
      usage,
      raw: value['usage'] as Json,
    },
  };
}

type Add = (code: ValidationCode, message: string) => undefined;

function label(value: unknown, path: string, max: number, add: Add, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return add('required', `${path} is required: ${what}.`);
  if (typeof value !== 'string') return add('wrong_type', `${path} must be a string: ${what}; got ${describe(value)}.`);
  if (value.length > max) return add('out_of_range', `${path} may be at most ${max} characters long; got ${value.length}.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return add('wrong_type', `${path} may not contain control characters (tabs, line breaks…).`);
  if (value.trim() !== value) return add('wrong_type', `${path} may not start or end with spaces; got ${describe(value)}.`);
  return value;
}

function readProvider(value: unknown, path: string, add: Add): RequestUsageProvider | undefined {
  const list = REQUEST_USAGE_PROVIDERS.map((p) => `"${p}"`).join(', ');
  if (value === undefined || value === null || value === '') return add('required', `${path} is required: whose usage object this is, one of ${list}.`);
  const lower = typeof value === 'string' ? value.toLowerCase() : value;
  if (!isRequestUsageProvider(lower)) return add('unknown_value', `${path} must be one of ${list}; got ${describe(value)}.`);
  return lower;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T | undefined, path: string, add: Add): T | undefined {
  if (value === undefined || value === null) return fallback;
  if (!allowed.includes(value as T)) return add('unknown_value', `${path} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}; got ${describe(value)}.`);
  return value as T;
}

const OFFSET_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)([+-])(\d{2}):(\d{2})$/;

/**
 * A timestamp as ISO 8601 with `Z` or a `±HH:MM` offset, or Unix seconds (a JSON number, like
 * OpenAI's `created`). Normalized to UTC `YYYY-MM-DDTHH:MM:SS.sssZ`.
 */
export function parseTimestamp(value: unknown): string | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 946_684_800 || value > 32_503_680_000) return null; // 2000 … 3000
    return new Date(Math.floor(value * 1000)).toISOString();
  }
  if (typeof value !== 'string') return null;
  if (value.endsWith('Z')) return normalizeInstant(value);
  const m = OFFSET_INSTANT.exec(value);
  if (!m) return null;
  const local = normalizeInstant(`${m[1]}Z`);
  if (local === null || Number(m[3]) > 23 || Number(m[4]) > 59) return null;
  const offsetMs = (Number(m[3]) * 60 + Number(m[4])) * 60_000 * (m[2] === '+' ? 1 : -1);
  const utc = new Date(Date.parse(local) - offsetMs).toISOString();
  return normalizeInstant(utc);
}

function readTimestamp(value: unknown, path: string, now: string, add: Add): string | undefined {
  if (value === undefined || value === null || value === '') return add('required', `${path} is required: when the request was made, ISO 8601 such as "2026-03-05T14:07:12Z" or Unix seconds.`);
  const parsed = parseTimestamp(value);
  if (parsed === null) {
    return add('not_an_instant', `${path} must be an ISO 8601 instant with Z or an offset (such as "2026-03-05T14:07:12Z"), or Unix seconds, from the year 2000 on; got ${describe(value)}.`);
  }
  if (Date.parse(parsed) > Date.parse(now) + MAX_CLOCK_SKEW_MS) {
    return add('out_of_range', `${path} (${parsed}) is in the future: the server's time is ${now}. Check the client's clock.`);
  }
  return parsed;
}

function readTags(value: unknown, path: string, add: (field: string, code: ValidationCode, message: string) => undefined): Record<string, string> | undefined {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) return add('tags', 'wrong_type', `${path} must be an object of string values, such as {"feature": "search"}; got ${describe(value)}.`);
  const entries = Object.entries(value);
  if (entries.length > MAX_TAGS) return add('tags', 'out_of_range', `${path} may have at most ${MAX_TAGS} tags; got ${entries.length}.`);
  const tags: Record<string, string> = {};
  let ok = true;
  for (const [key, tag] of entries) {
    if (!/^[A-Za-z0-9_.:/-]{1,64}$/.test(key)) {
      ok = add(`tags.${key}`, 'wrong_type', `${path}.${key}: tag names are 1 to 64 letters, digits or "_.:/-".`) ?? false;
    } else if (typeof tag !== 'string' || tag.length > 256) {
      ok = add(`tags.${key}`, 'wrong_type', `${path}.${key} must be a string of at most 256 characters; got ${describe(tag)}.`) ?? false;
    } else {
      tags[key] = tag;
    }
  }
  return ok ? tags : undefined;
}

/**
 * Long-context price tiers apply per request once its input passes the model's threshold:
 * Anthropic's Sonnet 4 / 4.5 above 200k input tokens (cache reads and writes included),
 * Gemini 2.5 / 3 Pro above 200k prompt tokens, Gemini 1.5 above 128k. Other models have one
 * price whatever the length. A record may state `contextTier` itself to override this.
 */
export function contextTierFor(provider: RequestUsageProvider, model: string, promptTokens: number): ContextTier {
  const id = model.toLowerCase();
  if (provider === 'anthropic' && /claude-sonnet-4|claude-4-sonnet/.test(id)) return promptTokens > 200_000 ? 'long' : 'standard';
  if (provider === 'gemini') {
    if (/gemini-(2\.5|3(\.\d+)?)-pro/.test(id)) return promptTokens > 200_000 ? 'long' : 'standard';
    if (/gemini-1\.5-(pro|flash)/.test(id)) return promptTokens > 128_000 ? 'long' : 'standard';
  }
  return 'standard';
}

/**
 * Which usage formats an account of a provider accepts. An account's own provider always;
 * Azure OpenAI also OpenAI's shapes; Bedrock the Anthropic Messages and OpenAI-compatible
 * shapes its models answer with; a custom (self-hosted) account any of them. The ledger key
 * always carries the account's provider, whichever format the request came in.
 */
export function acceptedFormats(accountProvider: string): readonly RequestUsageProvider[] {
  if (accountProvider === 'custom') return REQUEST_USAGE_PROVIDERS;
  if (accountProvider === 'azure-openai') return ['azure-openai', 'openai'];
  if (accountProvider === 'bedrock') return ['anthropic', 'openai'];
  return isRequestUsageProvider(accountProvider) ? [accountProvider] : [];
}
