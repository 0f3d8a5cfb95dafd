import { CONTEXT_TIERS, ContextTier, SERVICE_TIERS, ServiceTier } from './quantities';

/**
 * What kind of call was billed. A closed list so one kind of usage always gets one name,
 * whichever source reported it: every token-billed text generation (OpenAI chat completions
 * and responses, Anthropic messages, Gemini generateContent…) is `chat/completions`.
 * Adding a value later is a compatible change; renaming one is not (it is part of stored keys).
 */
export const OPERATIONS = [
  'chat/completions',
  'embeddings',
  'moderations',
  'images',
  'audio_speech',
  'audio_transcription',
  'web_search',
  'file_search',
  'code_interpreter',
  'vector_stores',
] as const;
export type Operation = (typeof OPERATIONS)[number];

export function isOperation(value: unknown): value is Operation {
  return typeof value === 'string' && (OPERATIONS as readonly string[]).includes(value);
}

/** Everything that makes two usages priced differently, i.e. what a requestType encodes. */
export interface RequestTypeParts {
  /** Our provider id (`openai`, `anthropic`, `bedrock`, `openrouter`…). Lower-cased in the key. */
  readonly provider: string;
  /** The provider's model id exactly as reported (case and punctuation kept). */
  readonly model: string;
  readonly operation: Operation;
  readonly serviceTier: ServiceTier;
  readonly contextTier: ContextTier;
  /**
   * Set when the provider reports usage per project (OpenAI `group_by=project_id`,
   * Anthropic workspaces): such rows are separate facts, and without the project in the key
   * latest-wins would let one project's row replace another's.
   */
  readonly project?: string;
}

/*
 * Format: `provider|model|operation` then the non-default dimensions in this fixed order:
 * `|tier=<serviceTier>`, `|context=<contextTier>`, `|project=<project>`.
 * Model ids freely contain ':' '/' '@' '.' (Bedrock `…-v1:0`, OpenRouter `vendor/model`,
 * Vertex `model@date`), so the separator is '|', which they do not use; every segment still
 * escapes '%' and '|' as %25 / %7C so any id round-trips. Only these two are escaped, which
 * keeps real ids readable in the key.
 */
const SEPARATOR = '|';
const CANONICAL_SEGMENT = /^(?:[^%|]|%25|%7C)*$/;

/** Escapes a segment so it cannot contain the separator. Injective; inverse of `unescapeSegment`. */
export function escapeSegment(segment: string): string {
  return segment.replace(/%/g, '%25').replace(/\|/g, '%7C');
}

function unescapeSegment(segment: string): string {
  return segment.replace(/%(25|7C)/g, (_, code: string) => (code === '25' ? '%' : '|'));
}

/**
 * The canonical requestType for a usage: deterministic, reversible with `parseRequestType`.
 * Throws a RangeError for an empty provider/model/project or an unknown operation or tier
 * (callers validate input first; `observeUsage` does).
 */
export function buildRequestType(parts: RequestTypeParts): string {
  if (parts.provider === '') throw new RangeError('buildRequestType: provider is empty');
  if (parts.model === '') throw new RangeError('buildRequestType: model is empty');
  if (!isOperation(parts.operation)) throw new RangeError(`buildRequestType: unknown operation ${parts.operation}`);
  if (!SERVICE_TIERS.includes(parts.serviceTier)) throw new RangeError(`buildRequestType: unknown serviceTier ${parts.serviceTier}`);
  if (!CONTEXT_TIERS.includes(parts.contextTier)) throw new RangeError(`buildRequestType: unknown contextTier ${parts.contextTier}`);
  if (parts.project === '') throw new RangeError('buildRequestType: project is empty (leave it out instead)');
  const segments = [parts.provider.toLowerCase(), parts.model, parts.operation];
  if (parts.serviceTier !== 'standard') segments.push(`tier=${parts.serviceTier}`);
  if (parts.contextTier !== 'standard') segments.push(`context=${parts.contextTier}`);
  if (parts.project !== undefined) segments.push(`project=${parts.project}`);
  return segments.map(escapeSegment).join(SEPARATOR);
}

export type ParsedRequestType =
  | { readonly ok: true; readonly value: RequestTypeParts }
  | { readonly ok: false; readonly reason: string };

const DIMENSION_ORDER = ['tier', 'context', 'project'] as const;

