import { NO_UNITS, type OtherUnits, type ServiceTier, type TokenCounts } from '@act/domain/usage';
import { describe, isRecord, UsageReader, type Checked, type UsageProblem } from './reader';

/**
 * The providers whose native per-request `usage` object we read. `azure-openai` and `custom`
 * (self-hosted, OpenAI-compatible servers such as vLLM or Ollama) speak OpenAI's shapes.
 */
export const REQUEST_USAGE_PROVIDERS = [
  'openai',
  'azure-openai',
  'anthropic',
  'openrouter',
  'groq',
  'mistral',
  'deepseek',
  'gemini',
  'perplexity',
  'xai',
  'custom',
] as const;
export type RequestUsageProvider = (typeof REQUEST_USAGE_PROVIDERS)[number];

export function isRequestUsageProvider(value: unknown): value is RequestUsageProvider {
  return typeof value === 'string' && (REQUEST_USAGE_PROVIDERS as readonly string[]).includes(value);
}

/** Which shape a usage object was read as (kept with the request for the audit trail). */
export type UsageFormat =
  | 'openai.chat'
  | 'openai.responses'
  | 'openai.embeddings'
  | 'anthropic.messages'
  | 'openrouter.chat'
  | 'deepseek.chat'
  | 'gemini.usageMetadata'
  | 'perplexity.chat'
  | 'perplexity.responses'
  | 'xai.chat'
  | 'xai.responses';

/** One request's usage in the ledger's terms. */
export interface NormalizedUsage {
  readonly format: UsageFormat;
  /** Disjoint classes (see `TokenCounts`): summing them never counts a token twice. */
  readonly tokens: TokenCounts;
  /** `requests` is 1; search queries and web-search calls where the provider reports them. */
  readonly units: OtherUnits;
  /** The tier the provider says it billed at, when the usage object says so (Anthropic `service_tier`). */
  readonly serviceTier: ServiceTier | null;
  /** What the provider billed for this request, USD decimal string (OpenRouter, Perplexity, xAI), else null. */
  readonly reportedCost: string | null;
  /** Every input token of the request, cached or not: what long-context price tiers are decided on. */
  readonly promptTokens: number;
}

export interface NormalizeOptions {
  /** Path of the usage object in the submitted document, for problem paths. Default `usage`. */
  readonly path?: string;
  /** `embeddings` makes output counts optional (an embedding has none). Default `chat/completions`. */
  readonly operation?: 'chat/completions' | 'embeddings';
}

type Fields = Record<string, unknown>;

/**
 * Reads a provider's native per-request usage object into canonical token classes, units and
 * billed cost, or says precisely what is wrong with it (every problem, with its path).
 *
 * The quirks, each pinned by a unit test:
 * - OpenAI (chat `prompt_tokens`, Responses `input_tokens`), Groq, Mistral, OpenRouter, xAI:
 *   prompt/input tokens INCLUDE the cached ones, so uncached = prompt − cached. OpenRouter's
 *   `cache_write_tokens` are part of `prompt_tokens` too and become 5-minute cache writes.
 * - Reasoning: OpenAI counts reasoning tokens inside `completion_tokens` / `output_tokens`; the
 *   ledger's `output` class excludes them and `reasoning` holds them (the cost engine prices
 *   reasoning at the reasoning price, else exactly as output, so nothing is counted twice).
 *   xAI and Perplexity report reasoning outside completion tokens; when `total_tokens` shows
 *   which convention a payload follows, that wins (see `reasoningIsInsideCompletion`).
 * - DeepSeek: `prompt_cache_hit_tokens` + `prompt_cache_miss_tokens` = `prompt_tokens`.
 * - Anthropic: `input_tokens` is uncached already; cache reads, and cache writes split into
 *   5 min / 1 h by `cache_creation` (all 5 min when the split is absent: the default TTL);
 *   `output_tokens` includes extended thinking (billed as output); web searches are units.
 * - Gemini `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`;
 *   `thoughtsTokenCount` is outside `candidatesTokenCount`; `toolUsePromptTokenCount` is input.
 *   camelCase (REST) and snake_case (Python SDK dumps) are both read.
 * - Billed cost: OpenRouter `cost` and Perplexity `cost.total_cost` are USD (Perplexity's includes
 *   the request fee); xAI `cost_in_usd_ticks` is converted exactly (1 tick = 1e-10 USD).
 */
