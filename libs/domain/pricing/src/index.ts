/**
 * Prices and the cost engine. Pure: no clock, no I/O.
 *
 * - `parseLiteLlmCatalogue` reads LiteLLM's price catalogue (shipped in `catalogue/`) into
 *   exact Decimal price sheets, reporting the entries it skips.
 * - `PriceSet.v1` events carry one price version (catalogue or override, `effectiveFrom`,
 *   prices as decimal strings, deterministic UUIDv5 id); `catalogueToPriceSets` makes them.
 * - `PriceBook` answers which version was in force for a model on a day (workspace override >
 *   instance override > catalogue; latest `effectiveFrom` on or before the day).
 * - `resolveModel` maps a provider's model id to a catalogue key, or says why it is unpriced.
 * - `estimateCost` prices token classes and units with a sheet, exactly, flagging every
 *   fallback and never counting an unpriced quantity as $0.
 * - `PriceCatalogue` + `priceUsage`: the book and resolution index as a log prefix knows them,
 *   and one usage row priced with them (status, estimate, the PriceSet id used).
 * - `planCatalogueImport`: the PriceSets a catalogue file adds (new or changed models only)
 *   and its `CatalogueImported.v1` marker.
 */
export { PriceDecimal, money, moneyFromFloat, moneyString, roundForDisplay } from './lib/money';
export {
  TOKEN_PRICE_CLASSES,
  SEARCH_CONTEXT_SIZES,
  PRICED_TIERS,
  mapPriceSheet,
  priceSheetToStrings,
  priceSheetFromStrings,
  validatePriceSheetStrings,
  type TokenPriceClass,
  type TokenPrices,
  type SearchContextSize,
  type PricedTier,
  type LongContextPrices,
  type PriceSheet,
  type PriceSheetStrings,
} from './lib/price-sheet';
export {
  parseLiteLlmCatalogue,
  stripProviderPrefix,
  type CatalogueEntry,
  type ParsedCatalogue,
  type SkippedCatalogueKey,
} from './lib/litellm-catalogue';
export {
  PRICE_SET,
  PRICE_SET_ID_NAMESPACE,
  priceSetEvent,
  priceSetEventId,
  priceSetPrices,
  catalogueToPriceSets,
  type PriceSet,
  type PriceSetData,
  type PriceSetInput,
  type PriceSource,
  type CatalogueImport,
} from './lib/price-set';
export { PriceBook, type PriceVersion } from './lib/price-book';
export { buildCatalogueIndex, resolveModel, type CatalogueIndex, type ModelResolution } from './lib/resolve-model';
export { lookupUsagePrice, type UsagePrice, type UsagePriceQuery } from './lib/price-lookup';
export {
  estimateCost,
  costEstimateToJson,
  type CostClass,
  type CostInput,
  type CostLine,
  type CostEstimate,
  type CostFlag,
  type CostFlagCode,
  type UnpricedQuantity,
} from './lib/cost-engine';
export {
  PriceCatalogue,
  priceUsage,
  pricedUsageFingerprint,
  type PricedUsage,
  type PricedUsageDetail,
  type PricedUsageInput,
  type UsageCostStatus,
} from './lib/priced-usage';
export {
  CATALOGUE_IMPORTED,
  CATALOGUE_BASELINE_DAY,
  planCatalogueImport,
  catalogueImportedId,
  type CatalogueImported,
  type CatalogueImportedData,
  type CatalogueImportPlan,
} from './lib/catalogue-import';
