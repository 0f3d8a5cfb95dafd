import Decimal from 'decimal.js';
import { v5 as uuidv5 } from 'uuid';
import { isDay } from './day';
import type { CatalogueEntry } from './litellm-catalogue';
import { moneyString } from './money';
import {
  canonicalJson,
  mapPriceSheet,
  PRICE_SHEET_KEYS,
  priceSheetFromStrings,
  priceSheetToStrings,
  validatePriceSheetStrings,
  type PriceSheet,
  type PriceSheetStrings,
} from './price-sheet';

/** Event type of a price version. The suffix is the schema version: a change of meaning gets `.v2`. */
export const PRICE_SET = 'PriceSet.v1';

/**
 * UUIDv5 namespace of `PriceSet` event ids. Generated once for this event type; never change
 * it: re-importing the same catalogue must give the same ids so the event store drops the
 * repeats.
 */
export const PRICE_SET_ID_NAMESPACE = '00df9f3d-c07d-4384-98a5-b1d93eb08fba';

export type PriceSource = 'catalogue' | 'override';

export interface PriceSetData {
  /** Provider as priced: LiteLLM's `litellm_provider` for catalogue prices (`openai`, `groq`, `bedrock_converse`…). */
  readonly provider: string;
  /** Model as priced: the catalogue key without its provider prefix, or the id an override names. */
  readonly model: string;
  readonly prices: PriceSheetStrings;
  readonly currency: 'USD';
  /** First UTC day (YYYY-MM-DD) the prices apply to. */
  readonly effectiveFrom: string;
  readonly source: PriceSource;
  /** Set for a workspace's own override; absent for catalogue prices and instance-wide overrides. */
  readonly workspaceId?: string;
  /** Who set the price (user id), for the audit trail; not part of the id. */
  readonly setBy?: string;
  /** The LiteLLM key the catalogue prices came from. */
  readonly catalogueKey?: string;
  /**
   * The id of the version this one replaces for the same key and day. Part of the id, so
   * setting A, then B, then A again on one `effectiveFrom` is three events, not a dropped repeat.
   */
  readonly supersedes?: string;
}

/** A price version as appended to the event store (`id` is deterministic, see `priceSetEventId`). */
export interface PriceSet {
  readonly id: string;
  readonly type: typeof PRICE_SET;
  readonly data: PriceSetData;
}

/**
 * The event id: UUIDv5 in `PRICE_SET_ID_NAMESPACE` over the key (source, workspace, provider,
 * model), the prices (canonical JSON of the normalised strings), `effectiveFrom` and
 * `supersedes`. The same prices set again give the same id, so replays and re-imports are no-ops.
 */
export function priceSetEventId(data: PriceSetData): string {
  const name = canonicalJson({
    type: PRICE_SET,
    source: data.source,
    workspaceId: data.workspaceId ?? null,
    provider: data.provider,
    model: data.model,
    currency: data.currency,
    effectiveFrom: data.effectiveFrom,
    prices: normalisePrices(data.prices),
    supersedes: data.supersedes ?? null,
  });
  return uuidv5(name, PRICE_SET_ID_NAMESPACE);
}

export type PriceSetInput = Omit<PriceSetData, 'currency' | 'prices'> & {
  readonly prices: PriceSheet<Decimal | string>;
  readonly currency?: 'USD';
};

/**
 * Builds a valid `PriceSet` event: prices normalised to full-precision plain decimal strings,
 * id derived from the content. Throws an Error naming every problem when the input is invalid
 * (an override command is checked at the edge first; this is the domain's own guard).
 */
