import type { Routes } from '@angular/router';
import { BudgetsPage } from './budgets-page';

export const BUDGETS_ROUTES: Routes = [{ path: '', component: BudgetsPage }];