export function normalizeRequestUsage(provider: RequestUsageProvider, usage: unknown, options: NormalizeOptions = {}): Checked<NormalizedUsage> {
  const base = options.path ?? 'usage';
  const problems: UsageProblem[] = [];
  if (!isRecord(usage)) {
    return { ok: false, problems: [{ path: base, code: 'wrong_type', message: `${base} must be the usage object of the provider's response; got ${describe(usage)}.` }] };
  }
  const r = new UsageReader(base, problems);
  const embeddings = options.operation === 'embeddings';
  let result: NormalizedUsage | undefined;
  switch (provider) {
    case 'anthropic':
      result = anthropic(r, usage);
      break;
    case 'gemini':
      result = gemini(r, usage);
      break;
    case 'deepseek':
      result = deepseek(r, usage);
      break;
    case 'perplexity':
      result = perplexity(r, usage);
      break;
    case 'xai':
      result = xai(r, usage);
      break;
    case 'openrouter':
      result = openRouter(r, usage);
      break;
    default:
      result = openAi(r, usage, embeddings);
  }
  if (problems.length > 0 || result === undefined) return { ok: false, problems };
  return { ok: true, value: result };
}

// ---------------------------------------------------------------------------------------------
// OpenAI and the OpenAI-compatible chat shapes.

interface PromptSplit {
  prompt: number;
  cached: number;
}

/** `prompt_tokens` and its cached part, checked: cached tokens are a part of prompt tokens. */
function promptWithCached(r: UsageReader, u: Fields, promptField: string, detailsField: string, cachedField = 'cached_tokens'): PromptSplit | undefined {
  const prompt = r.count(u, promptField, true, 'every input token of the request, cached ones included');
  const details = r.object(u, detailsField);
  const cached = details ? r.nested(detailsField).count(details, cachedField, false, 'input tokens served from the prompt cache') : 0;
  if (prompt === undefined || cached === undefined) return undefined;
  if (cached > prompt) {
    return r.problem(`${detailsField}.${cachedField}`, 'inconsistent', `${r.path(`${detailsField}.${cachedField}`)} (${cached}) cannot exceed ${r.path(promptField)} (${prompt}), which includes the cached tokens.`);
  }
  return { prompt, cached };
}

/** Reasoning tokens of a completion that includes them: checked to be a part of it. */
function reasoningPart(r: UsageReader, u: Fields, completion: number, completionField: string, detailsField: string): number | undefined {
  const details = r.object(u, detailsField);
  const reasoning = details ? r.nested(detailsField).count(details, 'reasoning_tokens', false, 'hidden reasoning tokens') : 0;
  if (reasoning === undefined) return undefined;
  if (reasoning > completion) {
    return r.problem(`${detailsField}.reasoning_tokens`, 'inconsistent', `${r.path(`${detailsField}.reasoning_tokens`)} (${reasoning}) cannot exceed ${r.path(completionField)} (${completion}), which includes the reasoning tokens.`);
  }
  return reasoning;
}

function tokens(partial: Partial<TokenCounts>): TokenCounts {
  return { inputUncached: 0, inputCachedRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, reasoning: 0, ...partial };
}

function oneRequest(extra: Partial<OtherUnits> = {}): OtherUnits {
  return { ...NO_UNITS, requests: 1, ...extra };
}