export function priceSetEvent(input: PriceSetInput): PriceSet {
  const problems: string[] = [];
  if (!nonEmpty(input.provider)) problems.push('provider is required');
  if (!nonEmpty(input.model)) problems.push('model is required');
  if (!isDay(input.effectiveFrom)) problems.push('effectiveFrom must be a day (YYYY-MM-DD)');
  if (input.currency !== undefined && input.currency !== 'USD') problems.push('currency must be USD');
  if (input.source !== 'catalogue' && input.source !== 'override')
    problems.push('source must be catalogue or override');
  if (input.source === 'catalogue' && input.workspaceId !== undefined)
    problems.push('catalogue prices have no workspace');
  const { sheet: stringPrices, problems: shapeProblems } = toStringSheet(input.prices);
  problems.push(...shapeProblems, ...validatePriceSheetStrings(stringPrices));
  if (problems.length > 0) throw new Error(`Invalid PriceSet: ${problems.join('; ')}`);
  const data: PriceSetData = {
    provider: input.provider,
    model: input.model,
    prices: normalisePrices(stringPrices),
    currency: 'USD',
    effectiveFrom: input.effectiveFrom,
    source: input.source,
    ...(input.workspaceId !== undefined ? { workspaceId: input.workspaceId } : {}),
    ...(input.setBy !== undefined ? { setBy: input.setBy } : {}),
    ...(input.catalogueKey !== undefined ? { catalogueKey: input.catalogueKey } : {}),
    ...(input.supersedes !== undefined ? { supersedes: input.supersedes } : {}),
  };
  return { id: priceSetEventId(data), type: PRICE_SET, data };
}

export interface CatalogueImport {
  readonly events: readonly PriceSet[];
  /**
   * Catalogue keys not turned into events because another key has the same (provider, model)
   * (`deepseek-chat` and `deepseek/deepseek-chat`): the provider-prefixed key wins.
   */
  readonly shadowed: readonly { readonly key: string; readonly keptKey: string }[];
}

/**
 * One `PriceSet` per catalogue entry, effective from `effectiveFrom`. For the first import use a
 * day before any usage you hold (the snapshot is the best price known for the past too); for a
 * refresh, the refresh day. Entries with no price at all are left out: no event says "$0".
 */
export function catalogueToPriceSets(
  entries: readonly CatalogueEntry[],
  options: { readonly effectiveFrom: string; readonly setBy?: string },
): CatalogueImport {
  const identity = (e: CatalogueEntry) => `${e.provider}\u0000${e.model}`;
  const prefixed = (e: CatalogueEntry) => e.key !== e.model;
  const priced = entries.filter((e) => hasAnyPrice(e.prices));
  const chosen = new Map<string, CatalogueEntry>();
  for (const entry of priced) {
    const current = chosen.get(identity(entry));
    // Deterministic whatever the catalogue's key order: prefixed beats plain, then the smaller key.
    const better = !current || (prefixed(entry) !== prefixed(current) ? prefixed(entry) : entry.key < current.key);
    if (better) chosen.set(identity(entry), entry);
  }
  const events = [...chosen.values()].map((entry) =>
    priceSetEvent({
      provider: entry.provider,
      model: entry.model,
      prices: entry.prices,
      effectiveFrom: options.effectiveFrom,
      source: 'catalogue',
      catalogueKey: entry.key,
      ...(options.setBy !== undefined ? { setBy: options.setBy } : {}),
    }),
  );
  const shadowed = priced
    .map((e) => ({ key: e.key, keptKey: chosen.get(identity(e))?.key ?? e.key }))
    .filter((s) => s.key !== s.keptKey);
  return { events, shadowed };
}

/** The Decimal price sheet of an event. */
export function priceSetPrices(event: PriceSet): PriceSheet {
  return priceSheetFromStrings(event.data.prices);
}

function normalisePrices(prices: PriceSheetStrings): PriceSheetStrings {
  return priceSheetToStrings(priceSheetFromStrings(prices));
}

function hasAnyPrice(prices: PriceSheet): boolean {
  return canonicalJson(priceSheetToStrings(prices)) !== '{}';
}

/** Decimal leaves become plain strings (validated with the string ones later); other values are reported. */
function toStringSheet(prices: PriceSheet<Decimal | string>): { sheet: PriceSheetStrings; problems: string[] } {
  if (prices === null || typeof prices !== 'object') return { sheet: {}, problems: ['prices must be an object'] };
  const problems = Object.keys(prices)
    .filter((key) => !PRICE_SHEET_KEYS.has(key))
    .map((key) => `unknown price class ${key}`);
  try {
    const sheet = mapPriceSheet(prices, (v, path) => {
      if (typeof v === 'string') return v;
      if (Decimal.isDecimal(v)) return moneyString(v);
      problems.push(`${path} must be a decimal string`);
      return '0';
    });
    return { sheet, problems };
  } catch {
    return { sheet: {}, problems: [...problems, 'prices have the wrong shape'] };
  }
}

function nonEmpty(text: unknown): boolean {
  return typeof text === 'string' && text.trim() !== '';
}
