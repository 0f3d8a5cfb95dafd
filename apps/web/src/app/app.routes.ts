import { Route } from '@angular/router';
import { authGuard } from '@act/web/identity';
import { loadShell, publicRoutes, shellRoutes } from '@act/web/shell';

/**
 * Sign-in, register and the invitation page stand alone; everything else
 * lives inside the shell, behind the auth guard (checked again on every
 * navigation between its pages, so an ended session is noticed).
 */
export const appRoutes: Route[] = [
  ...publicRoutes,
  {
    path: '',
    loadComponent: loadShell,
    canActivate: [authGuard],
    canActivateChild: [authGuard],
    children: shellRoutes,
  },
];
