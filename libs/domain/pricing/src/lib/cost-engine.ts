import type Decimal from 'decimal.js';
import type { ContextTier, OtherUnits, ServiceTier, TokenCounts } from '@act/domain/usage';
import { money, moneyString } from './money';
import type { PriceSheet, SearchContextSize, TokenPriceClass, TokenPrices } from './price-sheet';

/** What is priced: a token class of `TokenCounts` or a unit of `OtherUnits`. */
export type CostClass = keyof TokenCounts | keyof OtherUnits;

/** What `estimateCost` prices. A `UsageObserved.v1` event's data is one as it is. */
export interface CostInput {
  readonly tokens: TokenCounts;
  readonly units: OtherUnits;
  readonly serviceTier: ServiceTier;
  /** `long` when the provider charged its long-context prices (input above the entry's threshold). */
  readonly contextTier: ContextTier;
  /** Search context size for search queries and web-search calls; `medium` when not known. */
  readonly searchContextSize?: SearchContextSize;
}

export interface CostLine {
  readonly class: CostClass;
  readonly quantity: number;
  /** USD per unit, exact. */
  readonly unitPrice: Decimal;
  /** quantity × unitPrice, exact (never rounded). */
  readonly amount: Decimal;
  /** Where the unit price came from: `input`, `batch.output`, `longContext.cacheRead`, `derived`… */
  readonly priceSource: string;
  /** Set when the price was derived or fell back: say so wherever the line is shown. */
  readonly note?: string;
}

export interface UnpricedQuantity {
  readonly class: CostClass;
  readonly quantity: number;
  readonly reason: string;
}

export type CostFlagCode =
  /** priority/flex usage priced at the standard price: the catalogue has no tier price. */
  | 'tier-price-missing'
  /** long-context usage priced at the standard price: the catalogue has no long-context price. */
  | 'long-context-price-missing'
  /** a price computed by a rule (batch = 50 %, 1 h cache write = 2 × input), not read from the catalogue. */
  | 'derived-price';

export interface CostFlag {
  readonly code: CostFlagCode;
  readonly classes: readonly CostClass[];
  readonly message: string;
}

export interface CostEstimate {
  /**
   * `priced`: every non-zero quantity has a price. `partially-unpriced`: some do not (`total` is
   * then a lower bound; `unpriced` says which). `unpriced`: none does. Never a silent $0.
   */
  readonly status: 'priced' | 'partially-unpriced' | 'unpriced';
  /** Sum of the lines, exact. */
  readonly total: Decimal;
  readonly lines: readonly CostLine[];
  readonly unpriced: readonly UnpricedQuantity[];
  readonly flags: readonly CostFlag[];
}

const TOKEN_PRICE_CLASS: Record<keyof TokenCounts, TokenPriceClass> = {
  inputUncached: 'input',
  inputCachedRead: 'cacheRead',
  cacheWrite5m: 'cacheWrite5m',
  cacheWrite1h: 'cacheWrite1h',
  output: 'output',
  reasoning: 'reasoning',
};

const TOKEN_ORDER: readonly (keyof TokenCounts)[] = [
  'inputUncached',
  'inputCachedRead',
  'cacheWrite5m',
  'cacheWrite1h',
  'output',
  'reasoning',
];

const HALF = money('0.5');
const TWO = money(2);

