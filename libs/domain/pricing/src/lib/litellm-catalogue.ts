import type Decimal from 'decimal.js';
import { isPriceString, money, moneyFromFloat } from './money';
import type {
  LongContextPrices,
  PriceSheet,
  PricedTier,
  SearchContextSize,
  TokenPriceClass,
  TokenPrices,
} from './price-sheet';

/** One model of LiteLLM's `model_prices_and_context_window.json`, prices as exact Decimals. */
export interface CatalogueEntry {
  /** The catalogue key, e.g. `gpt-4o-mini`, `groq/llama-3.3-70b-versatile`. */
  readonly key: string;
  /** `litellm_provider`, e.g. `openai`, `groq`, `bedrock_converse`, `vertex_ai-anthropic_models`. */
  readonly provider: string;
  /** The key without its provider prefix (`llama-3.3-70b-versatile`); the key itself when it has none. */
  readonly model: string;
  /** `chat`, `embedding`, `image_generation`… (a few pricing buckets have none). */
  readonly mode?: string;
  readonly prices: PriceSheet;
}

export interface SkippedCatalogueKey {
  readonly key: string;
  readonly reason: string;
}

export interface ParsedCatalogue {
  readonly entries: readonly CatalogueEntry[];
  /** Keys left out (documentation entries, malformed entries), with why. Never thrown. */
  readonly skipped: readonly SkippedCatalogueKey[];
  /** Entries kept but with something the sheet cannot express (e.g. a second long-context threshold). */
  readonly warnings: readonly SkippedCatalogueKey[];
}

/** LiteLLM's documentation entry, not a model. */
const DOCUMENTATION_KEYS = new Set(['sample_spec']);

const BASE_FIELDS: Record<string, TokenPriceClass> = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cacheRead',
  cache_creation_input_token_cost: 'cacheWrite5m',
  cache_creation_input_token_cost_above_1hr: 'cacheWrite1h',
  output_cost_per_reasoning_token: 'reasoning',
};

const TIER_SUFFIXES: Record<string, PricedTier> = { batches: 'batch', priority: 'priority', flex: 'flex' };

// `<base>[_above_<N>k_tokens][_<tier>]`, e.g. `cache_read_input_token_cost_above_272k_tokens_priority`.
// The 1 h cache-write base itself ends in `_above_1hr`, which is a TTL, not a context threshold.
const TOKEN_FIELD =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost(?:_above_1hr)?|output_cost_per_reasoning_token)(?:_above_(\d+)k_tokens)?(?:_(batches|priority|flex))?$/;

const SEARCH_SIZES: Record<string, SearchContextSize> = {
  search_context_size_low: 'low',
  search_context_size_medium: 'medium',
  search_context_size_high: 'high',
};

class MalformedEntry extends Error {}

/**
 * Parses LiteLLM's price catalogue (the parsed JSON object). Never throws on content:
 * `sample_spec`, entries that are not objects, lack `litellm_provider`, or carry a price that
 * is not a finite non-negative number are returned in `skipped` with the reason. A malformed
 * price skips the whole entry: half a price sheet would price some classes and silently not others.
 */
export function parseLiteLlmCatalogue(json: unknown): ParsedCatalogue {
  const entries: CatalogueEntry[] = [];
  const skipped: SkippedCatalogueKey[] = [];
  const warnings: SkippedCatalogueKey[] = [];
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { entries, skipped: [{ key: '', reason: 'the catalogue is not a JSON object' }], warnings };
  }
  for (const [key, raw] of Object.entries(json as Record<string, unknown>)) {
    if (DOCUMENTATION_KEYS.has(key)) {
      skipped.push({ key, reason: 'documentation entry (describes the fields), not a model' });
      continue;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      skipped.push({ key, reason: 'entry is not an object' });
      continue;
    }
    const fields = raw as Record<string, unknown>;
    const provider = fields['litellm_provider'];
    if (typeof provider !== 'string' || provider.trim() === '') {
      skipped.push({ key, reason: 'no litellm_provider (not a model entry)' });
      continue;
    }
    const mode = fields['mode'];
    if (mode !== undefined && typeof mode !== 'string') {
      skipped.push({ key, reason: 'mode is not a string' });
      continue;
    }
    try {
      const { prices, warning } = parsePrices(fields, mode);
      if (warning) warnings.push({ key, reason: warning });
      entries.push({ key, provider, model: stripProviderPrefix(key, provider), ...(mode ? { mode } : {}), prices });
    } catch (error) {
      if (!(error instanceof MalformedEntry)) throw error;
      skipped.push({ key, reason: error.message });
    }
  }
  return { entries, skipped, warnings };
}

/**
 * `groq/llama-3.3-70b-versatile` → `llama-3.3-70b-versatile`. The prefix is stripped when it
 * names the entry's provider or its family (`vertex_ai/` for `vertex_ai-anthropic_models`,
 * `azure/` for `azure_text`, `amazon-nova/` for `amazon_nova`); other first segments
 * (`1024-x-1024/dall-e-2`, `openrouter/`'s vendor segment) are part of the model name.
 */
export function stripProviderPrefix(key: string, provider: string): string {
  const slash = key.indexOf('/');
  if (slash <= 0) return key;
  const norm = (s: string) => s.toLowerCase().replace(/-/g, '_');
  const segment = norm(key.slice(0, slash));
  const p = norm(provider);
  return p === segment || p.startsWith(`${segment}_`) ? key.slice(slash + 1) : key;
}

