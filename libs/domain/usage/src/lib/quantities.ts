/**
 * What was consumed, by price class. Every count is a non-negative safe integer; a class a
 * provider does not report is 0. The classes are disjoint, so a cost is the sum of
 * count × unit price over the classes, never adding a token twice.
 *
 * Provider quirks are settled when an observation is built (connectors, ingest), not here:
 * - OpenAI `input_tokens` includes cached and cache-write tokens: `inputUncached` is what
 *   remains after taking those out.
 * - OpenAI `output_tokens` includes reasoning tokens: `output` excludes them, `reasoning` holds
 *   them (priced as output unless the catalogue has a reasoning price).
 * - Anthropic reports uncached input, cache reads and 5 min / 1 h cache writes separately.
 */
export interface TokenCounts {
  /** Input billed at the plain input price. */
  readonly inputUncached: number;
  /** Input served from the provider's prompt cache. */
  readonly inputCachedRead: number;
  /** Input written to a cache that lives 5 minutes (Anthropic's default; OpenAI's cache writes). */
  readonly cacheWrite5m: number;
  /** Input written to a cache that lives 1 hour (Anthropic's extended TTL). */
  readonly cacheWrite1h: number;
  /** Visible output. */
  readonly output: number;
  /** Hidden reasoning ("thinking") output. */
  readonly reasoning: number;
}

/** Units other than tokens that some operations bill. Same rules: non-negative safe integers. */
export interface OtherUnits {
  /** Model requests (for per-request fees, and for display). */
  readonly requests: number;
  readonly images: number;
  readonly audioSeconds: number;
  readonly characters: number;
  /** Search queries billed per query (Perplexity, search-context pricing). */
  readonly searchQueries: number;
  /** Server-side web search tool calls (OpenAI web_search, Anthropic web_search_requests). */
  readonly webSearchCalls: number;
}

export const TOKEN_CLASSES = ['inputUncached', 'inputCachedRead', 'cacheWrite5m', 'cacheWrite1h', 'output', 'reasoning'] as const;
export const OTHER_UNITS = ['requests', 'images', 'audioSeconds', 'characters', 'searchQueries', 'webSearchCalls'] as const;

export const NO_TOKENS: TokenCounts = {
  inputUncached: 0,
  inputCachedRead: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  output: 0,
  reasoning: 0,
};

export const NO_UNITS: OtherUnits = {
  requests: 0,
  images: 0,
  audioSeconds: 0,
  characters: 0,
  searchQueries: 0,
  webSearchCalls: 0,
};

/** The price-relevant service tier an observation was billed under. */
export type ServiceTier = 'standard' | 'batch' | 'priority' | 'flex';
export const SERVICE_TIERS: readonly ServiceTier[] = ['standard', 'batch', 'priority', 'flex'];

/**
 * Which of the provider's context-window price tiers applied: `long` when the provider's
 * long-context prices were charged (e.g. catalogue `*_above_200k_tokens`, Anthropic
 * `context_window` grouping). Providers apply it per request, so a day may split into both.
 */
export type ContextTier = 'standard' | 'long';
export const CONTEXT_TIERS: readonly ContextTier[] = ['standard', 'long'];

export type TokenClass = (typeof TOKEN_CLASSES)[number];
export type OtherUnit = (typeof OTHER_UNITS)[number];
