import type { Routes } from '@angular/router';

type RoutesLoader = () => Promise<Routes>;

/**
 * Lazy route tables for the usage pages, for `loadChildren`. Each page (and ngx-charts, and the
 * animation provider the charts need) stays in its own chunk: importing this entry point puts
 * none of them in the initial bundle.
 */
export const USAGE_PAGES = {
  /** The overview dashboard (`/`). */
  dashboard: () => import('./dashboard/dashboard.routes').then((m) => m.DASHBOARD_ROUTES),
  /** The usage explorer (`/usage`) and manual entries & CSV import (`/usage/import`). */
  usage: () => import('./explorer/usage.routes').then((m) => m.USAGE_ROUTES),
  audit: () => import('./audit/audit.routes').then((m) => m.AUDIT_ROUTES),
  prices: () => import('./pricing/pricing.routes').then((m) => m.PRICING_ROUTES),
} satisfies Record<string, RoutesLoader>;
