import type { Routes } from '@angular/router';

type RoutesLoader = () => Promise<Routes>;

/**
 * Lazy route tables for the budgets pages, for `loadChildren`. Each page (and ngx-charts, and the
 * animation provider the charts need) stays in its own chunk.
 */
export const BUDGET_PAGES = {
  /** Budgets & alerts (`/budgets`): budgets, alert history, channels, preferences. */
  budgets: () => import('./budgets/budgets.routes').then((m) => m.BUDGETS_ROUTES),
  /** Forecast (`/forecast`): month-end forecast per workspace, provider, account or model. */
  forecast: () => import('./forecast/forecast.routes').then((m) => m.FORECAST_ROUTES),
} satisfies Record<string, RoutesLoader>;

/**
 * The parts of these pages that web-usage embeds (the overview's budgets row with the forecast
 * band, budget bars and active alerts; the API client for the explorer's anomaly marks), as a
 * lazy module: importing this entry point eagerly must not pull ngx-charts or decimal.js into
 * the initial bundle.
 */
export const BUDGET_WIDGETS = () => import('./widgets');
export type BudgetWidgets = Awaited<ReturnType<typeof BUDGET_WIDGETS>>;
