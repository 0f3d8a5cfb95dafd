/**
 * Budgets, alerts, forecast, anomalies and notification channels for the web app.
 *
 * Only lazy loaders are exported: `BUDGET_PAGES` (the route tables of the budgets & alerts page
 * and the forecast page) and `BUDGET_WIDGETS` (what the overview dashboard and the usage explorer
 * embed), plus the API's answer types. The shell imports this entry point eagerly, so anything
 * else exported here would land in the initial bundle.
 */
export { BUDGET_PAGES, BUDGET_WIDGETS } from './lib/budget-pages';
export type { BudgetWidgets } from './lib/budget-pages';
export type * from './lib/data-access/budget-types';
