import { v5 as uuidv5 } from 'uuid';
import { isDay } from './day';
import type { CatalogueEntry } from './litellm-catalogue';
import { canonicalJson } from './price-sheet';
import { catalogueToPriceSets, PRICE_SET, PRICE_SET_ID_NAMESPACE, priceSetEvent, type PriceSet } from './price-set';

/**
 * Marks that a catalogue file (by content hash) has been imported as `PriceSet.v1` events.
 * The prices themselves are the `PriceSet` events; this event only says "this file is in",
 * so a start-up with the same file is one small read.
 */
export const CATALOGUE_IMPORTED = 'CatalogueImported.v1';

/**
 * The first import prices all past usage: the snapshot is the best price known for the past
 * too (LiteLLM keeps no history). Later imports take effect from the day they run.
 */
export const CATALOGUE_BASELINE_DAY = '1970-01-01';

export interface CatalogueImportedData {
  /** SHA-256 of the catalogue file's bytes, hex. */
  readonly contentHash: string;
  readonly effectiveFrom: string;
  /** Entries in the file that carry prices, after shadowing (see `catalogueToPriceSets`). */
  readonly entries: number;
  /** PriceSets appended by this import: new models and changed prices only. */
  readonly priceSets: number;
  readonly unchanged: number;
  readonly importedBy?: string;
}

export interface CatalogueImported {
  readonly id: string;
  readonly type: typeof CATALOGUE_IMPORTED;
  readonly data: CatalogueImportedData;
}

export interface CatalogueImportPlan {
  /** The PriceSets to append, in a deterministic order (by catalogue key). */
  readonly priceSets: readonly PriceSet[];
  readonly marker: CatalogueImported;
}

/**
 * What importing `entries` adds to a log that already holds `existing` catalogue PriceSets
 * (in log order): a PriceSet for every (provider, model) that is new or whose prices differ
 * from its latest catalogue version, effective from `CATALOGUE_BASELINE_DAY` on the first
 * import and from `today` afterwards; unchanged models produce nothing, so a refresh adds
 * only what moved and recomputes only what it affects.
 */
export function planCatalogueImport(
  existing: readonly PriceSet[],
  entries: readonly CatalogueEntry[],
  options: {
    readonly contentHash: string;
    readonly today: string;
    readonly importedBy?: string;
    /** The id of the latest `CatalogueImported` event, if any (see `catalogueImportedId`). */
    readonly previousImportId?: string;
  },
): CatalogueImportPlan {
  if (!isDay(options.today)) throw new Error(`planCatalogueImport: today must be a day, got ${options.today}`);
  const first = !existing.some((e) => e.type === PRICE_SET && e.data.source === 'catalogue');
  const effectiveFrom = first ? CATALOGUE_BASELINE_DAY : options.today;
  const latest = new Map<string, PriceSet>();
  for (const set of existing) {
    if (set.data.source !== 'catalogue') continue;
    const key = identity(set.data.provider, set.data.model);
    const current = latest.get(key);
    // Latest effectiveFrom wins; on a tie the later one in the log (as in PriceBook).
    if (!current || set.data.effectiveFrom >= current.data.effectiveFrom) latest.set(key, set);
  }
  const candidates = catalogueToPriceSets(entries, {
    effectiveFrom,
    ...(options.importedBy ? { setBy: options.importedBy } : {}),
  }).events;
  const priceSets: PriceSet[] = [];
  for (const candidate of candidates) {
    const current = latest.get(identity(candidate.data.provider, candidate.data.model));
    if (current && canonicalJson(current.data.prices) === canonicalJson(candidate.data.prices)) continue;
    // Same day as the version it replaces (two refreshes in one day, or A → B → A): name the
    // predecessor so the id differs and the store keeps the correction.
    priceSets.push(
      current && current.data.effectiveFrom === effectiveFrom
        ? priceSetEvent({ ...candidate.data, supersedes: current.id })
        : candidate,
    );
  }
  priceSets.sort((a, b) => ((a.data.catalogueKey ?? '') < (b.data.catalogueKey ?? '') ? -1 : 1));
  const data: CatalogueImportedData = {
    contentHash: options.contentHash,
    effectiveFrom,
    entries: candidates.length,
    priceSets: priceSets.length,
    unchanged: candidates.length - priceSets.length,
    ...(options.importedBy ? { importedBy: options.importedBy } : {}),
  };
  return {
    priceSets,
    marker: { id: catalogueImportedId(options.contentHash, options.previousImportId), type: CATALOGUE_IMPORTED, data },
  };
}

/**
 * One marker per (file content, previous import): importing the same file twice in a row gives
 * the same id, which the event store drops; going back to an older file (A → B → A) is a new
 * import, since its prices differ from what is now in force.
 */
export function catalogueImportedId(contentHash: string, previousImportId?: string): string {
  return uuidv5(`CatalogueImported|${contentHash}|${previousImportId ?? ''}`, PRICE_SET_ID_NAMESPACE);
}

function identity(provider: string, model: string): string {
  return `${provider}\u0000${model}`;
}
