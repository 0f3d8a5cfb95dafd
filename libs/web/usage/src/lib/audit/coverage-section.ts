import { DecimalPipe } from '@angular/common';
import { Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { CoverageApi, type CoverageRowDto, type CoverageSideDto, type CoverageStatus } from '../data-access/coverage-api';
import { describeError } from '../http/problem';
import { lastDayOfMonth } from '../money/dates';
import { formatMoney, formatSignedMoney, sumDecimals } from '../money/money';

const STATUS_TEXT: Record<CoverageStatus, string> = {
  covered: 'Fully logged',
  'not-logged': 'Seen by the provider, not logged',
  'not-seen': 'Logged, not reported by the provider',
  mixed: 'Both ways',
};

interface CoverageLine {
  readonly row: CoverageRowDto;
  readonly account: string;
  readonly statusText: string;
}

/**
 * The coverage gap on the audit page: on account-days that both the provider's usage API and
 * request logs cover, the official numbers are the totals; this lists what the logs missed
 * (or had extra) per kind of usage, tokens and estimated cost.
 */
@Component({
  selector: 'act-coverage-section',
  imports: [DecimalPipe, MatProgressBarModule, MatTableModule],
  template: `
    <h2 id="coverage-title">Coverage: usage API vs request logs</h2>
    <p class="muted">
      Where an account's usage API and its request logs cover the same day, the usage API's numbers are the totals; the request
      logs are compared with them here. A positive gap is usage the provider saw that nobody logged.
    </p>
    @if (coverage.isLoading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the coverage gap" />
    }
    @if (coverage.error(); as error) {
      <p class="error" role="alert" data-testid="coverage-error">{{ errorText(error) }}</p>
    }
    @if (coverage.hasValue()) {
      @if (lines().length === 0) {
        <p class="muted" data-testid="coverage-empty">No day of {{ month() }} has both usage API data and request logs for one account.</p>
      } @else {
        <p data-testid="coverage-summary">
          {{ gapDays() }} of {{ days() }} account-days have a gap; not logged in total: {{ missingTokens() | number }} tokens
          ({{ money(missingCost()) }}).
        </p>
        <div class="table-scroll">
          <table mat-table [dataSource]="lines()" aria-labelledby="coverage-title" data-testid="coverage-table">
            <ng-container matColumnDef="day">
              <th mat-header-cell *matHeaderCellDef>Day</th>
              <td mat-cell *matCellDef="let l">{{ l.row.day }}</td>
            </ng-container>
            <ng-container matColumnDef="account">
              <th mat-header-cell *matHeaderCellDef>Account</th>
              <td mat-cell *matCellDef="let l">{{ l.account }}</td>
            </ng-container>
            <ng-container matColumnDef="usage">
              <th mat-header-cell *matHeaderCellDef>Usage</th>
              <td mat-cell *matCellDef="let l">
                {{ l.row.model }} <span class="muted">{{ l.row.operation }}{{ l.row.serviceTier !== 'standard' ? ' · ' + l.row.serviceTier : '' }}</span>
              </td>
            </ng-container>
            <ng-container matColumnDef="official">
              <th mat-header-cell *matHeaderCellDef class="num">Usage API</th>
              <td mat-cell *matCellDef="let l" class="num" data-testid="coverage-official">{{ side(l.row.official) }}</td>
            </ng-container>
            <ng-container matColumnDef="logged">
              <th mat-header-cell *matHeaderCellDef class="num">Logged</th>
              <td mat-cell *matCellDef="let l" class="num" data-testid="coverage-logged">{{ side(l.row.logged) }}</td>
            </ng-container>
            <ng-container matColumnDef="gap">
              <th mat-header-cell *matHeaderCellDef class="num">Gap</th>
              <td mat-cell *matCellDef="let l" class="num" data-testid="coverage-gap">
                {{ signed(l.row.gap.totalTokens) }} tokens · {{ l.row.gap.cost === null ? 'no price' : signedMoney(l.row.gap.cost) }}
              </td>
            </ng-container>
            <ng-container matColumnDef="status">
              <th mat-header-cell *matHeaderCellDef>Status</th>
              <td mat-cell *matCellDef="let l" data-testid="coverage-status" [attr.data-status]="l.row.status">{{ l.statusText }}</td>
            </ng-container>
            <tr mat-header-row *matHeaderRowDef="columns"></tr>
            <tr mat-row *matRowDef="let l; columns: columns" data-testid="coverage-row"></tr>
          </table>
        </div>
      }
    }
  `,
  styleUrl: '../ui/page.css',
  styles: `
    .num {
      text-align: right;
      white-space: nowrap;
    }
  `,
})
export class CoverageSection {
  private readonly api = inject(CoverageApi);

  readonly workspaceId = input.required<string>();
  /** `YYYY-MM`. */
  readonly month = input.required<string>();
  /** Account id → display name. */
  readonly accountNames = input<ReadonlyMap<string, string>>(new Map());

  protected readonly columns = ['day', 'account', 'usage', 'official', 'logged', 'gap', 'status'];
  protected readonly coverage = rxResource({
    params: () => ({ ws: this.workspaceId(), month: this.month() }),
    stream: ({ params }) => this.api.all(params.ws, `${params.month}-01`, lastDayOfMonth(params.month)),
  });
  protected readonly lines = computed((): CoverageLine[] =>
    this.coverage.hasValue()
      ? this.coverage.value().map((row) => ({ row, account: this.accountNames().get(row.accountId) ?? row.accountId, statusText: STATUS_TEXT[row.status] }))
      : [],
  );
  protected readonly days = computed(() => new Set(this.lines().map((l) => `${l.row.day}|${l.row.accountId}`)).size);
  protected readonly gapDays = computed(() => new Set(this.lines().filter((l) => l.row.status !== 'covered').map((l) => `${l.row.day}|${l.row.accountId}`)).size);
  protected readonly missingTokens = computed(() => this.lines().reduce((sum, l) => sum + Math.max(0, l.row.gap.totalTokens), 0));
  /** The cost of what was not logged (positive gaps with a price), summed exactly as decimals. */
  protected readonly missingCost = computed(() => {
    const positive = this.lines()
      .map((l) => l.row.gap.cost)
      .filter((cost): cost is string => cost !== null && !cost.startsWith('-') && cost !== '0');
    return sumDecimals(positive);
  });

  protected side(side: CoverageSideDto): string {
    const cost = side.cost === null ? 'no price' : `${side.partlyUnpriced ? '≥' : ''}${formatMoney(side.cost)}`;
    return `${side.totalTokens.toLocaleString('en-US')} tokens · ${side.units.requests.toLocaleString('en-US')} req · ${cost}`;
  }

  protected signed(value: number): string {
    return value > 0 ? `+${value.toLocaleString('en-US')}` : value.toLocaleString('en-US');
  }

  protected readonly money = (value: string) => formatMoney(value);
  protected readonly signedMoney = (value: string) => formatSignedMoney(value);
  protected readonly errorText = (error: unknown) => describeError(error, 'The coverage gap could not be loaded.');
}
