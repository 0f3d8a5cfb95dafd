import type { PriceBook, PriceVersion } from './price-book';
import { resolveModel, type CatalogueIndex, type ModelResolution } from './resolve-model';

export interface UsagePriceQuery {
  /** The provider as the account knows it (`openai`, `groq`, `openrouter`, `bedrock`…). */
  readonly provider: string;
  /** The model id as the provider reported it. */
  readonly modelId: string;
  readonly day: string;
  readonly workspaceId?: string;
}

export type UsagePrice =
  | {
      readonly status: 'found';
      readonly version: PriceVersion;
      /** How the id reached the catalogue; absent when an override names the id as reported. */
      readonly resolution?: Extract<ModelResolution, { catalogueKey: string }>;
    }
  | { readonly status: 'unpriced'; readonly reason: string };

/**
 * The price version for usage as a provider reported it: an override set on the reported id
 * first (a self-hosted model, a negotiated price), else the catalogue entry the id resolves
 * to, with that entry's own overrides. Unpriced, with the reason, when neither applies that day.
 */
export function lookupUsagePrice(book: PriceBook, index: CatalogueIndex, query: UsagePriceQuery): UsagePrice {
  const { provider, modelId, day, workspaceId } = query;
  const asReported = book.priceFor(provider, modelId, day, workspaceId);
  if (asReported?.source === 'override') return { status: 'found', version: asReported };
  const resolution = resolveModel(provider, modelId, index);
  if (!('catalogueKey' in resolution)) {
    return asReported ? { status: 'found', version: asReported } : { status: 'unpriced', reason: resolution.unpriced };
  }
  const version = book.priceFor(resolution.provider, resolution.model, day, workspaceId);
  if (version) return { status: 'found', version, resolution };
  const first = book
    .history(resolution.provider, resolution.model)
    .map((v) => v.effectiveFrom)
    .sort()[0];
  return {
    status: 'unpriced',
    reason: first
      ? `${modelId} resolves to ${resolution.catalogueKey}, whose first price applies from ${first}, after ${day}`
      : `${modelId} resolves to ${resolution.catalogueKey}, but no price for it has been set`,
  };
}