function openAi(r: UsageReader, u: Fields, embeddings: boolean): NormalizedUsage | undefined {
  if (r.has(u, 'input_tokens') && !r.has(u, 'prompt_tokens')) return openAiResponses(r, u);
  if (!r.has(u, 'prompt_tokens')) {
    return r.problem('prompt_tokens', 'required', `${r.path('prompt_tokens')} is required (chat completions and embeddings), or ${r.path('input_tokens')} for the Responses API.`);
  }
  const split = promptWithCached(r, u, 'prompt_tokens', 'prompt_tokens_details');
  const completion = r.count(u, 'completion_tokens', !embeddings, 'every output token, reasoning tokens included');
  if (split === undefined || completion === undefined) return undefined;
  const reasoning = reasoningPart(r, u, completion, 'completion_tokens', 'completion_tokens_details');
  if (reasoning === undefined) return undefined;
  return {
    format: embeddings ? 'openai.embeddings' : 'openai.chat',
    tokens: tokens({ inputUncached: split.prompt - split.cached, inputCachedRead: split.cached, output: completion - reasoning, reasoning }),
    units: oneRequest(),
    serviceTier: null,
    reportedCost: null,
    promptTokens: split.prompt,
  };
}

/** OpenAI Responses API: `input_tokens` includes cached, `output_tokens` includes reasoning. */
function openAiResponses(r: UsageReader, u: Fields, format: UsageFormat = 'openai.responses'): NormalizedUsage | undefined {
  const split = promptWithCached(r, u, 'input_tokens', 'input_tokens_details');
  const output = r.count(u, 'output_tokens', true, 'every output token, reasoning tokens included');
  if (split === undefined || output === undefined) return undefined;
  const reasoning = reasoningPart(r, u, output, 'output_tokens', 'output_tokens_details');
  if (reasoning === undefined) return undefined;
  return {
    format,
    tokens: tokens({ inputUncached: split.prompt - split.cached, inputCachedRead: split.cached, output: output - reasoning, reasoning }),
    units: oneRequest(),
    serviceTier: null,
    reportedCost: null,
    promptTokens: split.prompt,
  };
}

/** OpenRouter: OpenAI chat plus `cache_write_tokens` (inside `prompt_tokens`) and `cost` in USD. */
function openRouter(r: UsageReader, u: Fields): NormalizedUsage | undefined {
  const split = promptWithCached(r, u, 'prompt_tokens', 'prompt_tokens_details');
  const details = r.object(u, 'prompt_tokens_details');
  const writes = details ? r.nested('prompt_tokens_details').count(details, 'cache_write_tokens', false, 'input tokens written to the prompt cache') : 0;
  const completion = r.count(u, 'completion_tokens', true, 'every output token, reasoning tokens included');
  const cost = r.dollars(u, 'cost', 'what OpenRouter charged for the request');
  if (split === undefined || writes === undefined || completion === undefined || cost === undefined) return undefined;
  if (split.cached + writes > split.prompt) {
    return r.problem('prompt_tokens_details', 'inconsistent', `${r.path('prompt_tokens_details')}: cached_tokens (${split.cached}) + cache_write_tokens (${writes}) cannot exceed ${r.path('prompt_tokens')} (${split.prompt}), which includes both.`);
  }
  const reasoning = reasoningPart(r, u, completion, 'completion_tokens', 'completion_tokens_details');
  if (reasoning === undefined) return undefined;
  return {
    format: 'openrouter.chat',
    tokens: tokens({
      inputUncached: split.prompt - split.cached - writes,
      inputCachedRead: split.cached,
      cacheWrite5m: writes,
      output: completion - reasoning,
      reasoning,
    }),
    units: oneRequest(),
    serviceTier: null,
    reportedCost: cost,
    promptTokens: split.prompt,
  };
}

