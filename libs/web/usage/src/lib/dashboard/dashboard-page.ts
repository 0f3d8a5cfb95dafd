import { NgComponentOutlet } from '@angular/common';
import { Component, computed, inject, resource, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { BUDGET_WIDGETS } from '@act/web/budgets';
import { WorkspaceContext } from '@act/web/identity';
import { AccountDirectory, accountNames } from '../data-access/accounts';
import { UsageApi } from '../data-access/usage-api';
import { describeError } from '../http/problem';
import { addMonths, lastDayOfMonth, monthLabel, utcDay, utcMonth } from '../money/dates';
import { EstimatePipe } from '../money/estimate-pipe';
import { MoneyPipe } from '../money/money-pipe';
import { CostStatusChip } from '../status/cost-status-chip';
import { CostBarChart } from '../ui/charts/cost-bar-chart';
import { CostPieChart } from '../ui/charts/cost-pie-chart';
import { isEmptySummary, modelChart, providerChart, topAccounts } from './dashboard-model';
import { ServerHealthLine } from './server-health-line';

/** The overview: month to date, by provider and model, top accounts, what needs attention. */
@Component({
  selector: 'act-dashboard-page',
  imports: [
    CostBarChart,
    CostPieChart,
    CostStatusChip,
    EstimatePipe,
    MatButtonModule,
    MatCardModule,
    MatProgressBarModule,
    MatTableModule,
    MatTooltipModule,
    MoneyPipe,
    NgComponentOutlet,
    RouterLink,
    ServerHealthLine,
  ],
  templateUrl: './dashboard-page.html',
  styleUrls: ['../ui/page.css', './dashboard-page.css'],
})
export class DashboardPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly usage = inject(UsageApi);
  private readonly directory = inject(AccountDirectory);

  private readonly thisMonth = utcMonth(new Date());
  protected readonly month = signal(this.thisMonth);
  protected readonly monthText = computed(() => monthLabel(this.month()));
  protected readonly isCurrentMonth = computed(() => this.month() === this.thisMonth);
  private readonly today = utcDay(new Date());
  /** The explorer opens on the same month, day by day, per account. */
  protected readonly exploreParams = computed(() => ({
    from: `${this.month()}-01`,
    to: this.isCurrentMonth() ? this.today : lastDayOfMonth(this.month()),
    groupBy: 'account',
  }));

  /** An earlier cost version to read (null: the current one); earlier versions stay queryable after a recompute. */
  protected readonly version = signal<number | null>(null);

  protected readonly summary = rxResource({
    params: () => {
      const ws = this.context.currentId();
      return ws ? { ws, month: this.month(), version: this.version() } : undefined;
    },
    stream: ({ params }) => this.usage.summary(params.ws, params.month, params.version),
  });

  /** Newest first, for the version picker; shown once a recompute made a second version. */
  protected readonly versions = computed(() => {
    const current = this.summary.hasValue() ? this.summary.value().currentCostVersion : 1;
    return Array.from({ length: current }, (_, i) => current - i);
  });

  private readonly accounts = rxResource({
    params: () => this.context.currentId(),
    stream: ({ params: ws }) => this.directory.list(ws),
  });

  protected readonly canConnect = computed(() => this.context.can('accounts:manage'));
  protected readonly canCreateKeys = computed(() => this.context.can('ingest-keys:manage'));
  protected readonly canRecord = computed(() => this.context.can('usage:record'));
  protected readonly canManageBudgets = computed(() => this.context.can('budgets:manage'));

  /**
   * The budgets row (forecast band against the budget, budget bars, active alerts) comes from
   * web-budgets, loaded with this page rather than with the app.
   */
  protected readonly budgetWidgets = resource({ loader: () => BUDGET_WIDGETS() });
  protected readonly budgetInputs = computed(() => ({
    workspaceId: this.context.currentId(),
    month: this.month(),
    canManage: this.canManageBudgets(),
  }));

  protected readonly data = computed(() => (this.summary.hasValue() ? this.summary.value() : null));
  protected readonly empty = computed(() => {
    const summary = this.data();
    return summary !== null && isEmptySummary(summary);
  });
  protected readonly hasAccounts = computed(() => this.accounts.hasValue() && this.accounts.value().length > 0);
  protected readonly byProvider = computed(() => {
    const summary = this.data();
    return summary ? providerChart(summary) : [];
  });
  protected readonly byModel = computed(() => {
    const summary = this.data();
    return summary ? modelChart(summary) : [];
  });
  protected readonly top = computed(() => {
    const summary = this.data();
    const names = accountNames(this.accounts.hasValue() ? this.accounts.value() : []);
    return summary ? topAccounts(summary, names) : [];
  });
  protected readonly topColumns = ['account', 'estimated', 'reconciled', 'flags'];

  protected errorOf(error: unknown): string {
    return describeError(error, 'The month summary could not be loaded.');
  }

  protected onVersion(event: Event): void {
    const value = Number((event.target as HTMLSelectElement).value);
    this.version.set(value === this.versions()[0] ? null : value);
  }

  protected previousMonth(): void {
    this.month.update((month) => addMonths(month, -1));
  }

  protected nextMonth(): void {
    if (!this.isCurrentMonth()) this.month.update((month) => addMonths(month, 1));
  }
}