/**
 * Reads a requestType back into its parts. Accepts only canonical strings (what
 * `buildRequestType` produces), so one usage can never hide under two keys:
 * `buildRequestType(parsed.value) === input` whenever `ok` is true.
 */
export function parseRequestType(requestType: string): ParsedRequestType {
  const fail = (reason: string): ParsedRequestType => ({ ok: false, reason: `"${requestType}" is not a canonical requestType: ${reason}.` });
  const raw = requestType.split(SEPARATOR);
  if (raw.length < 3) return fail('expected provider|model|operation');
  if (!raw.every((segment) => CANONICAL_SEGMENT.test(segment))) return fail("'%' may only appear as %25 or %7C");
  const [provider, model, operation, ...dimensions] = raw.map(unescapeSegment);
  if (provider === '' || model === '') return fail('provider and model may not be empty');
  if (provider !== provider.toLowerCase()) return fail('the provider must be lower-case');
  if (!isOperation(operation)) return fail(`unknown operation "${operation}"`);

  let serviceTier: ServiceTier = 'standard';
  let contextTier: ContextTier = 'standard';
  let project: string | undefined;
  let lastRank = -1;
  for (const dimension of dimensions) {
    const eq = dimension.indexOf('=');
    const name = eq < 0 ? dimension : dimension.slice(0, eq);
    const value = eq < 0 ? '' : dimension.slice(eq + 1);
    const rank = (DIMENSION_ORDER as readonly string[]).indexOf(name);
    if (rank < 0) return fail(`unknown dimension "${name}"`);
    if (rank <= lastRank) return fail('dimensions must appear once each, in the order tier, context, project');
    lastRank = rank;
    if (name === 'tier') {
      const tier = SERVICE_TIERS.find((candidate) => candidate === value);
      if (tier === undefined || tier === 'standard') return fail(`tier must be one of batch, priority, flex, not "${value}"`);
      serviceTier = tier;
    } else if (name === 'context') {
      if (value !== 'long') return fail(`context must be long, not "${value}"`);
      contextTier = 'long';
    } else {
      if (value === '') return fail('project may not be empty');
      project = value;
    }
  }
  const parts: RequestTypeParts = { provider, model, operation, serviceTier, contextTier, ...(project === undefined ? {} : { project }) };
  return { ok: true, value: parts };
}

/** What a provider-billed line (`CostReported`) is for. */
export interface LineItemParts {
  readonly provider: string;
  /** The provider's own name for the line (OpenAI `line_item`, Anthropic `description`), verbatim. */
  readonly description: string;
  /** When the provider reports costs per project/workspace, for the same reason as in a requestType. */
  readonly project?: string;
}

/** Canonical line item: `provider|description[|project=<project>]`, escaped like a requestType. */
export function buildLineItem(parts: LineItemParts): string {
  if (parts.provider === '') throw new RangeError('buildLineItem: provider is empty');
  if (parts.description === '') throw new RangeError('buildLineItem: description is empty');
  if (parts.project === '') throw new RangeError('buildLineItem: project is empty (leave it out instead)');
  const segments = [parts.provider.toLowerCase(), parts.description];
  if (parts.project !== undefined) segments.push(`project=${parts.project}`);
  return segments.map(escapeSegment).join(SEPARATOR);
}

export type ParsedLineItem =
  | { readonly ok: true; readonly value: LineItemParts }
  | { readonly ok: false; readonly reason: string };

/** Inverse of `buildLineItem`; accepts canonical strings only. */
export function parseLineItem(lineItem: string): ParsedLineItem {
  const fail = (reason: string): ParsedLineItem => ({ ok: false, reason: `"${lineItem}" is not a canonical line item: ${reason}.` });
  const raw = lineItem.split(SEPARATOR);
  if (raw.length < 2 || raw.length > 3) return fail('expected provider|description[|project=…]');
  if (!raw.every((segment) => CANONICAL_SEGMENT.test(segment))) return fail("'%' may only appear as %25 or %7C");
  const [provider, description, dimension] = raw.map(unescapeSegment);
  if (provider === '' || description === '') return fail('provider and description may not be empty');
  if (provider !== provider.toLowerCase()) return fail('the provider must be lower-case');
  if (dimension === undefined) return { ok: true, value: { provider, description } };
  if (!dimension.startsWith('project=') || dimension === 'project=') return fail('the third segment must be project=<non-empty>');
  return { ok: true, value: { provider, description, project: dimension.slice('project='.length) } };
}
