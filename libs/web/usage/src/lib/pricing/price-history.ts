import { DatePipe } from '@angular/common';
import { Component, computed, inject, input } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { PricesApi } from '../data-access/prices-api';
import { describeError } from '../http/problem';
import { formatPerMillion } from '../money/money';
import { sourceLabel } from './pricing-model';

/** Every price version of one model visible to the workspace, newest first. */
@Component({
  selector: 'act-price-history',
  imports: [DatePipe, MatProgressBarModule, MatTableModule],
  template: `
    @if (history.isLoading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Loading the price history" />
    }
    @if (history.error(); as error) {
      <p class="error" role="alert">{{ errorOf(error) }}</p>
    }
    @if (history.hasValue()) {
      <div class="table-scroll">
        <table mat-table [dataSource]="rows()" aria-label="Price history" data-testid="price-history">
          <ng-container matColumnDef="effectiveFrom">
            <th mat-header-cell *matHeaderCellDef>Effective from</th>
            <td mat-cell *matCellDef="let row" data-testid="price-history-from">{{ row.effectiveFrom }}</td>
          </ng-container>
          <ng-container matColumnDef="input">
            <th mat-header-cell *matHeaderCellDef class="num">Input</th>
            <td mat-cell *matCellDef="let row" class="num">{{ row.inputText }}</td>
          </ng-container>
          <ng-container matColumnDef="output">
            <th mat-header-cell *matHeaderCellDef class="num">Output</th>
            <td mat-cell *matCellDef="let row" class="num">{{ row.outputText }}</td>
          </ng-container>
          <ng-container matColumnDef="source">
            <th mat-header-cell *matHeaderCellDef>Source</th>
            <td mat-cell *matCellDef="let row" data-testid="price-history-source">{{ row.sourceText }}</td>
          </ng-container>
          <ng-container matColumnDef="recorded">
            <th mat-header-cell *matHeaderCellDef>Recorded</th>
            <td mat-cell *matCellDef="let row">
              <div class="cell-stack">
                <span>{{ row.recordedAt | date: 'medium' }}</span>
                <code class="muted" [title]="row.priceSetId">{{ row.priceSetId.slice(0, 8) }}</code>
              </div>
            </td>
          </ng-container>
          <tr mat-header-row *matHeaderRowDef="columns"></tr>
          <tr mat-row *matRowDef="let row; columns: columns" data-testid="price-history-row"></tr>
        </table>
      </div>
    }
  `,
  styleUrl: '../ui/page.css',
})
export class PriceHistory {
  private readonly api = inject(PricesApi);

  readonly workspaceId = input<string | null>(null);
  readonly provider = input.required<string>();
  readonly model = input.required<string>();
  readonly refresh = input(0);

  protected readonly columns = ['effectiveFrom', 'input', 'output', 'source', 'recorded'];
  protected readonly history = rxResource({
    params: () => ({ ws: this.workspaceId(), provider: this.provider(), model: this.model(), refresh: this.refresh() }),
    stream: ({ params }) => this.api.history(params.ws, params.provider, params.model),
  });
  protected readonly rows = computed(() =>
    this.history.hasValue()
      ? [...this.history.value().versions].reverse().map((version) => ({
          ...version,
          sourceText: sourceLabel(version),
          inputText: formatPerMillion(version.prices.input, version.currency),
          outputText: formatPerMillion(version.prices.output, version.currency),
        }))
      : [],
  );

  protected errorOf(error: unknown): string {
    return describeError(error, 'The price history could not be loaded.');
  }
}