function price(fields: Record<string, unknown>, name: string): Decimal | undefined {
  const value = fields[name];
  if (value === undefined || value === null) return undefined;
  // The same bounds as PriceSet events (non-negative, below 1e9, at most 40 decimal places), so
  // every parsed entry can become an event.
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || !isPriceString(String(value))) {
      throw new MalformedEntry(`${name} is not a finite non-negative price below 1e9`);
    }
    return moneyFromFloat(value);
  }
  // Tolerated: some price lists (OpenRouter's) write prices as decimal strings.
  if (typeof value === 'string' && isPriceString(value)) return money(value.trim());
  throw new MalformedEntry(`${name} is not a number (${JSON.stringify(value).slice(0, 40)})`);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function parsePrices(
  fields: Record<string, unknown>,
  mode: string | undefined,
): { prices: PriceSheet; warning?: string } {
  const sheet: Mutable<PriceSheet> = {};
  const standard: Mutable<TokenPrices> = sheet;
  const tiers: Partial<Record<PricedTier, Mutable<TokenPrices>>> = {};
  const long = new Map<
    number,
    { std: Mutable<TokenPrices>; tiers: Partial<Record<PricedTier, Mutable<TokenPrices>>> }
  >();

  for (const name of Object.keys(fields)) {
    const match = TOKEN_FIELD.exec(name);
    if (!match) continue;
    const value = price(fields, name);
    if (value === undefined) continue;
    const cls = BASE_FIELDS[match[1]];
    const tier = match[3] ? TIER_SUFFIXES[match[3]] : undefined;
    let target: Mutable<TokenPrices>;
    if (match[2] !== undefined) {
      const threshold = Number(match[2]) * 1000;
      let group = long.get(threshold);
      if (!group) long.set(threshold, (group = { std: {}, tiers: {} }));
      target = tier ? (group.tiers[tier] ??= {}) : group.std;
    } else {
      target = tier ? (tiers[tier] ??= {}) : standard;
    }
    target[cls] = value;
  }

  // DeepSeek's older field for cache hits; the standard field wins when both are present.
  const cacheHit = price(fields, 'input_cost_per_token_cache_hit');
  if (standard.cacheRead === undefined && cacheHit !== undefined) standard.cacheRead = cacheHit;

  for (const tier of ['batch', 'priority', 'flex'] as const) if (tiers[tier]) sheet[tier] = tiers[tier];

  let warning: string | undefined;
  if (long.size > 0) {
    const thresholds = [...long.keys()].sort((a, b) => a - b);
    if (thresholds.length > 1) {
      warning = `several long-context thresholds (${thresholds.join(', ')} tokens): only the lowest is kept`;
    }
    const group = long.get(thresholds[0]);
    if (group) {
      const lc: Mutable<LongContextPrices> = { thresholdTokens: thresholds[0], ...group.std };
      for (const tier of ['batch', 'priority', 'flex'] as const) if (group.tiers[tier]) lc[tier] = group.tiers[tier];
      sheet.longContext = lc;
    }
  }

  const perRequest =
    price(fields, 'input_cost_per_request') ??
    // Rerank and search APIs bill per query, and one request is one query.
    (mode === 'rerank' || mode === 'search' ? price(fields, 'input_cost_per_query') : undefined);
  if (perRequest !== undefined) sheet.perRequest = perRequest;

  const search = fields['search_context_cost_per_query'];
  if (search !== undefined && search !== null) {
    if (typeof search !== 'object' || Array.isArray(search)) {
      throw new MalformedEntry('search_context_cost_per_query is not an object');
    }
    const sizes: { [S in SearchContextSize]?: Decimal } = {};
    for (const [field, size] of Object.entries(SEARCH_SIZES)) {
      const v = price(search as Record<string, unknown>, field);
      if (v !== undefined) sizes[size] = v;
    }
    if (Object.keys(sizes).length > 0) sheet.searchContextPerQuery = sizes;
  }

  // Units other than tokens carry no direction in our usage model, so one price per unit is
  // chosen here. Images: a billed image is a generated one (OpenAI's images usage), so the
  // output price first; LiteLLM files DALL·E's per-image price under input_cost_per_image.
  const perImage = price(fields, 'output_cost_per_image') ?? price(fields, 'input_cost_per_image');
  if (perImage !== undefined) sheet.perImage = perImage;
  // Audio seconds: speech models bill generated seconds, everything else (transcription,
  // audio input) the seconds sent. Video models' per-second prices are not audio.
  if (!mode?.startsWith('video')) {
    const audioIn = price(fields, 'input_cost_per_audio_per_second') ?? price(fields, 'input_cost_per_second');
    const audioOut = price(fields, 'output_cost_per_second');
    const perAudioSecond = mode === 'audio_speech' ? (audioOut ?? audioIn) : (audioIn ?? audioOut);
    if (perAudioSecond !== undefined) sheet.perAudioSecond = perAudioSecond;
  }
  // Characters: text-to-speech bills the characters sent.
  const perCharacter = price(fields, 'input_cost_per_character') ?? price(fields, 'output_cost_per_character');
  if (perCharacter !== undefined) sheet.perCharacter = perCharacter;

  return { prices: sheet, ...(warning ? { warning } : {}) };
}
