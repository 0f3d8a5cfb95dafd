/**
 * The product's usage pages: the overview dashboard (month to date, by provider and model, top
 * accounts), the usage explorer with drill-down and exports, manual entries and CSV import, the
 * audit (estimated vs reconciled per account × day, month close) and pricing (catalogue, history,
 * overrides with preview and recompute progress, cost versions).
 *
 * Only the lazy route tables are exported. Anything else exported here would be bundled into the
 * initial chunk (the shell imports this entry point eagerly), decimal.js and the API clients
 * included; the pages, ngx-charts and the animation provider the charts need stay in their chunks.
 */
export { USAGE_PAGES } from './lib/usage-pages';
