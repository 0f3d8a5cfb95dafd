import type { Routes } from '@angular/router';
import { provideCharts } from '../ui/charts/chart-providers';
import { DashboardPage } from './dashboard-page';

export const DASHBOARD_ROUTES: Routes = [{ path: '', component: DashboardPage, providers: provideCharts() }];
