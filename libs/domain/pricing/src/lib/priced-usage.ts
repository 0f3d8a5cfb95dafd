import { NO_TOKENS, NO_UNITS, type ContextTier, type OtherUnits, type ServiceTier, type TokenCounts, type UsageSource } from '@act/domain/usage';
import { costEstimateToJson, estimateCost } from './cost-engine';
import type { CatalogueEntry } from './litellm-catalogue';
import { moneyString } from './money';
import { PriceBook } from './price-book';
import { lookupUsagePrice, type UsagePrice, type UsagePriceQuery } from './price-lookup';
import { PRICE_SET, priceSetPrices, type PriceSet } from './price-set';
import { buildCatalogueIndex, type CatalogueIndex } from './resolve-model';

/**
 * The prices as the event log knows them at one point: the `PriceBook` (which version is in
 * force for a model on a day) and the catalogue index model resolution needs, both built only
 * from `PriceSet` events (the catalogue entries are the catalogue `PriceSet`s, keyed by their
 * `catalogueKey`). Two readers of the same log prefix therefore price usage identically,
 * whether they build it live, on a rebuild, or in a recompute.
 */
export class PriceCatalogue {
  /** Lookups already answered: the catalogue never changes, so neither do they. */
  private readonly lookups = new Map<string, UsagePrice>();

  private constructor(
    readonly book: PriceBook,
    readonly index: CatalogueIndex,
    private readonly entries: ReadonlyMap<string, CatalogueEntry>,
    /** How many distinct PriceSet events it holds. */
    readonly size: number,
  ) {}

  static empty(): PriceCatalogue {
    return new PriceCatalogue(PriceBook.empty(), buildCatalogueIndex([]), new Map(), 0);
  }

  /** Built from events in log order; other event types are ignored. */
  static fromEvents(events: Iterable<{ readonly type: string }>): PriceCatalogue {
    return PriceCatalogue.empty().withEvents(events);
  }

  /** A new catalogue with `events` applied after the ones it holds (this one is unchanged). */
  withEvents(events: Iterable<{ readonly type: string }>): PriceCatalogue {
    const sets = [...events].filter((e): e is PriceSet => e.type === PRICE_SET);
    if (sets.length === 0) return this;
    const book = this.book.withEvents(sets);
    let entries = this.entries;
    const catalogue = sets.filter((s) => s.data.source === 'catalogue');
    if (catalogue.length > 0) {
      const next = new Map(entries);
      for (const set of catalogue) {
        const key = set.data.catalogueKey ?? set.data.model;
        // A later version of one key replaces the earlier one: resolution only needs the key's identity.
        next.set(key, { key, provider: set.data.provider, model: set.data.model, prices: priceSetPrices(set) });
      }
      entries = next;
    }
    const index = entries === this.entries ? this.index : buildCatalogueIndex([...entries.values()]);
    return new PriceCatalogue(book, index, entries, this.size + sets.length);
  }

  /** `lookupUsagePrice` on this catalogue, memoized (rows of one model and day share the answer). */
  lookup(query: UsagePriceQuery): UsagePrice {
    const key = `${query.provider}\u0000${query.modelId}\u0000${query.day}\u0000${query.workspaceId ?? ''}`;
    let found = this.lookups.get(key);
    if (!found) {
      found = lookupUsagePrice(this.book, this.index, query);
      if (this.lookups.size >= 100_000) this.lookups.clear();
      this.lookups.set(key, found);
    }
    return found;
  }
}

/** How one usage row's estimate stands. `reconciled` is not here: it belongs to billed lines (audit). */
export type UsageCostStatus = 'estimated' | 'unpriced' | 'pending' | 'manual';

/** What `priceUsage` needs from a `UsageObserved.v1` (its data is one as it is). */
export interface PricedUsageInput {
  readonly workspaceId: string;
  readonly day: string;
  readonly provider: string;
  readonly model: string;
  readonly tokens: TokenCounts;
  readonly units: OtherUnits;
  readonly serviceTier: ServiceTier;
  readonly contextTier: ContextTier;
  readonly source: UsageSource;
  readonly final: boolean;
}

