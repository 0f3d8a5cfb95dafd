import type { Routes } from '@angular/router';
import { provideCharts } from '../ui/chart-providers';
import { ForecastPage } from './forecast-page';

export const FORECAST_ROUTES: Routes = [{ path: '', component: ForecastPage, providers: provideCharts() }];
