import { DatePipe, JsonPipe } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { rxResource, toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatSnackBar } from '@angular/material/snack-bar';
import { MatTableModule } from '@angular/material/table';
import { ActivatedRoute, Router } from '@angular/router';
import type { AuditCellDto } from '@act/contracts';
import { WorkspaceContext } from '@act/web/identity';
import { firstValueFrom, map } from 'rxjs';
import { AccountDirectory, accountNames } from '../data-access/accounts';
import { UsageApi } from '../data-access/usage-api';
import { describeError } from '../http/problem';
import { addMonths, isMonth, monthLabel, shortDay, utcMonth } from '../money/dates';
import { formatCompactMoney, formatEstimate, formatMoney, isZero } from '../money/money';
import { EstimatePipe } from '../money/estimate-pipe';
import { MoneyPipe } from '../money/money-pipe';
import { COST_STATUS_INFO } from '../status/cost-status';
import { CostStatusChip } from '../status/cost-status-chip';
import { CostStatusLegend } from '../status/cost-status-legend';
import { confirmAction } from '../ui/confirm-dialog';
import { ObservationsTable } from '../ui/observations-table';
import { AuditRow, auditMatrix, cellFigure, unpricedRows } from './audit-model';
import { CoverageSection } from './coverage-section';

interface Selection {
  row: AuditRow;
  day: string;
  cell: AuditCellDto;
}

/**
 * The audit: estimated vs reconciled per account and day of a month, each cell coloured by its
 * status, with the lines, observations and billed items behind any cell, and the month close.
 */
@Component({
  selector: 'act-audit-page',
  imports: [
    CostStatusChip,
    CostStatusLegend,
    CoverageSection,
    DatePipe,
    EstimatePipe,
    JsonPipe,
    MatButtonModule,
    MatCardModule,
    MatFormFieldModule,
    MatInputModule,
    MatProgressBarModule,
    MatTableModule,
    MoneyPipe,
    ObservationsTable,
  ],
  templateUrl: './audit-page.html',
  styleUrls: ['../ui/page.css', './audit-page.css'],
})
export class AuditPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly usage = inject(UsageApi);
  private readonly directory = inject(AccountDirectory);
  private readonly dialog = inject(MatDialog);
  private readonly snackBar = inject(MatSnackBar);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);

  private readonly thisMonth = utcMonth(new Date());
  protected readonly month = toSignal(
    this.route.queryParamMap.pipe(map((params) => (isMonth(params.get('month')) ? (params.get('month') as string) : this.thisMonth))),
    { initialValue: this.thisMonth },
  );
  protected readonly monthText = computed(() => monthLabel(this.month()));

  protected readonly audit = rxResource({
    params: () => {
      const ws = this.context.currentId();
      return ws ? { ws, month: this.month() } : undefined;
    },
    stream: ({ params }) => this.usage.audit(params.ws, params.month),
  });
  private readonly accounts = rxResource({
    params: () => this.context.currentId(),
    stream: ({ params: ws }) => this.directory.list(ws),
  });

  /** Account id → display name, for the coverage section. */
  protected readonly accountNameMap = computed(
    () => new Map([...accountNames(this.accounts.hasValue() ? this.accounts.value() : [])].map(([id, account]) => [id, account.displayName])),
  );
  protected readonly currency = computed(() => (this.audit.hasValue() ? this.audit.value().currency : 'USD'));
  protected readonly matrix = computed(() =>
    this.audit.hasValue()
      ? auditMatrix(this.audit.value(), accountNames(this.accounts.hasValue() ? this.accounts.value() : []))
      : { days: [], rows: [] },
  );
  protected readonly closed = computed(() => (this.audit.hasValue() ? this.audit.value().closed : null));
  /** Closing freezes what a finished month reports: owners and admins (the API checks it too). */
  protected readonly canClose = computed(() => this.context.can('accounts:manage'));
  protected readonly monthEnded = computed(() => this.month() < this.thisMonth);
  protected readonly closing = signal(false);

  protected readonly selection = signal<Selection | null>(null);
  protected readonly detail = rxResource({
    params: () => {
      const ws = this.context.currentId();
      const selection = this.selection();
      return ws && selection ? { ws, accountId: selection.row.accountId, day: selection.day } : undefined;
    },
    stream: ({ params }) => this.usage.auditCell(params.ws, params.accountId, params.day),
  });
  protected readonly lineColumns = ['line', 'estimated', 'reconciled', 'difference', 'status', 'price'];
  protected readonly billedColumns = ['lineItem', 'amount', 'source', 'raw'];

  protected readonly shortDay = shortDay;
  /** A wholly unpriced cell says so instead of showing $0; a partly unpriced one is a lower bound. */
  protected readonly figure = (cell: AuditCellDto) => {
    const figure = cellFigure(cell);
    const unpriced = unpricedRows(cell);
    if (unpriced > 0 && (figure === null || isZero(figure))) return 'no price';
    const text = formatCompactMoney(figure, this.currency());
    return unpriced > 0 ? `≥${text}` : text;
  };

  protected readonly unpricedOf = unpricedRows;

  protected cellLabel(row: AuditRow, day: string, cell: AuditCellDto): string {
    const currency = this.currency();
    return (
      `${row.name}, ${day}: ${COST_STATUS_INFO[cell.status].label}. ` +
      `Estimated ${formatEstimate(cell.estimated, unpricedRows(cell), currency)}, reconciled ${formatMoney(cell.reconciled, currency)}.`
    );
  }

  protected setMonth(month: string): void {
    if (!isMonth(month)) return;
    this.selection.set(null);
    void this.router.navigate([], { relativeTo: this.route, queryParams: { month }, replaceUrl: true });
  }

  protected onMonthInput(event: Event): void {
    this.setMonth((event.target as HTMLInputElement).value);
  }

  protected shiftMonth(months: number): void {
    this.setMonth(addMonths(this.month(), months));
  }

  protected open(row: AuditRow, day: string, cell: AuditCellDto): void {
    const current = this.selection();
    this.selection.set(current?.row.accountId === row.accountId && current.day === day ? null : { row, day, cell });
  }

  protected isOpen(row: AuditRow, day: string): boolean {
    const current = this.selection();
    return current?.row.accountId === row.accountId && current.day === day;
  }

  protected async closeMonth(): Promise<void> {
    const ws = this.context.currentId();
    if (!ws) return;
    const month = this.month();
    const confirmed = await confirmAction(this.dialog, {
      title: `Close ${monthLabel(month)}?`,
      message:
        'Its reported figures are frozen as they stand now. A later price change or late provider data for this month ' +
        'shows up as an adjustment line beside them instead of rewriting them.',
      confirmLabel: 'Close month',
    });
    if (!confirmed) return;
    this.closing.set(true);
    try {
      const closed = await firstValueFrom(this.usage.closeMonth(ws, month));
      this.snackBar.open(closed.closedNow ? `${monthLabel(month)} is closed.` : `${monthLabel(month)} was already closed.`, 'Close', {
        duration: 5000,
      });
      this.audit.reload();
    } catch (error) {
      this.snackBar.open(describeError(error, 'The month could not be closed.'), 'Close', { duration: 6000 });
    } finally {
      this.closing.set(false);
    }
  }

  protected errorOf(error: unknown, fallback: string): string {
    return describeError(error, fallback);
  }
}
