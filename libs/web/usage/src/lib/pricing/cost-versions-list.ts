import { DatePipe } from '@angular/common';
import { Component, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import type { CostVersionDto } from '@act/contracts';
import { PricesApi } from '../data-access/prices-api';
import { describeError } from '../http/problem';
import { MoneyPipe } from '../money/money-pipe';

interface VersionRow extends CostVersionDto {
  causeText: string;
}

/** The workspace's cost versions: which price changes made each, who asked, and what it changed. */
@Component({
  selector: 'act-cost-versions-list',
  imports: [DatePipe, MatProgressBarModule, MatTableModule, MoneyPipe],
  template: `
    @if (versions.isLoading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the cost versions" />
    }
    @if (versions.error(); as error) {
      <p class="error" role="alert">{{ errorOf(error) }}</p>
    }
    @if (versions.hasValue()) {
      <div class="table-scroll">
        <table mat-table [dataSource]="rows()" aria-label="Cost versions" data-testid="cost-versions">
          <ng-container matColumnDef="version">
            <th mat-header-cell *matHeaderCellDef>Version</th>
            <td mat-cell *matCellDef="let row" data-testid="cost-version-number">{{ row.version }}</td>
          </ng-container>
          <ng-container matColumnDef="status">
            <th mat-header-cell *matHeaderCellDef>Status</th>
            <td mat-cell *matCellDef="let row">
              <span class="state" [class]="'state ' + row.status" data-testid="cost-version-status">{{ row.status }}</span>
            </td>
          </ng-container>
          <ng-container matColumnDef="cause">
            <th mat-header-cell *matHeaderCellDef>Cause</th>
            <td mat-cell *matCellDef="let row">{{ row.causeText }}</td>
          </ng-container>
          <ng-container matColumnDef="requested">
            <th mat-header-cell *matHeaderCellDef>Requested</th>
            <td mat-cell *matCellDef="let row">{{ row.requestedAt ? (row.requestedAt | date: 'medium') : '—' }}</td>
          </ng-container>
          <ng-container matColumnDef="changed">
            <th mat-header-cell *matHeaderCellDef class="num">Rows changed</th>
            <td mat-cell *matCellDef="let row" class="num">{{ row.rowsChanged ?? '—' }}</td>
          </ng-container>
          <ng-container matColumnDef="delta">
            <th mat-header-cell *matHeaderCellDef class="num">Change</th>
            <td mat-cell *matCellDef="let row" class="num">{{ row.delta | money: 'USD' : 'signed' }}</td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr
            mat-row
            *matRowDef="let row; columns: columns"
            class="clickable"
            tabindex="0"
            role="button"
            [class.selected]="row.version === opened()"
            [attr.aria-label]="'Show what cost version ' + row.version + ' changed'"
            data-testid="cost-version-row"
            (click)="toggle(row.version)"
            (keydown.enter)="toggle(row.version)"
          ></tr>
        </table>
      </div>
    }
    @if (opened() !== null) {
      <div class="panel" data-testid="cost-version-detail">
        @if (detail.isLoading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading the cost version" />
        }
        @if (detail.error(); as error) {
          <p class="error" role="alert">{{ errorOf(error) }}</p>
        }
        @if (detail.hasValue()) {
          @let d = detail.value();
          <h3>What version {{ d.version }} changed</h3>
          @if (d.deltas.length === 0) {
            <p class="muted">No estimate changed (the first version, or a price change no recorded usage reaches).</p>
          } @else {
            <div class="table-scroll">
              <table mat-table [dataSource]="d.deltas" aria-label="Changes per month, account and model" data-testid="cost-version-deltas">
                <ng-container matColumnDef="month">
                  <th mat-header-cell *matHeaderCellDef>Month</th>
                  <td mat-cell *matCellDef="let x">{{ x.month }}</td>
                </ng-container>
                <ng-container matColumnDef="account">
                  <th mat-header-cell *matHeaderCellDef>Account</th>
                  <td mat-cell *matCellDef="let x">{{ accountName(x.accountId) }}</td>
                </ng-container>
                <ng-container matColumnDef="model">
                  <th mat-header-cell *matHeaderCellDef>Model</th>
                  <td mat-cell *matCellDef="let x">{{ x.model }}</td>
                </ng-container>
                <ng-container matColumnDef="before">
                  <th mat-header-cell *matHeaderCellDef class="num">Before</th>
                  <td mat-cell *matCellDef="let x" class="num">{{ x.before | money: 'USD' }}</td>
                </ng-container>
                <ng-container matColumnDef="after">
                  <th mat-header-cell *matHeaderCellDef class="num">After</th>
                  <td mat-cell *matCellDef="let x" class="num">{{ x.after | money: 'USD' }}</td>
                </ng-container>
                <ng-container matColumnDef="delta">
                  <th mat-header-cell *matHeaderCellDef class="num">Change</th>
                  <td mat-cell *matCellDef="let x" class="num">{{ x.delta | money: 'USD' : 'signed' }}</td>
                </ng-container>
                <tr mat-header-row *matHeaderRowDef="deltaColumns"></tr>
                <tr mat-row *matRowDef="let x; columns: deltaColumns" data-testid="cost-version-delta"></tr>
              </table>
            </div>
          }
        }
      </div>
    }
  `,
  styleUrl: '../ui/page.css',
  styles: `
    .state {
      padding: 2px 8px;
      border-radius: 10px;
      font: var(--mat-sys-label-medium);
      background: var(--mat-sys-surface-container-highest);
    }
    .state.active {
      background: light-dark(#d7f5dd, #1e4d2b);
      color: light-dark(#0d5323, #b9f0c6);
    }
    .state.running {
      background: light-dark(#ffe8c2, #5a3c00);
      color: light-dark(#6b4500, #ffd99a);
    }
  `,
})
export class CostVersionsList {
  private readonly api = inject(PricesApi);

  readonly workspaceId = input.required<string>();
  readonly refresh = input(0);
  /** Account names by id, for the per-account changes. */
  readonly accounts = input<ReadonlyMap<string, { displayName: string }>>(new Map());

  protected readonly opened = signal<number | null>(null);
  protected readonly deltaColumns = ['month', 'account', 'model', 'before', 'after', 'delta'];
  protected readonly detail = rxResource({
    params: () => {
      const version = this.opened();
      return version === null ? undefined : { ws: this.workspaceId(), version };
    },
    stream: ({ params }) => this.api.costVersion(params.ws, params.version),
  });

  protected readonly columns = ['version', 'status', 'cause', 'requested', 'changed', 'delta'];
  protected readonly versions = rxResource({
    params: () => ({ ws: this.workspaceId(), refresh: this.refresh() }),
    stream: ({ params }) => this.api.costVersions(params.ws),
  });
  protected readonly rows = computed((): VersionRow[] =>
    this.versions.hasValue()
      ? [...this.versions.value().items]
          .sort((a, b) => b.version - a.version)
          .map((version) => ({
            ...version,
            causeText:
              version.causes.length > 0
                ? version.causes.map((cause) => `${cause.model ?? 'prices'} from ${cause.effectiveFrom ?? '—'}`).join(', ')
                : (version.reason ?? (version.version === 1 ? 'Initial prices' : '—')),
          }))
      : [],
  );

  protected toggle(version: number): void {
    this.opened.set(this.opened() === version ? null : version);
  }

  protected accountName(accountId: string | undefined): string {
    if (!accountId) return '—';
    return this.accounts().get(accountId)?.displayName ?? accountId;
  }

  protected errorOf(error: unknown): string {
    return describeError(error, 'The cost versions could not be loaded.');
  }
}
