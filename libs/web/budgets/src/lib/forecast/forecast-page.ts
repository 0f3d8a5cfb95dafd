import { Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { MatTableModule } from '@angular/material/table';
import { WorkspaceContext, describeError } from '@act/web/identity';
import { BudgetsApi } from '../data-access/budgets-api';
import type { ForecastGroupBy } from '../data-access/budget-types';
import { ForecastChart } from '../ui/forecast-chart';
import { ToneChip } from '../ui/tone-chip';
import { historyPhrase } from '../ui/labels';
import { formatMoney } from '../ui/money';
import { FORECAST_GROUP_BYS, FORECAST_GROUP_LABELS, budgetFor, crossingText, seriesRows } from './forecast-model';

/**
 * Month-end forecast of the workspace, or per provider, account or model: the median with its 80%
 * and 95% intervals, flagged when the history is too short to trust, a chart of the chosen series
 * against its budget, and for every budget the days it is projected to be reached.
 */
@Component({
  selector: 'act-forecast-page',
  imports: [ForecastChart, MatCardModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, MatTableModule, ToneChip],
  template: `
    <section data-testid="forecast-page">
      <div class="header">
        <h1>Forecast</h1>
        <mat-form-field appearance="outline" subscriptSizing="dynamic">
          <mat-label>Forecast</mat-label>
          <select matNativeControl data-testid="forecast-group-by" (change)="onGroupBy($event)">
            @for (g of groupBys; track g) {
              <option [value]="g" [selected]="g === groupBy()">{{ groupLabels[g] }}</option>
            }
          </select>
        </mat-form-field>
      </div>
      @if (!context.currentId()) {
        <p class="notice" data-testid="no-workspace">Create or join a workspace first.</p>
      } @else {
        @if (forecast.isLoading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading the forecast" />
        }
        @if (forecast.error(); as error) {
          <p class="error" role="alert" data-testid="forecast-error">{{ describe(error) }}</p>
        }
        @if (data(); as f) {
          <p class="muted">{{ f.month }}, forecast made on {{ f.today }} (UTC; earlier days are complete).</p>
          @if (chosen(); as s) {
            <mat-card appearance="outlined" class="panel">
              <mat-card-header>
                <mat-card-title><h2 data-testid="forecast-chart-title">{{ s.label }}</h2></mat-card-title>
                <mat-card-subtitle>
                  Month-end {{ money(s.forecast.point) }} (80%: {{ money(s.forecast.p80.lower) }} – {{ money(s.forecast.p80.upper) }})
                  @if (chosenBudget(); as b) {
                    · budget {{ money(b.amount) }}
                  }
                </mat-card-subtitle>
              </mat-card-header>
              <mat-card-content>
                @if (s.forecast.insufficientHistory) {
                  <p class="notice" data-testid="forecast-insufficient">
                    {{ history(s.forecast.historyDays) }}: this forecast is a wide guess, not a prediction.
                  </p>
                }
                <act-forecast-chart [figures]="s.forecast" [budget]="chosenBudget()?.amount ?? null" [currency]="f.currency" [label]="'Forecast: ' + s.label" />
              </mat-card-content>
            </mat-card>
          }

          <mat-card appearance="outlined" class="panel">
            <mat-card-header><mat-card-title><h2>Month-end forecast</h2></mat-card-title></mat-card-header>
            <mat-card-content>
              <div class="table-scroll">
                <table mat-table [dataSource]="rows()" aria-label="Month-end forecast" data-testid="forecast-table">
                  <ng-container matColumnDef="label">
                    <th mat-header-cell *matHeaderCellDef>Series</th>
                    <td mat-cell *matCellDef="let r">
                      <div class="cell-stack">
                        <span data-testid="forecast-label">{{ r.label }}</span>
                        @if (r.flag) {
                          <span class="muted" data-testid="forecast-flag">{{ r.flag }}</span>
                        }
                      </div>
                    </td>
                  </ng-container>
                  <ng-container matColumnDef="spent">
                    <th mat-header-cell *matHeaderCellDef class="num">Spent</th>
                    <td mat-cell *matCellDef="let r" class="num">{{ r.spent }}</td>
                  </ng-container>
                  <ng-container matColumnDef="point">
                    <th mat-header-cell *matHeaderCellDef class="num">Month-end</th>
                    <td mat-cell *matCellDef="let r" class="num" data-testid="forecast-point">{{ r.point }}</td>
                  </ng-container>
                  <ng-container matColumnDef="p80">
                    <th mat-header-cell *matHeaderCellDef class="num">80% interval</th>
                    <td mat-cell *matCellDef="let r" class="num">{{ r.p80 }}</td>
                  </ng-container>
                  <ng-container matColumnDef="p95">
                    <th mat-header-cell *matHeaderCellDef class="num">95% interval</th>
                    <td mat-cell *matCellDef="let r" class="num">{{ r.p95 }}</td>
                  </ng-container>
                  <ng-container matColumnDef="flags">
                    <th mat-header-cell *matHeaderCellDef><span class="cdk-visually-hidden">Confidence</span></th>
                    <td mat-cell *matCellDef="let r">
                      @if (r.flag) {
                        <act-tone-chip label="insufficient history" tone="warning" />
                      }
                    </td>
                  </ng-container>
                  <tr mat-header-row *matHeaderRowDef="columns"></tr>
                  <tr
                    mat-row
                    *matRowDef="let row; columns: columns"
                    class="clickable"
                    [class.selected]="row.key === chosen()?.key"
                    data-testid="forecast-row"
                    (click)="selected.set(row.key)"
                  ></tr>
                </table>
              </div>
              @if (rows().length === 0) {
                <p class="muted">No usage to forecast yet.</p>
              }
            </mat-card-content>
          </mat-card>

          <mat-card appearance="outlined" class="panel">
            <mat-card-header><mat-card-title><h2>Budgets</h2></mat-card-title></mat-card-header>
            <mat-card-content>
              <ul class="crossings" data-testid="forecast-budgets">
                @for (b of f.budgets; track b.budgetId) {
                  <li data-testid="forecast-budget">
                    <strong>{{ b.name }}</strong>: {{ money(b.spent) }} of {{ money(b.amount) }} ({{ b.percentUsed }}%), month-end
                    {{ money(b.point) }} ·
                    <span data-testid="forecast-crossing">{{ crossing(b) }}</span>
                    @if (b.insufficientHistory) {
                      <span class="muted"> (short history)</span>
                    }
                  </li>
                } @empty {
                  <li class="muted">No budget defined.</li>
                }
              </ul>
            </mat-card-content>
          </mat-card>
        }
      }
    </section>
  `,
  styleUrls: ['../../../../usage/src/lib/ui/page.css'],
  styles: `
    .crossings {
      margin: 0;
      padding-left: 20px;
    }
    .crossings li {
      margin: 4px 0;
    }
  `,
})
export class ForecastPage {
  protected readonly context = inject(WorkspaceContext);
  private readonly api = inject(BudgetsApi);

  protected readonly groupBys = FORECAST_GROUP_BYS;
  protected readonly groupLabels = FORECAST_GROUP_LABELS;
  protected readonly groupBy = signal<ForecastGroupBy>('workspace');
  /** The series drawn (its key); null: the first. */
  protected readonly selected = signal<string | null>(null);
  protected readonly columns = ['label', 'spent', 'point', 'p80', 'p95', 'flags'];

  protected readonly forecast = rxResource({
    params: () => {
      const ws = this.context.currentId();
      return ws ? { ws, groupBy: this.groupBy() } : undefined;
    },
    stream: ({ params }) => this.api.forecast(params.ws, { groupBy: params.groupBy }),
  });
  protected readonly data = computed(() => (this.forecast.hasValue() ? this.forecast.value() : null));
  protected readonly rows = computed(() => {
    const f = this.data();
    return f ? seriesRows(f) : [];
  });
  protected readonly chosen = computed(() => {
    const f = this.data();
    if (!f) return null;
    return f.series.find((s) => s.key === this.selected()) ?? f.series[0] ?? null;
  });
  protected readonly chosenBudget = computed(() => {
    const f = this.data();
    const s = this.chosen();
    return f && s ? budgetFor(f, s) : null;
  });

  protected money(value: string | null | undefined): string {
    return formatMoney(value, this.data()?.currency ?? 'USD');
  }

  protected crossing = crossingText;
  protected history = historyPhrase;

  protected describe(error: unknown): string {
    return describeError(error, 'The forecast could not be loaded.');
  }

  protected onGroupBy(event: Event): void {
    this.selected.set(null);
    this.groupBy.set((event.target as HTMLSelectElement).value as ForecastGroupBy);
  }
}
