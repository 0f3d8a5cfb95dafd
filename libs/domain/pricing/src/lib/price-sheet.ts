import type Decimal from 'decimal.js';
import { isPriceString, money, moneyString } from './money';

/** Token price classes, one per token class of `TokenCounts` (`inputUncached` is priced at `input`). */
export const TOKEN_PRICE_CLASSES = [
  'input',
  'output',
  'cacheRead',
  'cacheWrite5m',
  'cacheWrite1h',
  'reasoning',
] as const;
export type TokenPriceClass = (typeof TOKEN_PRICE_CLASSES)[number];

/** USD per token, by class. An absent class has no known price (never read as 0). */
export type TokenPrices<M = Decimal> = { readonly [C in TokenPriceClass]?: M };

export const SEARCH_CONTEXT_SIZES = ['low', 'medium', 'high'] as const;
export type SearchContextSize = (typeof SEARCH_CONTEXT_SIZES)[number];

export const PRICED_TIERS = ['batch', 'priority', 'flex'] as const;
export type PricedTier = (typeof PRICED_TIERS)[number];

/**
 * Prices that apply once a request's input exceeds `thresholdTokens` (catalogue
 * `*_above_200k_tokens`, `*_above_128k_tokens`…), with their own tier variants where published.
 */
export interface LongContextPrices<M = Decimal> extends TokenPrices<M> {
  readonly thresholdTokens: number;
  readonly batch?: TokenPrices<M>;
  readonly priority?: TokenPrices<M>;
  readonly flex?: TokenPrices<M>;
}

/**
 * Every unit price of one model, in USD. `M` is `Decimal` in memory and `string` (full
 * precision plain decimal) in events. Top-level token prices are the standard tier.
 */
export interface PriceSheet<M = Decimal> extends TokenPrices<M> {
  readonly batch?: TokenPrices<M>;
  readonly priority?: TokenPrices<M>;
  readonly flex?: TokenPrices<M>;
  readonly longContext?: LongContextPrices<M>;
  /** Fee per model request (old Perplexity online models, rerank/search APIs). */
  readonly perRequest?: M;
  /** Per search query / web-search call, by search context size. */
  readonly searchContextPerQuery?: { readonly [S in SearchContextSize]?: M };
  readonly perImage?: M;
  readonly perAudioSecond?: M;
  readonly perCharacter?: M;
}

export type PriceSheetStrings = PriceSheet<string>;

const MONEY_LEAVES = ['perRequest', 'perImage', 'perAudioSecond', 'perCharacter'] as const;

/** The top-level keys a price sheet may have. */
export const PRICE_SHEET_KEYS: ReadonlySet<string> = new Set([
  ...TOKEN_PRICE_CLASSES,
  ...PRICED_TIERS,
  ...MONEY_LEAVES,
  'longContext',
  'searchContextPerQuery',
]);

function mapTokenPrices<A, B>(prices: TokenPrices<A> | undefined, f: (a: A, path: string) => B, path: string) {
  if (prices === undefined) return undefined;
  const out: { [C in TokenPriceClass]?: B } = {};
  for (const c of TOKEN_PRICE_CLASSES) {
    const v = prices[c];
    if (v !== undefined) out[c] = f(v, `${path}${c}`);
  }
  return out;
}

/** Applies `f` to every money leaf of a sheet, keeping its shape (absent stays absent). */
export function mapPriceSheet<A, B>(sheet: PriceSheet<A>, f: (a: A, path: string) => B): PriceSheet<B> {
  const out: {
    -readonly [K in keyof PriceSheet<B>]: PriceSheet<B>[K];
  } = { ...mapTokenPrices(sheet, f, '') };
  for (const tier of PRICED_TIERS) {
    const t = mapTokenPrices(sheet[tier], f, `${tier}.`);
    if (t !== undefined) out[tier] = t;
  }
  const long = sheet.longContext;
  if (long !== undefined) {
    const mapped: { -readonly [K in keyof LongContextPrices<B>]: LongContextPrices<B>[K] } = {
      thresholdTokens: long.thresholdTokens,
      ...mapTokenPrices(long, f, 'longContext.'),
    };
    for (const tier of PRICED_TIERS) {
      const t = mapTokenPrices(long[tier], f, `longContext.${tier}.`);
      if (t !== undefined) mapped[tier] = t;
    }
    out.longContext = mapped;
  }
  for (const leaf of MONEY_LEAVES) {
    const v = sheet[leaf];
    if (v !== undefined) out[leaf] = f(v, leaf);
  }
  if (sheet.searchContextPerQuery !== undefined) {
    const s: { [S in SearchContextSize]?: B } = {};
    for (const size of SEARCH_CONTEXT_SIZES) {
      const v = sheet.searchContextPerQuery[size];
      if (v !== undefined) s[size] = f(v, `searchContextPerQuery.${size}`);
    }
    out.searchContextPerQuery = s;
  }
  return out;
}

/** Decimal sheet → string sheet (full precision, plain notation), as stored in `PriceSet` events. */
export function priceSheetToStrings(sheet: PriceSheet): PriceSheetStrings {
  return mapPriceSheet(sheet, (d) => moneyString(d));
}

/**
 * String sheet → Decimal sheet. Throws on a value that is not a non-negative decimal string:
 * events are validated when they are made, so this only fails on a corrupted store.
 */
export function priceSheetFromStrings(sheet: PriceSheetStrings): PriceSheet {
  return mapPriceSheet(sheet, (s, path) => {
    if (typeof s !== 'string' || !isPriceString(s)) {
      throw new Error(`Price ${path} is not a non-negative decimal string: ${JSON.stringify(s).slice(0, 60)}`);
    }
    return money(s);
  });
}

/** The problems with a string sheet from outside (an override command, an event), or [] when valid. */
export function validatePriceSheetStrings(sheet: unknown): string[] {
  if (sheet === null || typeof sheet !== 'object' || Array.isArray(sheet)) return ['prices must be an object'];
  const problems: string[] = [];
  for (const key of Object.keys(sheet)) if (!PRICE_SHEET_KEYS.has(key)) problems.push(`unknown price class ${key}`);
  const s = sheet as PriceSheet<unknown>;
  const long = s.longContext as LongContextPrices<unknown> | undefined;
  if (long !== undefined) {
    if (long === null || typeof long !== 'object') problems.push('longContext must be an object');
    else if (!Number.isSafeInteger(long.thresholdTokens) || long.thresholdTokens <= 0) {
      problems.push('longContext.thresholdTokens must be a positive integer');
    }
  }
  try {
    mapPriceSheet(s, (v, path) => {
      if (typeof v !== 'string' || !isPriceString(v)) {
        problems.push(`${path} must be a non-negative decimal string below 1e9 with at most 40 decimal places`);
      }
      return v;
    });
  } catch {
    problems.push('prices have the wrong shape');
  }
  return problems;
}

/** JSON with keys sorted at every level: the same sheet always gives the same text (for ids). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
