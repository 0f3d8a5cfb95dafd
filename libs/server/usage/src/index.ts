/**
 * The usage ledger on the server.
 *
 * Write side: `RecordUsageHandler` (observations, idempotent, latest-wins per key),
 * `seedCatalogue` (the shipped price catalogue as PriceSet events, once per file),
 * `PricingCommands` (overrides), `CostCommands` (recomputes, period close) and `PriceChanges`
 * (preview → set price → recompute).
 *
 * Read side: `usageLedgerProjection` (usage, billed lines, prices, versioned cost estimates,
 * cost versions, period closes) and `RecomputeWorker` (runs recomputes in batches); queries
 * `UsageQueries`, `AuditQueries`, `PricingQueries`, `CostVersionQueries`, all scoped by
 * workspace, returning the DTOs of `@act/contracts` with money as decimal strings.
 */
export * from './lib/record-usage';
export * from './lib/usage-ledger.projection';
export * from './lib/cost-commands';
export * from './lib/pricing-commands';
export * from './lib/price-changes';
export * from './lib/recompute-worker';
export { RECOMPUTE_STAGING_SCHEMA, migrateRecomputeStaging } from './lib/recompute-staging';
export * from './lib/usage-queries';
export { loadPriceCatalogue } from './lib/price-catalogue-cache';
export * from './lib/audit-queries';
export * from './lib/pricing-queries';
export * from './lib/cost-version-queries';