/** DeepSeek: cache hits and misses partition the prompt; reasoning (deepseek-reasoner) is inside completion. */
function deepseek(r: UsageReader, u: Fields): NormalizedUsage | undefined {
  const hit = r.count(u, 'prompt_cache_hit_tokens', false, 'input tokens served from the context cache');
  const miss = r.count(u, 'prompt_cache_miss_tokens', false, 'input tokens not in the context cache');
  const hasSplit = r.has(u, 'prompt_cache_hit_tokens') || r.has(u, 'prompt_cache_miss_tokens');
  const prompt = r.has(u, 'prompt_tokens') || !hasSplit
    ? r.count(u, 'prompt_tokens', true, 'every input token of the request, cache hits included')
    : (hit ?? 0) + (miss ?? 0);
  const completion = r.count(u, 'completion_tokens', true, 'every output token, reasoning tokens included');
  if (hit === undefined || miss === undefined || prompt === undefined || completion === undefined) return undefined;
  let cached = hit;
  if (!hasSplit) {
    const details = r.object(u, 'prompt_tokens_details');
    const fromDetails = details ? r.nested('prompt_tokens_details').count(details, 'cached_tokens', false, 'input tokens served from the cache') : 0;
    if (fromDetails === undefined) return undefined;
    cached = fromDetails;
  } else if (r.has(u, 'prompt_cache_hit_tokens') && r.has(u, 'prompt_cache_miss_tokens') && hit + miss !== prompt) {
    return r.problem('prompt_cache_hit_tokens', 'inconsistent', `${r.path('prompt_cache_hit_tokens')} (${hit}) + ${r.path('prompt_cache_miss_tokens')} (${miss}) must equal ${r.path('prompt_tokens')} (${prompt}).`);
  }
  if (cached > prompt) {
    return r.problem('prompt_cache_hit_tokens', 'inconsistent', `${r.path('prompt_cache_hit_tokens')} (${cached}) cannot exceed ${r.path('prompt_tokens')} (${prompt}).`);
  }
  const reasoning = reasoningPart(r, u, completion, 'completion_tokens', 'completion_tokens_details');
  if (reasoning === undefined) return undefined;
  return {
    format: 'deepseek.chat',
    tokens: tokens({ inputUncached: prompt - cached, inputCachedRead: cached, output: completion - reasoning, reasoning }),
    units: oneRequest(),
    serviceTier: null,
    reportedCost: null,
    promptTokens: prompt,
  };
}

/**
 * Whether a payload counts reasoning tokens inside its completion tokens. `total_tokens`
 * decides when it tells the conventions apart (prompt + completion vs prompt + completion +
 * reasoning); otherwise the provider's documented convention (`fallback`) applies.
 */
export function reasoningIsInsideCompletion(
  counts: { prompt: number; completion: number; reasoning: number; total: number | null },
  fallback: boolean,
): boolean {
  const { prompt, completion, reasoning, total } = counts;
  if (reasoning === 0 || total === null) return fallback && reasoning <= completion;
  if (total === prompt + completion + reasoning) return false;
  if (total === prompt + completion && reasoning <= completion) return true;
  return fallback && reasoning <= completion;
}

/** xAI: OpenAI shapes, reasoning reported beside completion tokens, exact billed cost in ticks. */
function xai(r: UsageReader, u: Fields): NormalizedUsage | undefined {
  const responses = r.has(u, 'input_tokens') && !r.has(u, 'prompt_tokens');
  const promptField = responses ? 'input_tokens' : 'prompt_tokens';
  const completionField = responses ? 'output_tokens' : 'completion_tokens';
  const detailsField = responses ? 'output_tokens_details' : 'completion_tokens_details';
  const split = promptWithCached(r, u, promptField, responses ? 'input_tokens_details' : 'prompt_tokens_details');
  const completion = r.count(u, completionField, true, 'output tokens');
  const details = r.object(u, detailsField);
  const reasoning = details ? r.nested(detailsField).count(details, 'reasoning_tokens', false, 'reasoning tokens') : 0;
  const total = r.has(u, 'total_tokens') ? r.count(u, 'total_tokens', false, 'all tokens') : null;
  const cost = r.ticks(u, 'cost_in_usd_ticks');
  if (split === undefined || completion === undefined || reasoning === undefined || total === undefined || cost === undefined) return undefined;
  const inside = reasoningIsInsideCompletion({ prompt: split.prompt, completion, reasoning, total }, false);
  return {
    format: responses ? 'xai.responses' : 'xai.chat',
    tokens: tokens({ inputUncached: split.prompt - split.cached, inputCachedRead: split.cached, output: inside ? completion - reasoning : completion, reasoning }),
    units: oneRequest(),
    serviceTier: null,
    reportedCost: cost,
    promptTokens: split.prompt,
  };
}

