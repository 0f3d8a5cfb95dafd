import type { Routes } from '@angular/router';
import { provideCharts } from '../ui/charts/chart-providers';
import { UsageExplorerPage } from './usage-explorer-page';

export const USAGE_ROUTES: Routes = [
  { path: '', pathMatch: 'full', component: UsageExplorerPage, providers: provideCharts() },
  {
    path: 'import',
    title: 'Manual entries & import · AI Cost Tracker',
    loadComponent: () => import('../import/import-page').then((m) => m.ImportPage),
  },
];
