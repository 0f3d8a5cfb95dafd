import { DatePipe, JsonPipe } from '@angular/common';
import { Component, computed, input } from '@angular/core';
import { MatTableModule } from '@angular/material/table';
import type { AuditObservationDto } from '@act/contracts';
import { providerLabel } from '../data-access/providers';
import { EstimatePipe } from '../money/estimate-pipe';
import { MoneyPipe } from '../money/money-pipe';
import { CostStatusChip } from '../status/cost-status-chip';

interface ObservationRow extends AuditObservationDto {
  providerName: string;
  tokenSummary: string;
  unitSummary: string;
}

const TOKEN_LABELS: Record<string, string> = {
  inputUncached: 'input',
  inputCachedRead: 'cached input',
  cacheWrite5m: 'cache write 5m',
  cacheWrite1h: 'cache write 1h',
  output: 'output',
  reasoning: 'reasoning',
};

function summary(counts: Record<string, number> | undefined, labels: Record<string, string> = {}): string {
  const number = new Intl.NumberFormat('en-US');
  return Object.entries(counts ?? {})
    .filter(([, value]) => value > 0)
    .map(([key, value]) => `${number.format(value)} ${labels[key] ?? key}`)
    .join(', ');
}

/**
 * The observations behind a figure: where each came from (source, when, final or not), how it was
 * priced (status, estimate, price version) and the provider's own numbers as received.
 */
@Component({
  selector: 'act-observations-table',
  imports: [CostStatusChip, DatePipe, EstimatePipe, JsonPipe, MatTableModule, MoneyPipe],
  template: `
    <div class="table-scroll">
      <table mat-table [dataSource]="rows()" aria-label="Observations" data-testid="observations-table">
        <ng-container matColumnDef="line">
          <th mat-header-cell *matHeaderCellDef>Request type</th>
          <td mat-cell *matCellDef="let row">
            <div class="cell-stack">
              <span data-testid="observation-model">{{ row.providerName }} · {{ row.model }}</span>
              <code class="muted small">{{ row.requestType }}</code>
              @if (row.project) {
                <span class="muted small">project {{ row.project }}</span>
              }
            </div>
          </td>
        </ng-container>
        <ng-container matColumnDef="source">
          <th mat-header-cell *matHeaderCellDef>Source</th>
          <td mat-cell *matCellDef="let row">
            <div class="cell-stack">
              <span data-testid="observation-source">{{ row.source }}</span>
              <span class="muted small">{{ row.observedAt | date: 'medium' : 'UTC' }} UTC</span>
              <span class="muted small">{{ row.final ? 'final' : 'not final yet' }}</span>
            </div>
          </td>
        </ng-container>
        <ng-container matColumnDef="usage">
          <th mat-header-cell *matHeaderCellDef>Usage</th>
          <td mat-cell *matCellDef="let row">
            <div class="cell-stack small">
              <span data-testid="observation-tokens">{{ row.tokenSummary || '—' }}</span>
              @if (row.unitSummary) {
                <span class="muted">{{ row.unitSummary }}</span>
              }
            </div>
          </td>
        </ng-container>
        <ng-container matColumnDef="estimate">
          <th mat-header-cell *matHeaderCellDef>Estimate</th>
          <td mat-cell *matCellDef="let row">
            @if (row.estimate; as estimate) {
              <div class="cell-stack">
                <span class="num" data-testid="observation-estimated">{{
                  estimate.estimated | estimate: (estimate.status === 'unpriced' ? 1 : 0) : currency()
                }}</span>
                <act-cost-status-chip [status]="estimate.status" data-testid="observation-status" />
                @if (estimate.note) {
                  <span class="muted small">{{ estimate.note }}</span>
                }
              </div>
            } @else {
              <span class="muted">Not priced yet</span>
            }
            @if (row.reportedCost) {
              <div class="muted small">reported {{ row.reportedCost | money: currency() }}</div>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="price">
          <th mat-header-cell *matHeaderCellDef>Price version</th>
          <td mat-cell *matCellDef="let row">
            @if (row.estimate?.priceSetId) {
              <div class="cell-stack small" data-testid="observation-price-version">
                <code [title]="row.estimate.priceSetId">{{ row.estimate.priceSetId.slice(0, 8) }}</code>
                <span class="muted">
                  {{ row.estimate.priceSource ?? 'catalogue' }} from {{ row.estimate.priceEffectiveFrom ?? '—' }}
                </span>
                <span class="muted">cost version {{ row.estimate.costVersion }}</span>
              </div>
            } @else if (row.estimate?.status === 'manual' && row.estimate?.estimated !== null) {
              <span class="muted small" data-testid="observation-price-version">entered amount</span>
            } @else {
              <span class="muted small" data-testid="observation-price-version">no price</span>
            }
          </td>
        </ng-container>
        <ng-container matColumnDef="raw">
          <th mat-header-cell *matHeaderCellDef>Raw numbers</th>
          <td mat-cell *matCellDef="let row">
            <details data-testid="observation-raw">
              <summary>Provider's numbers</summary>
              <pre class="raw">{{ row.raw | json }}</pre>
            </details>
          </td>
        </ng-container>
        <tr mat-header-row *matHeaderRowDef="columns"></tr>
        <tr mat-row *matRowDef="let row; columns: columns" data-testid="observation-row"></tr>
      </table>
    </div>
  `,
  styleUrl: './page.css',
  styles: `
    .small {
      font: var(--mat-sys-body-small);
    }
    details {
      max-width: 360px;
    }
  `,
})
export class ObservationsTable {
  readonly observations = input.required<AuditObservationDto[]>();
  readonly currency = input('USD');

  protected readonly columns = ['line', 'source', 'usage', 'estimate', 'price', 'raw'];

  protected readonly rows = computed((): ObservationRow[] =>
    this.observations().map((observation) => ({
      ...observation,
      providerName: providerLabel(observation.provider),
      tokenSummary: summary(observation.tokens, TOKEN_LABELS),
      unitSummary: summary(observation.units),
    })),
  );
}
