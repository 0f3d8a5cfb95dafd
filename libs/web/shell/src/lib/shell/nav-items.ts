import type { Permission } from '@act/web/identity';

export interface NavItem {
  /** Router path, relative to the app root ('' is the overview). */
  path: string;
  label: string;
  /** Stable handle for e2e tests, independent of the visible label. */
  testId: string;
  /** Shown only to roles that have it in the current workspace. */
  permission?: Permission;
}

/**
 * Single source for the sidenav and for the placeholder routes, so a page
 * cannot be listed in the navigation without being routable (and vice versa).
 */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: '', label: 'Overview', testId: 'nav-overview' },
  { path: 'usage', label: 'Usage', testId: 'nav-usage' },
  { path: 'audit', label: 'Audit', testId: 'nav-audit' },
  { path: 'forecast', label: 'Forecast', testId: 'nav-forecast' },
  { path: 'budgets', label: 'Budgets & alerts', testId: 'nav-budgets' },
  { path: 'accounts', label: 'Accounts', testId: 'nav-accounts' },
  {
    path: 'ingest-keys',
    label: 'Ingest keys',
    testId: 'nav-ingest-keys',
    permission: 'ingest-keys:manage',
  },
  { path: 'members', label: 'Members', testId: 'nav-members' },
  {
    path: 'security-log',
    label: 'Security log',
    testId: 'nav-security-log',
    permission: 'security-log:read',
  },
  { path: 'prices', label: 'Prices', testId: 'nav-prices' },
  { path: 'settings', label: 'Settings', testId: 'nav-settings' },
  { path: 'status', label: 'System status', testId: 'nav-status' },
];