type Resolved =
  | {
      readonly ok: true;
      readonly price: Decimal;
      readonly source: string;
      readonly note?: string;
      readonly flags: readonly CostFlagCode[];
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Estimates the cost of one observation's quantities with one price sheet. Pure and exact:
 * amounts are `Decimal`s computed without rounding (`roundForDisplay` is for display only).
 *
 * Rules (each pinned by a unit test; prices in USD per token):
 *
 * 1. Every token class is priced separately; the classes are disjoint (see `TokenCounts`), so
 *    cached tokens are never added back to input.
 *    gpt-4o-mini, 1,000 uncached input + 4,000 cached read + 500 output:
 *    1000 × 0.00000015 + 4000 × 0.000000075 + 500 × 0.0000006 = 0.00015 + 0.0003 + 0.0003 = $0.00075.
 * 2. Reasoning tokens at the reasoning price when the sheet has one, else exactly as output.
 *    o3-mini-like (no reasoning price), 100 output + 900 reasoning at 0.0000044 = $0.0044.
 * 3. Anthropic cache writes: 5 min at `cacheWrite5m` (≈1.25 × input), 1 h at `cacheWrite1h`
 *    (≈2 × input). Without a 1 h price: 2 × the input price, flagged `derived-price`.
 *    claude-sonnet-4-5, 10,000 × 0.00000375 (5 min) + 10,000 × 0.000006 (1 h) = 0.0375 + 0.06 = $0.0975.
 * 4. Batch: the sheet's batch prices when present, else 50 % of the standard price (derived).
 *    gpt-4o-mini batch, 1,000,000 input × 0.000000075 = $0.075; a class with no batch price,
 *    e.g. cached read 0.000000075 → 0.0000000375 per token.
 * 5. Priority/flex: their own prices when present, else the standard price, flagged
 *    `tier-price-missing`. gpt-5 flex, 1,000,000 input × 0.000000625 = $0.625.
 * 6. Long context (`contextTier: 'long'`): the above-threshold prices, else standard, flagged
 *    `long-context-price-missing`. claude-sonnet-4-5 long, 300,000 input × 0.000006 = $1.80.
 *    Batch on long context halves the long price (the catalogue has no long batch prices).
 * 7. Per-request fee × requests (requests carry no cost when the sheet has no fee).
 *    perplexity/pplx-70b-online, 200 requests × 0.005 = $1.00.
 * 8. Search queries × `searchContextPerQuery[size]` (`medium` by default).
 *    perplexity/sonar, 1,000 queries × 0.008 (medium) = $8.00; high: × 0.012 = $12.00.
 * 9. Web-search calls at the same catalogue field, which is where LiteLLM keeps the web-search
 *    tool price (Anthropic 0.01 per search at every size); without it they are unpriced.
 * 10. Images, audio seconds and characters at the sheet's per-unit price, else unpriced.
 * A non-zero quantity without a price is listed in `unpriced` and makes the status
 * `partially-unpriced` (or `unpriced`): it is never counted as $0.
 */
export function estimateCost(input: CostInput, prices: PriceSheet): CostEstimate {
  const lines: CostLine[] = [];
  const unpriced: UnpricedQuantity[] = [];
  const flagged = new Map<CostFlagCode, CostClass[]>();
  const flag = (code: CostFlagCode, cls: CostClass) => {
    const list = flagged.get(code) ?? [];
    if (!list.includes(cls)) list.push(cls);
    flagged.set(code, list);
  };
  const price = (cls: CostClass, quantity: number, resolved: Resolved) => {
    assertQuantity(cls, quantity);
    if (quantity === 0) return;
    if (!resolved.ok) {
      unpriced.push({ class: cls, quantity, reason: resolved.reason });
      return;
    }
    for (const code of resolved.flags) flag(code, cls);
    const unitPrice = money(resolved.price);
    lines.push({
      class: cls,
      quantity,
      unitPrice,
      amount: unitPrice.times(quantity),
      priceSource: resolved.source,
      ...(resolved.note ? { note: resolved.note } : {}),
    });
  };

  const tokenPrice = (pc: TokenPriceClass) => resolveTokenPrice(prices, pc, input.serviceTier, input.contextTier);
  for (const cls of TOKEN_ORDER) {
    const pc = TOKEN_PRICE_CLASS[cls];
    let resolved: Resolved;
    if (pc === 'reasoning' && prices.reasoning === undefined) {
      const asOutput = tokenPrice('output');
      resolved = asOutput.ok
        ? { ...asOutput, note: joinNotes('at the output price (no reasoning price)', asOutput.note) }
        : asOutput;
    } else if (pc === 'cacheWrite1h' && !tokenPrice('cacheWrite1h').ok) {
      const inputPrice = tokenPrice('input');
      resolved = inputPrice.ok
        ? {
            ok: true,
            price: inputPrice.price.times(TWO),
            source: 'derived',
            note: joinNotes(`2 × ${inputPrice.source} (the catalogue has no 1 h cache-write price)`, inputPrice.note),
            flags: [...inputPrice.flags, 'derived-price'],
          }
        : { ok: false, reason: 'no 1 h cache-write price and no input price to derive it from' };
    } else {
      resolved = tokenPrice(pc);
    }
    price(cls, input.tokens[cls], resolved);
  }

  const perUnit = (value: Decimal | undefined, source: string, missing: string): Resolved =>
    value !== undefined ? { ok: true, price: value, source, flags: [] } : { ok: false, reason: missing };
  // Requests are counted for every observation but cost something only where a fee exists.
  assertQuantity('requests', input.units.requests);
  if (prices.perRequest !== undefined)
    price('requests', input.units.requests, perUnit(prices.perRequest, 'perRequest', ''));
  const size = input.searchContextSize ?? 'medium';
  const searchPrice = prices.searchContextPerQuery?.[size];
  price(
    'searchQueries',
    input.units.searchQueries,
    perUnit(searchPrice, `searchContextPerQuery.${size}`, `no ${size} search-context price per query`),
  );
  price(
    'webSearchCalls',
    input.units.webSearchCalls,
    perUnit(searchPrice, `searchContextPerQuery.${size}`, `no web-search price (${size} search context)`),
  );
  price('images', input.units.images, perUnit(prices.perImage, 'perImage', 'no per-image price'));
  price(
    'audioSeconds',
    input.units.audioSeconds,
    perUnit(prices.perAudioSecond, 'perAudioSecond', 'no per-second audio price'),
  );
  price('characters', input.units.characters, perUnit(prices.perCharacter, 'perCharacter', 'no per-character price'));

  const total = lines.reduce((sum, line) => sum.plus(line.amount), money(0));
  const flags: CostFlag[] = [...flagged].map(([code, classes]) => ({
    code,
    classes,
    message: FLAG_MESSAGES[code](input),
  }));
  const status = unpriced.length === 0 ? 'priced' : lines.length > 0 ? 'partially-unpriced' : 'unpriced';
  return { status, total, lines, unpriced, flags };
}

const FLAG_MESSAGES: Record<CostFlagCode, (input: CostInput) => string> = {
  'tier-price-missing': (i) => `no ${i.serviceTier} price in the catalogue: priced at the standard price`,
  'long-context-price-missing': () => 'no long-context price in the catalogue: priced at the standard-context price',
  'derived-price': () => 'price derived by rule, not read from the catalogue (see the line notes)',
};

/** The unit price of a token class for a tier and context, with where it came from. */
function resolveTokenPrice(sheet: PriceSheet, pc: TokenPriceClass, tier: ServiceTier, context: ContextTier): Resolved {
  // The standard-tier price for the context (long falls back to standard, flagged).
  let base: Resolved;
  const longPrice = context === 'long' ? sheet.longContext?.[pc] : undefined;
  const standardPrice = sheet[pc];
  if (longPrice !== undefined) {
    base = { ok: true, price: longPrice, source: `longContext.${pc}`, flags: [] };
  } else if (standardPrice !== undefined) {
    base =
      context === 'long'
        ? {
            ok: true,
            price: standardPrice,
            source: pc,
            note: 'standard-context price (no long-context price)',
            flags: ['long-context-price-missing'],
          }
        : { ok: true, price: standardPrice, source: pc, flags: [] };
  } else {
    return { ok: false, reason: `no ${pc} price in the catalogue entry` };
  }
  if (tier === 'standard') return base;

  const tierPrices: TokenPrices | undefined = context === 'long' ? sheet.longContext?.[tier] : sheet[tier];
  const explicit = tierPrices?.[pc];
  if (explicit !== undefined) {
    return { ok: true, price: explicit, source: `${context === 'long' ? 'longContext.' : ''}${tier}.${pc}`, flags: [] };
  }
  if (tier === 'batch') {
    return {
      ok: true,
      price: base.price.times(HALF),
      source: 'derived',
      note: joinNotes(`50% of ${base.source} (no batch price in the catalogue)`, base.note),
      flags: [...base.flags, 'derived-price'],
    };
  }
  return {
    ...base,
    note: joinNotes(`standard price (no ${tier} price in the catalogue)`, base.note),
    flags: [...base.flags, 'tier-price-missing'],
  };
}

function joinNotes(first: string, second: string | undefined): string {
  return second ? `${first}; ${second}` : first;
}

function assertQuantity(cls: CostClass, quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw new Error(`Quantity of ${cls} must be a non-negative safe integer, got ${quantity}`);
  }
}

/** The estimate as plain JSON: amounts as full-precision decimal strings (for events and read models). */
export function costEstimateToJson(estimate: CostEstimate) {
  return {
    status: estimate.status,
    total: moneyString(estimate.total),
    lines: estimate.lines.map((l) => ({
      class: l.class,
      quantity: l.quantity,
      unitPrice: moneyString(l.unitPrice),
      amount: moneyString(l.amount),
      priceSource: l.priceSource,
      ...(l.note ? { note: l.note } : {}),
    })),
    unpriced: estimate.unpriced.map((u) => ({ ...u })),
    flags: estimate.flags.map((f) => ({ code: f.code, classes: [...f.classes], message: f.message })),
  };
}
