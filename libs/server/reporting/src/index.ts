/**
 * The REST API of the usage ledger (see README.md): month summary, daily series, the events
 * behind a cell, audit and period close, prices and overrides, recompute preview / apply /
 * progress, cost versions, streamed exports (CSV, JSON, FOCUS 1.2), and the ledger's lifecycle
 * in the app (catalogue seeding, recompute worker).
 */
export * from './lib/reporting.module';
export * from './lib/ledger-lifecycle';
export { FOCUS_COLUMNS, FOCUS_VERSION, CSV_COLUMNS } from './lib/export/export-formats';
export { EXPORT_PAGE_SIZE } from './lib/export/export-rows';
export { MAX_RANGE_DAYS } from './lib/ranges';
