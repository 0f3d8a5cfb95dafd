import { Component, Injector, computed, inject, resource, signal } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router, RouterLink } from '@angular/router';
import type { UsageGroupBy } from '@act/contracts';
import { USAGE_GROUP_BYS } from '@act/contracts';
import { BUDGET_WIDGETS } from '@act/web/budgets';
import { WorkspaceContext } from '@act/web/identity';
import { firstValueFrom, from, map, switchMap } from 'rxjs';
import { AccountDirectory, accountNames } from '../data-access/accounts';
import { ExportApi, ExportFormat, saveFile } from '../data-access/export-api';
import { UsageApi } from '../data-access/usage-api';
import { describeError } from '../http/problem';
import { EstimatePipe } from '../money/estimate-pipe';
import { shortDay } from '../money/dates';
import { formatMoney } from '../money/money';
import { MoneyPipe } from '../money/money-pipe';
import { CostStatusChip } from '../status/cost-status-chip';
import { CostStackedChart } from '../ui/charts/cost-stacked-chart';
import { ObservationsTable } from '../ui/observations-table';
import {
  DayRow,
  ExplorerFilters,
  GROUP_BY_LABELS,
  anomaliesInRange,
  anomalyMarks,
  anomalyWindow,
  dayRows,
  filtersFromParams,
  filtersProblem,
  groupTotals,
  observationsOfGroup,
  stackedSeries,
} from './explorer-model';

/**
 * Usage explorer: a date range grouped by provider, account, model or project, as a stacked
 * chart and tables, with the observations behind any day × group cell and exports. The filters
 * live in the URL, so a view can be bookmarked and shared.
 */
@Component({
  selector: 'act-usage-explorer-page',
  imports: [
    CostStackedChart,
    CostStatusChip,
    EstimatePipe,
    MatButtonModule,
    MatButtonToggleModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    MoneyPipe,
    ObservationsTable,
    RouterLink,
  ],
  templateUrl: './usage-explorer-page.html',
  styleUrls: ['../ui/page.css', './usage-explorer-page.css'],
})
export class UsageExplorerPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly usage = inject(UsageApi);
  private readonly exports = inject(ExportApi);
  private readonly directory = inject(AccountDirectory);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly snackBar = inject(MatSnackBar);
  private readonly injector = inject(Injector);

  protected readonly groupBys = USAGE_GROUP_BYS;
  protected readonly groupByLabels = GROUP_BY_LABELS;

  protected readonly filters = toSignal(
    this.route.queryParamMap.pipe(
      map((params) =>
        filtersFromParams({
          from: params.get('from') ?? undefined,
          to: params.get('to') ?? undefined,
          groupBy: params.get('groupBy') ?? undefined,
        }),
      ),
    ),
    { initialValue: filtersFromParams({}) },
  );
  protected readonly problem = computed(() => filtersProblem(this.filters()));

  protected readonly series = rxResource({
    params: () => {
      const ws = this.context.currentId();
      return ws && !this.problem() ? { ws, ...this.filters() } : undefined;
    },
    stream: ({ params }) => this.usage.daily(params.ws, { from: params.from, to: params.to, groupBy: params.groupBy }),
  });

  private readonly accounts = rxResource({
    params: () => this.context.currentId(),
    stream: ({ params: ws }) => this.directory.list(ws),
  });
  private readonly accountMap = computed(() => accountNames(this.accounts.hasValue() ? this.accounts.value() : []));

  protected readonly currency = computed(() => (this.series.hasValue() ? this.series.value().currency : 'USD'));
  private readonly points = computed(() => (this.series.hasValue() ? this.series.value().points : []));
  protected readonly totals = computed(() => groupTotals(this.points(), this.filters().groupBy, this.accountMap()));
  protected readonly rows = computed(() => dayRows(this.points(), this.filters().groupBy, this.accountMap()));
  protected readonly chart = computed(() => stackedSeries(this.points(), this.filters(), this.accountMap(), this.currency()));

  /** web-budgets' API client and labels, loaded with this page (not with the app). */
  private readonly budgetWidgets = resource({ loader: () => BUDGET_WIDGETS() });
  /** Spikes and drops per account and model over the range's complete days, marked on the chart. */
  protected readonly anomalies = rxResource({
    params: () => {
      const ws = this.context.currentId();
      const window = this.problem() ? null : anomalyWindow(this.filters());
      return ws && window ? { ws, ...window } : undefined;
    },
    stream: ({ params }) =>
      from(BUDGET_WIDGETS()).pipe(
        switchMap((widgets) => this.injector.get(widgets.BudgetsApi).anomalies(params.ws, { days: params.days, through: params.through })),
      ),
  });
  private readonly anomalyItems = computed(() => (this.anomalies.hasValue() ? this.anomalies.value().items : []));
  protected readonly anomalyList = computed(() => anomaliesInRange(this.anomalyItems(), this.filters()));
  protected readonly marks = computed(() => anomalyMarks(this.anomalyItems(), this.filters()));
  protected readonly anomalyLabels = computed(() => (this.budgetWidgets.hasValue() ? this.budgetWidgets.value().ANOMALY_LABELS : null));
  protected readonly day = shortDay;

  protected readonly totalColumns = ['group', 'estimated', 'reconciled', 'rows', 'flags'];
  protected readonly dayColumns = ['day', 'group', 'estimated', 'reconciled', 'flags'];

  /** The day × group cell whose observations are shown. */
  protected readonly selected = signal<DayRow | null>(null);
  protected readonly events = rxResource({
    params: () => {
      const ws = this.context.currentId();
      const row = this.selected();
      if (!ws || !row) return undefined;
      const groupBy = this.filters().groupBy;
      return { ws, row, groupBy, accountId: groupBy === 'account' ? row.key : null };
    },
    stream: ({ params }) =>
      this.usage
        .events(params.ws, { day: params.row.day, accountId: params.accountId })
        .pipe(map((events) => observationsOfGroup(events.items ?? [], params.groupBy, params.row))),
  });

  protected readonly exporting = signal<ExportFormat | null>(null);
  protected readonly canRecord = computed(() => this.context.can('usage:record'));

  protected setFilter(change: Partial<ExplorerFilters>): void {
    this.selected.set(null);
    void this.router.navigate([], {
      relativeTo: this.route,
      queryParams: { ...this.filters(), ...change },
      replaceUrl: true,
    });
  }

  protected onDate(which: 'from' | 'to', event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    if (value) this.setFilter({ [which]: value });
  }

  protected onGroupBy(groupBy: UsageGroupBy): void {
    this.setFilter({ groupBy });
  }

  protected select(row: DayRow): void {
    const current = this.selected();
    this.selected.set(current && current.day === row.day && current.key === row.key ? null : row);
  }

  protected isSelected(row: DayRow): boolean {
    const current = this.selected();
    return current !== null && current.day === row.day && current.key === row.key;
  }

  protected async export(format: ExportFormat): Promise<void> {
    const ws = this.context.currentId();
    if (!ws || this.problem()) return;
    const { from, to } = this.filters();
    this.exporting.set(format);
    try {
      saveFile(await firstValueFrom(this.exports.download(ws, format, from, to)));
    } catch (error) {
      this.snackBar.open(describeError(error, 'The export could not be downloaded.'), 'Close', { duration: 6000 });
    } finally {
      this.exporting.set(null);
    }
  }

  protected money(value: string): string {
    return formatMoney(value, this.currency());
  }

  protected errorOf(error: unknown, fallback: string): string {
    return describeError(error, fallback);
  }
}
