/**
 * What the usage pages embed, loaded on demand through `BUDGET_WIDGETS` (never from the entry
 * point, which the shell imports eagerly): the overview's budgets row and the API client the usage
 * explorer reads anomalies with.
 */
export { BudgetsApi } from './data-access/budgets-api';
export { BudgetOverview } from './dashboard/budget-overview';
export { ANOMALY_LABELS } from './ui/labels';