/**
 * Perplexity: `usage.cost.total_cost` is what the request was billed, request fee included.
 * Citation tokens are input read from search results (priced as input); reasoning tokens
 * (deep research) are reported beside completion tokens; `num_search_queries` are units.
 */
function perplexity(r: UsageReader, u: Fields): NormalizedUsage | undefined {
  const responses = r.has(u, 'input_tokens') && !r.has(u, 'prompt_tokens');
  const promptField = responses ? 'input_tokens' : 'prompt_tokens';
  const completionField = responses ? 'output_tokens' : 'completion_tokens';
  const prompt = r.count(u, promptField, true, 'input tokens');
  const completion = r.count(u, completionField, true, 'output tokens');
  const citations = r.count(u, 'citation_tokens', false, 'tokens read from cited sources');
  const reasoning = r.count(u, 'reasoning_tokens', false, 'reasoning tokens');
  const searches = r.count(u, 'num_search_queries', false, 'search queries run for the request');
  const total = r.has(u, 'total_tokens') ? r.count(u, 'total_tokens', false, 'all tokens') : null;
  const costObject = r.object(u, 'cost');
  const cost = costObject ? r.nested('cost').dollars(costObject, 'total_cost', "the request's billed cost") : null;
  if (costObject && !r.has(costObject, 'total_cost')) {
    r.nested('cost').problem('total_cost', 'required', `${r.path('cost.total_cost')} is required when ${r.path('cost')} is sent: the request's billed cost in USD.`);
  }
  if ([prompt, completion, citations, reasoning, searches, total, cost].includes(undefined) || (costObject && !r.has(costObject, 'total_cost'))) return undefined;
  const p = prompt as number;
  const c = completion as number;
  const reason = reasoning as number;
  const inside = reasoningIsInsideCompletion({ prompt: p + (citations as number), completion: c, reasoning: reason, total: total as number | null }, false)
    || reasoningIsInsideCompletion({ prompt: p, completion: c, reasoning: reason, total: total as number | null }, false);
  return {
    format: responses ? 'perplexity.responses' : 'perplexity.chat',
    tokens: tokens({ inputUncached: p + (citations as number), output: inside ? c - reason : c, reasoning: reason }),
    units: oneRequest({ searchQueries: searches as number }),
    serviceTier: null,
    reportedCost: cost as string | null,
    promptTokens: p + (citations as number),
  };
}

// ---------------------------------------------------------------------------------------------

const ANTHROPIC_TIERS: Record<string, ServiceTier> = { standard: 'standard', priority: 'priority', batch: 'batch' };

/** Anthropic Messages `usage`. */
function anthropic(r: UsageReader, u: Fields): NormalizedUsage | undefined {
  const input = r.count(u, 'input_tokens', true, 'uncached input tokens (after the last cache breakpoint)');
  const output = r.count(u, 'output_tokens', true, 'output tokens, extended thinking included');
  const reads = r.count(u, 'cache_read_input_tokens', false, 'input tokens read from the prompt cache');
  const writes = r.count(u, 'cache_creation_input_tokens', false, 'input tokens written to the prompt cache');
  const split = r.object(u, 'cache_creation');
  const sr = r.nested('cache_creation');
  const w5m = split ? sr.count(split, 'ephemeral_5m_input_tokens', false, 'input tokens written to the 5-minute cache') : 0;
  const w1h = split ? sr.count(split, 'ephemeral_1h_input_tokens', false, 'input tokens written to the 1-hour cache') : 0;
  const tools = r.object(u, 'server_tool_use');
  const webSearches = tools ? r.nested('server_tool_use').count(tools, 'web_search_requests', false, 'web searches run by the server tool') : 0;
  const tier = r.string(u, 'service_tier');
  if ([input, output, reads, writes, w5m, w1h, webSearches, tier].includes(undefined) || split === undefined || tools === undefined) return undefined;
  let serviceTier: ServiceTier | null = null;
  if (tier !== null && tier !== undefined) {
    serviceTier = ANTHROPIC_TIERS[tier] ?? null;
    if (serviceTier === null) return r.problem('service_tier', 'unknown_value', `${r.path('service_tier')} must be "standard", "priority" or "batch"; got ${describe(tier)}.`);
  }
  let cacheWrite5m = writes as number;
  let cacheWrite1h = 0;
  if (split) {
    cacheWrite5m = w5m as number;
    cacheWrite1h = w1h as number;
    if (r.has(u, 'cache_creation_input_tokens') && cacheWrite5m + cacheWrite1h !== writes) {
      return r.problem('cache_creation', 'inconsistent', `${r.path('cache_creation')}: ephemeral_5m_input_tokens (${cacheWrite5m}) + ephemeral_1h_input_tokens (${cacheWrite1h}) must equal ${r.path('cache_creation_input_tokens')} (${writes}).`);
    }
  }
  const uncached = input as number;
  const cacheReads = reads as number;
  return {
    format: 'anthropic.messages',
    tokens: tokens({ inputUncached: uncached, inputCachedRead: cacheReads, cacheWrite5m, cacheWrite1h, output: output as number }),
    units: oneRequest({ webSearchCalls: webSearches as number }),
    serviceTier,
    reportedCost: null,
    promptTokens: uncached + cacheReads + cacheWrite5m + cacheWrite1h,
  };
}

