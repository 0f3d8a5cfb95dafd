import { Component, RendererFactory2, afterEveryRender, computed, inject, input, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import { describeError } from '@act/web/identity';
import { firstValueFrom, map } from 'rxjs';
import { BudgetsApi } from '../data-access/budgets-api';
import type { AlertDto } from '../data-access/budget-types';
import { AlertList } from '../ui/alert-list';
import { BudgetBars } from '../ui/budget-bars';
import { workspaceBudget } from '../ui/budget-model';
import { ForecastChart } from '../ui/forecast-chart';
import { historyPhrase } from '../ui/labels';
import { formatMoney } from '../ui/money';

/**
 * The overview's budgets row (web-usage's dashboard loads it through `BUDGET_WIDGETS`): the workspace's month-to-date curve with the forecast's 80%/95%
 * bands against its budget, this month's budget bars, and the active alerts (acknowledge for
 * those who may). Each part loads and fails on its own, without holding the summary up.
 */
@Component({
  selector: 'act-budget-overview',
  imports: [AlertList, BudgetBars, ForecastChart, MatButtonModule, MatCardModule, RouterLink],
  template: `
    <div class="charts budget-row" data-testid="dashboard-budgets">
      <mat-card appearance="outlined">
        <mat-card-header>
          <mat-card-title><h2>Forecast</h2></mat-card-title>
          @if (forecastSeries(); as s) {
            <mat-card-subtitle data-testid="dashboard-forecast-point">
              Month-end {{ money(s.forecast.point) }} (80%: {{ money(s.forecast.p80.lower) }} – {{ money(s.forecast.p80.upper) }})
            </mat-card-subtitle>
          }
        </mat-card-header>
        <mat-card-content data-testid="dashboard-forecast">
          @if (forecast.error(); as error) {
            <p class="error" role="alert" data-testid="dashboard-forecast-error">{{ describe(error, 'The forecast could not be loaded.') }}</p>
          }
          @if (forecastSeries(); as s) {
            @if (s.forecast.insufficientHistory) {
              <p class="muted" data-testid="dashboard-forecast-insufficient">
                {{ history(s.forecast.historyDays) }}: a wide guess, not a prediction.
              </p>
            }
            <act-forecast-chart [figures]="s.forecast" [budget]="budgetAmount()" label="Month-to-date spend, forecast and budget" [height]="260" />
          }
        </mat-card-content>
        <mat-card-actions><a matButton routerLink="/forecast" data-testid="dashboard-forecast-link">Forecast details</a></mat-card-actions>
      </mat-card>
      <mat-card appearance="outlined">
        <mat-card-header><mat-card-title><h2>Budgets</h2></mat-card-title></mat-card-header>
        <mat-card-content>
          @if (budgets.error(); as error) {
            <p class="error" role="alert">{{ describe(error, 'The budgets could not be loaded.') }}</p>
          }
          @if (budgets.hasValue()) {
            <act-budget-bars [budgets]="budgets.value()" />
          }
          <h3 class="alerts-title">Active alerts</h3>
          @if (alerts.error(); as error) {
            <p class="error" role="alert">{{ describe(error, 'The alerts could not be loaded.') }}</p>
          }
          @if (ackError(); as message) {
            <p class="error" role="alert" data-testid="dashboard-ack-error">{{ message }}</p>
          }
          <div data-testid="dashboard-alerts">
            <act-alert-list
              [alerts]="activeAlerts()"
              [canAcknowledge]="canManage()"
              [busy]="acknowledging()"
              emptyText="No active alerts."
              (acknowledge)="acknowledge($event)"
            />
          </div>
        </mat-card-content>
        <mat-card-actions><a matButton routerLink="/budgets" data-testid="dashboard-budgets-link">Budgets &amp; alerts</a></mat-card-actions>
      </mat-card>
    </div>
  `,
  styleUrls: ['../../../../usage/src/lib/ui/page.css'],
  styles: `
    .budget-row {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(340px, 1fr));
      gap: 16px;
      margin-bottom: 16px;
    }
    h2 {
      margin: 0;
    }
    .alerts-title {
      margin: 16px 0 0;
      font: var(--mat-sys-title-small);
    }
  `,
})
export class BudgetOverview {
  readonly workspaceId = input.required<string>();
  readonly month = input.required<string>();
  readonly canManage = input(false);

  private readonly api = inject(BudgetsApi);
  private readonly version = signal(0);
  private readonly rendererFactory = inject(RendererFactory2);

  constructor() {
    // Created through the dashboard's component outlet, this view's DOM removals go through the
    // route's animation renderer (ngx-charts), whose queue nothing else flushes for it: without
    // this, a removed node (the "no alerts" line, an acknowledge button) stayed on the page.
    afterEveryRender(() => {
      this.rendererFactory.begin?.();
      this.rendererFactory.end?.();
    });
  }

  protected readonly forecast = rxResource({
    params: () => ({ ws: this.workspaceId(), month: this.month() }),
    stream: ({ params }) => this.api.forecast(params.ws, { month: params.month }),
  });
  protected readonly forecastSeries = computed(() => (this.forecast.hasValue() ? (this.forecast.value().series[0] ?? null) : null));

  protected readonly budgets = rxResource({
    params: () => ({ ws: this.workspaceId(), version: this.version() }),
    stream: ({ params }) => this.api.budgets(params.ws).pipe(map((page) => page.items)),
  });
  protected readonly budgetAmount = computed(() => workspaceBudget(this.budgets.hasValue() ? this.budgets.value() : [])?.amount ?? null);

  protected readonly alerts = rxResource({
    params: () => ({ ws: this.workspaceId(), version: this.version() }),
    stream: ({ params }) => this.api.alerts(params.ws, { status: 'active', limit: 5 }).pipe(map((page) => page.items)),
  });
  protected readonly activeAlerts = computed(() => (this.alerts.hasValue() ? this.alerts.value() : []));
  protected readonly acknowledging = signal<string | null>(null);
  protected readonly ackError = signal<string | null>(null);

  protected readonly history = historyPhrase;

  protected money(value: string | null | undefined): string {
    return formatMoney(value, this.forecast.hasValue() ? this.forecast.value().currency : 'USD');
  }

  protected describe(error: unknown, fallback: string): string {
    return describeError(error, fallback);
  }

  protected async acknowledge(alert: AlertDto): Promise<void> {
    this.acknowledging.set(alert.id);
    this.ackError.set(null);
    try {
      await firstValueFrom(this.api.acknowledge(this.workspaceId(), alert.id));
      // Read again after the write (?waitFor= from the read-your-writes interceptor).
      this.version.update((v) => v + 1);
    } catch (error) {
      this.ackError.set(describeError(error, 'The alert could not be acknowledged.'));
    } finally {
      this.acknowledging.set(null);
    }
  }
}
