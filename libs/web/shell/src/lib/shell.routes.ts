import { Route, Routes } from '@angular/router';
import { PRODUCT_NAME } from './product';
import { NAV_ITEMS } from './shell/nav-items';

/** Route data read by the placeholder page. */
export interface ComingSoonRouteData {
  page: string;
}

/** Pages that already exist; every other nav entry gets the placeholder. */
const IMPLEMENTED: Record<string, Route['loadComponent']> = {
  '': () => import('./overview/overview-page').then((m) => m.OverviewPage),
  status: () =>
    import('./system-status/system-status-page').then(
      (m) => m.SystemStatusPage,
    ),
};

function pageTitle(label: string): string {
  return `${label} · ${PRODUCT_NAME}`;
}

export const shellRoutes: Routes = [
  ...NAV_ITEMS.map((item): Route => {
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
