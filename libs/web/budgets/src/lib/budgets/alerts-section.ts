import { Component, computed, inject, input, linkedSignal, output, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { describeError } from '@act/web/identity';
import { firstValueFrom } from 'rxjs';
import { BudgetsApi } from '../data-access/budgets-api';
import { ALERT_KINDS, ALERT_STATUS_FILTERS, type AlertDto, type AlertKind, type AlertStatusFilter } from '../data-access/budget-types';
import { AlertList } from '../ui/alert-list';
import { ALERT_KIND_LABELS } from '../ui/labels';
import { evaluationSummary, sensitivityOptions } from './alerts-model';

const PAGE_SIZE = 20;

/**
 * Alert history, newest first: filters by status and kind, keyset paging ("Show more" follows the
 * cursor), acknowledge, evaluate now; and the workspace's anomaly sensitivity.
 */
@Component({
  selector: 'act-alerts-section',
  imports: [AlertList, MatButtonModule, MatCardModule, MatFormFieldModule, MatInputModule, MatProgressBarModule],
  template: `
    <mat-card appearance="outlined" class="panel" data-testid="alerts-section">
      <mat-card-header>
        <mat-card-title><h2>Alerts</h2></mat-card-title>
        <mat-card-subtitle>Raised once per condition and period; they resolve by themselves when it clears.</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        <div class="toolbar">
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label>Status</mat-label>
            <select matNativeControl data-testid="alerts-status" (change)="onStatus($event)">
              @for (s of statuses; track s) {
                <option [value]="s" [selected]="s === status()">{{ s }}</option>
              }
            </select>
          </mat-form-field>
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label>Kind</mat-label>
            <select matNativeControl data-testid="alerts-kind" (change)="onKind($event)">
              <option value="" [selected]="kind() === ''">Every kind</option>
              @for (k of kinds; track k) {
                <option [value]="k" [selected]="k === kind()">{{ kindLabels[k] }}</option>
              }
            </select>
          </mat-form-field>
          <button matButton type="button" data-testid="alerts-refresh" (click)="refresh()">Refresh</button>
          @if (canManage()) {
            <button matButton="tonal" type="button" data-testid="alerts-evaluate" [disabled]="evaluating()" (click)="evaluate()">Check now</button>
          }
        </div>
        @if (evaluation(); as text) {
          <p class="notice" data-testid="alerts-evaluation">{{ text }}</p>
        }
        @if (first.isLoading()) {
          <mat-progress-bar mode="indeterminate" aria-label="Loading alerts" />
        }
        @if (first.error(); as error) {
          <p class="error" role="alert" data-testid="alerts-error">{{ describe(error, 'The alerts could not be loaded.') }}</p>
        }
        @if (actionError(); as message) {
          <p class="error" role="alert" data-testid="alerts-action-error">{{ message }}</p>
        }
        <act-alert-list [alerts]="items()" [canAcknowledge]="canManage()" [busy]="acknowledging()" emptyText="No alerts match." (acknowledge)="acknowledge($event)" />
        @if (cursor()) {
          <button matButton type="button" data-testid="alerts-more" [disabled]="loadingMore()" (click)="loadMore()">Show more</button>
        }

        <h3>Anomaly detection</h3>
        <div class="toolbar">
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label>Sensitivity</mat-label>
            <select
              matNativeControl
              data-testid="alerts-sensitivity"
              [disabled]="!canManage() || !settings.hasValue()"
              (change)="onSensitivity($event)"
            >
              @for (option of sensitivities(); track option.value) {
                <option [value]="option.value" [selected]="option.value === sensitivity()">{{ option.label }}</option>
              }
            </select>
          </mat-form-field>
          <span class="muted">Spikes and drops per account and model, against the same weekday of the past six weeks.</span>
        </div>
        @if (settingsError(); as message) {
          <p class="error" role="alert" data-testid="alerts-settings-error">{{ message }}</p>
        }
      </mat-card-content>
    </mat-card>
  `,
  styleUrls: ['../../../../usage/src/lib/ui/page.css', './budgets-page.css'],
})
export class AlertsSection {
  readonly workspaceId = input.required<string>();
  readonly canManage = input(false);
  /** After "Check now": the spend behind the budgets may have moved too. */
  readonly evaluated = output<void>();

  private readonly api = inject(BudgetsApi);

  protected readonly statuses = ALERT_STATUS_FILTERS;
  protected readonly kinds = ALERT_KINDS;
  protected readonly kindLabels = ALERT_KIND_LABELS;

  protected readonly status = signal<AlertStatusFilter>('all');
  protected readonly kind = signal<AlertKind | ''>('');
  private readonly version = signal(0);

  protected readonly first = rxResource({
    params: () => ({ ws: this.workspaceId(), status: this.status(), kind: this.kind() || null, version: this.version() }),
    stream: ({ params }) => this.api.alerts(params.ws, { status: params.status, kind: params.kind, limit: PAGE_SIZE }),
  });
  private readonly firstPage = computed(() => (this.first.hasValue() ? this.first.value() : null));
  /** Pages after the first, appended by "Show more"; reset whenever the first page is read again. */
  private readonly more = linkedSignal<unknown, AlertDto[]>({ source: this.firstPage, computation: () => [] });
  protected readonly cursor = linkedSignal<unknown, string | null>({ source: this.firstPage, computation: (page) => (page as { nextCursor: string | null } | null)?.nextCursor ?? null });
  protected readonly items = computed(() => [...(this.firstPage()?.items ?? []), ...this.more()]);
  protected readonly loadingMore = signal(false);
  protected readonly acknowledging = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly evaluating = signal(false);
  protected readonly evaluation = signal<string | null>(null);

  protected readonly settings = rxResource({
    params: () => this.workspaceId(),
    stream: ({ params: ws }) => this.api.settings(ws),
  });
  protected readonly sensitivity = linkedSignal(() => (this.settings.hasValue() ? String(this.settings.value().anomalySensitivity) : 'medium'));
  protected readonly sensitivities = computed(() => sensitivityOptions(this.sensitivity()));
  protected readonly settingsError = signal<string | null>(null);

  protected describe(error: unknown, fallback: string): string {
    return describeError(error, fallback);
  }

  protected onStatus(event: Event): void {
    this.status.set((event.target as HTMLSelectElement).value as AlertStatusFilter);
  }

  protected onKind(event: Event): void {
    this.kind.set((event.target as HTMLSelectElement).value as AlertKind | '');
  }

  /** Reads the first page again (after a write, with ?waitFor= from the interceptor). */
  refresh(): void {
    this.version.update((v) => v + 1);
  }

  protected async loadMore(): Promise<void> {
    const cursor = this.cursor();
    if (!cursor || this.loadingMore()) return;
    this.loadingMore.set(true);
    try {
      const page = await firstValueFrom(this.api.alerts(this.workspaceId(), { status: this.status(), kind: this.kind() || null, limit: PAGE_SIZE, cursor }));
      this.more.update((items) => [...items, ...page.items]);
      this.cursor.set(page.nextCursor);
    } catch (error) {
      this.actionError.set(describeError(error, 'More alerts could not be loaded.'));
    } finally {
      this.loadingMore.set(false);
    }
  }

  protected async acknowledge(alert: AlertDto): Promise<void> {
    this.acknowledging.set(alert.id);
    this.actionError.set(null);
    try {
      await firstValueFrom(this.api.acknowledge(this.workspaceId(), alert.id));
      this.refresh();
    } catch (error) {
      this.actionError.set(describeError(error, 'The alert could not be acknowledged.'));
    } finally {
      this.acknowledging.set(null);
    }
  }

  protected async evaluate(): Promise<void> {
    this.evaluating.set(true);
    this.actionError.set(null);
    try {
      const result = await firstValueFrom(this.api.evaluate(this.workspaceId()));
      this.evaluation.set(evaluationSummary(result));
      this.refresh();
      this.evaluated.emit();
    } catch (error) {
      this.actionError.set(describeError(error, 'The alert rules could not be evaluated.'));
    } finally {
      this.evaluating.set(false);
    }
  }

  protected async onSensitivity(event: Event): Promise<void> {
    const raw = (event.target as HTMLSelectElement).value;
    const value = /^\d/.test(raw) ? Number(raw) : (raw as 'low' | 'medium' | 'high');
    this.settingsError.set(null);
    try {
      const saved = await firstValueFrom(this.api.saveSettings(this.workspaceId(), value));
      this.sensitivity.set(String(saved.anomalySensitivity));
    } catch (error) {
      this.settingsError.set(describeError(error, 'The sensitivity could not be saved.'));
      this.settings.reload();
    }
  }
}
