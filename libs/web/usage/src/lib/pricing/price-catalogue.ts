import { Component, computed, inject, input, output, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import type { PriceEntryDto } from '@act/contracts';
import { switchMap, timer } from 'rxjs';
import { PricesApi } from '../data-access/prices-api';
import { providerLabel } from '../data-access/providers';
import { describeError } from '../http/problem';
import { formatPerMillion } from '../money/money';
import { sourceLabel } from './pricing-model';

interface CatalogueRow extends PriceEntryDto {
  providerName: string;
  sourceText: string;
  inputText: string;
  outputText: string;
  cacheReadText: string;
}

/** Catalogue search: the price in force today for each matching model. */
@Component({
  selector: 'act-price-catalogue',
  imports: [MatFormFieldModule, MatInputModule, MatProgressBarModule, MatTableModule],
  template: `
    <mat-form-field appearance="outline" subscriptSizing="dynamic" class="search">
      <mat-label>Search provider or model</mat-label>
      <input
        matInput
        type="search"
        data-testid="prices-search"
        placeholder="e.g. gpt-4o-mini, claude, groq/"
        [value]="query()"
        (input)="query.set($any($event.target).value)"
      />
    </mat-form-field>
    @if (results.isLoading()) {
      <mat-progress-bar mode="indeterminate" aria-label="Searching the catalogue" />
    }
    @if (results.error(); as error) {
      <p class="error" role="alert" data-testid="prices-error">{{ errorOf(error) }}</p>
    }
    @if (results.hasValue()) {
      @if (rows().length === 0) {
        <p class="muted" data-testid="prices-empty">No model matches “{{ query() }}”.</p>
      } @else {
        <div class="table-scroll">
          <table mat-table [dataSource]="rows()" aria-label="Price catalogue" data-testid="prices-table">
            <ng-container matColumnDef="model">
              <th mat-header-cell *matHeaderCellDef>Model</th>
              <td mat-cell *matCellDef="let row">
                <div class="cell-stack">
                  <span data-testid="price-model">{{ row.model }}</span>
                  <span class="muted">{{ row.providerName }}</span>
                </div>
              </td>
            </ng-container>
            <ng-container matColumnDef="input">
              <th mat-header-cell *matHeaderCellDef class="num">Input</th>
              <td mat-cell *matCellDef="let row" class="num">{{ row.inputText }}</td>
            </ng-container>
            <ng-container matColumnDef="output">
              <th mat-header-cell *matHeaderCellDef class="num">Output</th>
              <td mat-cell *matCellDef="let row" class="num">{{ row.outputText }}</td>
            </ng-container>
            <ng-container matColumnDef="cacheRead">
              <th mat-header-cell *matHeaderCellDef class="num">Cached input</th>
              <td mat-cell *matCellDef="let row" class="num">{{ row.cacheReadText }}</td>
            </ng-container>
            <ng-container matColumnDef="source">
              <th mat-header-cell *matHeaderCellDef>Source</th>
              <td mat-cell *matCellDef="let row">
                <div class="cell-stack">
                  <span data-testid="price-source">{{ row.sourceText }}</span>
                  <span class="muted">from {{ row.effectiveFrom }} · {{ row.versions }} version{{ row.versions === 1 ? '' : 's' }}</span>
                </div>
              </td>
            </ng-container>
            <tr mat-header-row *matHeaderRowDef="columns"></tr>
            <tr
              mat-row
              *matRowDef="let row; columns: columns"
              class="clickable"
              tabindex="0"
              role="button"
              [class.selected]="row.provider === selectedProvider() && row.model === selectedModel()"
              [attr.aria-label]="'Show the price history of ' + row.model"
              data-testid="price-row"
              [attr.data-provider]="row.provider"
              [attr.data-model]="row.model"
              (click)="pick(row)"
              (keydown.enter)="pick(row)"
            ></tr>
          </table>
        </div>
        @if (more()) {
          <p class="muted">More models match: refine the search to see them.</p>
        }
      }
    }
  `,
  styleUrl: '../ui/page.css',
  styles: `
    .search {
      width: min(420px, 100%);
      margin-bottom: 8px;
    }
  `,
})
export class PriceCatalogue {
  private readonly api = inject(PricesApi);

  readonly workspaceId = input<string | null>(null);
  readonly selectedProvider = input<string | null>(null);
  readonly selectedModel = input<string | null>(null);
  /** Bumped by the page after an override, to re-read the prices in force. */
  readonly refresh = input(0);
  readonly selected = output<PriceEntryDto>();

  protected readonly query = signal('');
  protected readonly columns = ['model', 'input', 'output', 'cacheRead', 'source'];

  protected readonly results = rxResource({
    params: () => ({ q: this.query().trim(), ws: this.workspaceId(), refresh: this.refresh() }),
    // Typing waits a moment before asking; the first load does not.
    stream: ({ params }) => timer(params.q ? 250 : 0).pipe(switchMap(() => this.api.search(params.ws, { q: params.q, limit: 25 }))),
  });

  protected readonly rows = computed((): CatalogueRow[] =>
    this.results.hasValue()
      ? this.results.value().items.map((entry) => ({
          ...entry,
          providerName: providerLabel(entry.provider),
          sourceText: sourceLabel(entry),
          inputText: formatPerMillion(entry.prices.input, entry.currency),
          outputText: formatPerMillion(entry.prices.output, entry.currency),
          cacheReadText: formatPerMillion(entry.prices.cacheRead, entry.currency),
        }))
      : [],
  );
  protected readonly more = computed(() => this.results.hasValue() && this.results.value().nextCursor !== null);

  protected pick(row: PriceEntryDto): void {
    this.selected.emit(row);
  }

  protected errorOf(error: unknown): string {
    return describeError(error, 'The catalogue could not be searched.');
  }
}
