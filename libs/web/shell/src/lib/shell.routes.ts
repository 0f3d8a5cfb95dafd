import { Route, Routes } from '@angular/router';
import { IDENTITY_PAGES, guestGuard } from '@act/web/identity';
import { BUDGET_PAGES } from '@act/web/budgets';
import { USAGE_PAGES } from '@act/web/usage';
import { PRODUCT_NAME } from './product';
import { NAV_ITEMS } from './shell/nav-items';

/** Route data read by the placeholder page. */
export interface ComingSoonRouteData {
  page: string;
}

/**
 * Pages with their own route table (children, route providers): the usage, forecast and budgets
 * pages, whose charts need an animation provider that stays on their lazy routes.
 */
const WITH_CHILDREN: Record<string, Route['loadChildren']> = {
  '': USAGE_PAGES.dashboard,
  usage: USAGE_PAGES.usage,
  audit: USAGE_PAGES.audit,
  prices: USAGE_PAGES.prices,
  forecast: BUDGET_PAGES.forecast,
  budgets: BUDGET_PAGES.budgets,
};

/** Single-component pages; every other nav entry gets the placeholder. */
const IMPLEMENTED: Record<string, Route['loadComponent']> = {
  status: () =>
    import('./system-status/system-status-page').then(
      (m) => m.SystemStatusPage,
    ),
  accounts: IDENTITY_PAGES.accounts,
  'ingest-keys': IDENTITY_PAGES.ingestKeys,
  members: IDENTITY_PAGES.members,
  'security-log': IDENTITY_PAGES.securityLog,
};

function pageTitle(label: string): string {
  return `${label} · ${PRODUCT_NAME}`;
}

/** The pages inside the shell (the app puts them behind the auth guard). */
export const shellRoutes: Routes = [
  ...NAV_ITEMS.map((item): Route => {
    const loadChildren = WITH_CHILDREN[item.path];
    if (loadChildren) {
      return {
        path: item.path,
        // '' must not swallow every URL: only the root itself is the overview.
        ...(item.path === '' ? { pathMatch: 'full' as const } : {}),
        title: pageTitle(item.label),
        loadChildren,
      };
    }
    const loadComponent = IMPLEMENTED[item.path];
    if (loadComponent) {
      return {
        path: item.path,
        pathMatch: 'full',
        title: pageTitle(item.label),
        loadComponent,
      };
    }
    const data: ComingSoonRouteData = { page: item.label };
    return {
      path: item.path,
      title: pageTitle(item.label),
      data,
      loadComponent: () =>
        import('./coming-soon/coming-soon-page').then((m) => m.ComingSoonPage),
    };
  }),
  // Unknown client routes land on the overview instead of a blank outlet.
  { path: '**', redirectTo: '' },
];

/** Pages outside the shell, open to signed-out visitors. */
export const publicRoutes: Routes = [
  {
    path: 'sign-in',
    title: pageTitle('Sign in'),
    canActivate: [guestGuard],
    loadComponent: IDENTITY_PAGES.signIn,
  },
  {
    path: 'register',
    title: pageTitle('Create account'),
    canActivate: [guestGuard],
    loadComponent: IDENTITY_PAGES.register,
  },
  {
    path: 'invitations/:token',
    title: pageTitle('Invitation'),
    loadComponent: IDENTITY_PAGES.acceptInvitation,
  },
];

/**
 * The shell itself loads lazily too: a signed-out visitor on /sign-in never
 * needs the sidenav, the toolbar menus or their overlay code.
 */
export const loadShell: Route['loadComponent'] = () =>
  import('./shell/shell').then((m) => m.Shell);