/** Reads a Gemini field in camelCase (REST, JS SDK) or snake_case (Python SDK dumps). */
function geminiField(u: Fields, camel: string): string {
  if (u[camel] !== undefined) return camel;
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return u[snake] !== undefined ? snake : camel;
}

/** Gemini `usageMetadata` (or a response / object holding it). */
function gemini(r: UsageReader, outer: Fields): NormalizedUsage | undefined {
  let u = outer;
  let reader = r;
  for (const wrapper of ['usageMetadata', 'usage_metadata']) {
    if (isRecord(outer[wrapper])) {
      u = outer[wrapper] as Fields;
      reader = r.nested(wrapper);
    }
  }
  const promptField = geminiField(u, 'promptTokenCount');
  const prompt = reader.count(u, promptField, true, 'every input token, cached content included');
  const cachedField = geminiField(u, 'cachedContentTokenCount');
  const cached = reader.count(u, cachedField, false, 'input tokens served from cached content');
  const candidates = reader.count(u, geminiField(u, 'candidatesTokenCount'), false, 'output tokens of the candidates, thoughts excluded');
  const thoughts = reader.count(u, geminiField(u, 'thoughtsTokenCount'), false, 'thinking tokens');
  const toolUse = reader.count(u, geminiField(u, 'toolUsePromptTokenCount'), false, 'input tokens of tool-use results');
  if ([prompt, cached, candidates, thoughts, toolUse].includes(undefined)) return undefined;
  if ((cached as number) > (prompt as number)) {
    return reader.problem(cachedField, 'inconsistent', `${reader.path(cachedField)} (${cached}) cannot exceed ${reader.path(promptField)} (${prompt}), which includes the cached content.`);
  }
  const p = prompt as number;
  const c = cached as number;
  return {
    format: 'gemini.usageMetadata',
    tokens: tokens({ inputUncached: p - c + (toolUse as number), inputCachedRead: c, output: candidates as number, reasoning: thoughts as number }),
    units: oneRequest(),
    serviceTier: null,
    reportedCost: null,
    promptTokens: p + (toolUse as number),
  };
}

export const REQUEST_USAGE_FORMAT_OF: Readonly<Record<RequestUsageProvider, string>> = {
  openai: 'chat completions `usage` or Responses API `usage`',
  'azure-openai': 'OpenAI chat completions or Responses API `usage`',
  custom: 'an OpenAI-compatible `usage` object',
  anthropic: 'Messages API `usage`',
  openrouter: 'chat completions `usage` (with `cost`)',
  groq: 'chat completions `usage`',
  mistral: 'chat completions `usage`',
  deepseek: 'chat completions `usage` (with prompt_cache_hit_tokens / prompt_cache_miss_tokens)',
  gemini: '`usageMetadata`',
  perplexity: 'chat completions `usage` (with `cost.total_cost`)',
  xai: 'chat completions or Responses API `usage` (with `cost_in_usd_ticks`)',
};