export interface PricedUsage {
  /**
   * `unpriced` when the model resolves to no price that day or a non-zero quantity has no
   * price; else `pending` while the provider's day is not final; else `manual` for a manual
   * entry; else `estimated`. Unpriced wins because it is the one that needs action.
   */
  readonly status: UsageCostStatus;
  /**
   * The estimate, an exact decimal string (never rounded). Null when nothing could be priced:
   * unpriced is never $0. For a partly priced row it is the priced part, a lower bound.
   */
  readonly estimated: string | null;
  /** The `PriceSet` event id (price version) used; null when unpriced for want of a price. */
  readonly priceSetId: string | null;
  /** The identity the row was priced under (catalogue provider and model, or the override's). */
  readonly priceProvider: string | null;
  readonly priceModel: string | null;
  /** `exact`/`alias`: how the model id reached the catalogue; `override`: an override on the id as reported. */
  readonly match: 'exact' | 'alias' | 'override' | null;
  /** Why it is unpriced, or how an alias was read. */
  readonly note: string | null;
  /** Lines, unpriced quantities and fallback flags, amounts as decimal strings. */
  readonly detail: PricedUsageDetail;
}

export type PricedUsageDetail = Omit<ReturnType<typeof costEstimateToJson>, 'status' | 'total'>;

const NO_DETAIL: PricedUsageDetail = { lines: [], unpriced: [], flags: [] };

/**
 * Prices one usage row with the version in force on its day (see `lookupUsagePrice`) and the
 * cost engine. Deterministic: the same input and catalogue give the same result, which is
 * what lets a recompute tell a changed row from an unchanged one (`pricedUsageFingerprint`).
 */
export function priceUsage(usage: PricedUsageInput, catalogue: PriceCatalogue): PricedUsage {
  const found = catalogue.lookup({
    provider: usage.provider,
    modelId: usage.model,
    day: usage.day,
    workspaceId: usage.workspaceId,
  });
  if (found.status === 'unpriced') {
    return {
      status: 'unpriced',
      estimated: null,
      priceSetId: null,
      priceProvider: null,
      priceModel: null,
      match: null,
      note: found.reason,
      detail: NO_DETAIL,
    };
  }
  // An event written before a token class or unit existed has no field for it: that is a 0.
  const estimate = estimateCost(
    { ...usage, tokens: { ...NO_TOKENS, ...usage.tokens }, units: { ...NO_UNITS, ...usage.units } },
    found.version.prices,
  );
  const json = costEstimateToJson(estimate);
  const status =
    estimate.status !== 'priced' ? 'unpriced' : !usage.final ? 'pending' : usage.source === 'manual' ? 'manual' : 'estimated';
  const unpricedNote =
    estimate.unpriced.length > 0 ? estimate.unpriced.map((u) => `${u.class}: ${u.reason}`).join('; ') : undefined;
  return {
    status,
    estimated: estimate.lines.length > 0 || estimate.status === 'priced' ? moneyString(estimate.total) : null,
    priceSetId: found.version.versionId,
    priceProvider: found.version.provider,
    priceModel: found.version.model,
    match: found.resolution?.match ?? (found.version.source === 'override' ? 'override' : 'exact'),
    note: [found.resolution?.note, unpricedNote].filter((n) => n !== undefined).join('; ') || null,
    detail: { lines: json.lines, unpriced: json.unpriced, flags: json.flags },
  };
}

/** Two priced rows with the same fingerprint show the same figures (the same version prices the same usage alike). */
export function pricedUsageFingerprint(priced: {
  readonly status: string;
  readonly estimated: string | null;
  readonly priceSetId: string | null;
}): string {
  return `${priced.status}|${priced.priceSetId ?? ''}|${priced.estimated ?? ''}`;
}
