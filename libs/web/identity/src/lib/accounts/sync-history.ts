import { DatePipe } from '@angular/common';
import { Component, InjectionToken, computed, inject, input, output, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { AccountDto, SyncRunDto } from '@act/contracts';
import { firstValueFrom, map, switchMap, takeWhile, tap, timer } from 'rxjs';
import { describeError } from '../http/problem';
import { ChipTone, StatusChip } from '../ui/status-chip';
import { AccountsApi } from './accounts-api';
import { runBalanceText } from './credit-balance';

/** How often the history is re-read while a run is under way (tests shorten it). */
export const SYNC_POLL_MS = new InjectionToken<number>('SYNC_POLL_MS', { factory: () => 2000 });

/** A run just started may take a moment to appear in the history: keep looking this many times. */
const MAX_POLLS_FOR_NEW_RUN = 15;

const RUN_STATUS: Record<SyncRunDto['status'], { label: string; tone: ChipTone }> = {
  running: { label: 'Running', tone: 'warning' },
  succeeded: { label: 'Succeeded', tone: 'success' },
  failed: { label: 'Failed', tone: 'error' },
};

/** The typed error taxonomy of the sync connectors, as a user reads it. */
const ERROR_CATEGORY: Record<string, string> = {
  auth: 'Key rejected',
  permission: 'Missing permission',
  rate_limited: 'Rate limited',
  transient: 'Temporary provider error',
  provider_schema_changed: 'Provider changed its format',
  unreachable: 'Provider unreachable',
};

export function errorCategoryLabel(category: string): string {
  return ERROR_CATEGORY[category] ?? category.replace(/_/g, ' ');
}

interface RunRow extends SyncRunDto {
  chip: { label: string; tone: ChipTone };
  percent: number;
  errorLabel: string | null;
  balanceText: string | null;
}

/**
 * Sync history of one account, newest first: a progress bar (days done of days total, and the
 * step being read) for a running run, the outcome of finished ones, and the typed error of a
 * failed one. While a run is under way the history is re-read until it ends.
 */
@Component({
  selector: 'act-sync-history',
  imports: [DatePipe, MatButtonModule, MatFormFieldModule, MatInputModule, MatProgressBarModule, StatusChip],
  template: `
    <section class="history" data-testid="sync-history" [attr.data-account-id]="account().id">
      <div class="head">
        <h2>Sync history of {{ account().displayName }}</h2>
        <button matButton type="button" data-testid="sync-history-close" (click)="closed.emit()">Close</button>
      </div>
      @if (runs.error(); as error) {
        <p class="error" role="alert" data-testid="sync-history-error">{{ errorOf(error) }}</p>
      }
      @if (runs.isLoading() && !runs.hasValue()) {
        <mat-progress-bar mode="indeterminate" aria-label="Loading the sync history" />
      }
      @if (runs.hasValue()) {
        @if (rows().length === 0) {
          <p class="muted" data-testid="sync-history-empty">No sync has run yet.</p>
        }
        <ol class="runs">
          @for (run of rows(); track run.id) {
            <li class="run" data-testid="sync-run" [attr.data-status]="run.status" [attr.data-run-id]="run.id">
              <div class="run-head">
                <act-status-chip data-testid="sync-run-status" [label]="run.chip.label" [tone]="run.chip.tone" />
                <span>
                  {{ run.kind === 'manual' ? 'Sync now' : 'Scheduled' }} · {{ run.from }} to {{ run.to }} · started
                  {{ run.startedAt | date: 'medium' }}
                </span>
              </div>
              @if (run.status === 'running') {
                <mat-progress-bar
                  mode="determinate"
                  [value]="run.percent"
                  [attr.aria-label]="'Sync progress: ' + run.daysDone + ' of ' + run.daysTotal + ' days'"
                  data-testid="sync-run-progress"
                />
                <span class="muted" data-testid="sync-run-progress-text">
                  {{ run.daysDone }} of {{ run.daysTotal }} days{{ run.currentStep ? ' · ' + run.currentStep : '' }}
                </span>
              } @else {
                <span class="muted" data-testid="sync-run-outcome">
                  {{ run.appended }} new observations from {{ run.requests }} requests
                  @if (run.finishedAt) {
                    · finished {{ run.finishedAt | date: 'medium' }}
                  }
                  @if (run.pendingDays.length > 0) {
                    · {{ run.pendingDays.length }} day{{ run.pendingDays.length === 1 ? '' : 's' }} not final yet
                  }
                </span>
              }
              @if (run.error; as error) {
                <div class="run-error" role="alert" data-testid="sync-run-error" [attr.data-category]="error.category">
                  <strong>{{ run.errorLabel }}</strong> <code>{{ error.code }}</code>
                  <span>{{ error.message }}</span>
                </div>
              }
              @if (run.balanceText) {
                <span class="muted" data-testid="sync-run-balance">{{ run.balanceText }}</span>
              }
              @for (warning of run.warnings; track $index) {
                <span class="muted">{{ warning }}</span>
              }
            </li>
          }
        </ol>
      }
      @if (canSync()) {
        <form class="resync" data-testid="resync-form" (submit)="resync($event, from.value, to.value)">
          <span class="muted">Re-read a range the provider revised:</span>
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label>From</mat-label>
            <input matInput #from type="date" data-testid="resync-from" required />
          </mat-form-field>
          <mat-form-field appearance="outline" subscriptSizing="dynamic">
            <mat-label>To</mat-label>
            <input matInput #to type="date" data-testid="resync-to" required />
          </mat-form-field>
          <button matButton="outlined" type="submit" data-testid="resync-submit" [disabled]="resyncing()">Re-sync range</button>
        </form>
        @if (resyncMessage(); as message) {
          <p class="muted" role="status" data-testid="resync-message">{{ message }}</p>
        }
      }
    </section>
  `,
  styleUrls: ['../ui/page.css', './sync-history.css'],
})
export class SyncHistory {
  private readonly api = inject(AccountsApi);
  private readonly interval = inject(SYNC_POLL_MS);

  readonly workspaceId = input.required<string>();
  readonly account = input.required<AccountDto>();
  /** A run this page just started: polled for until it shows up and ends. */
  readonly expectRunId = input<string | null>(null);
  /** Bumped by the page to read the history again (after Sync now). */
  readonly refresh = input(0);
  readonly canSync = input(false);
  readonly closed = output<void>();
  /** A run this component watched (running, or the one it was told to expect) has ended: figures it wrote may have changed. */
  readonly runEnded = output<void>();

  private readonly started = signal<string | null>(null);
  protected readonly resyncing = signal(false);
  protected readonly resyncMessage = signal<string | null>(null);

  /**
   * The page hands a fresh account object whenever its list or balances reload: only another account, not another
   * copy of this one, starts the history over (else a run ending, which reloads the balances, would poll again).
   */
  private readonly accountId = computed(() => this.account().id);

  protected readonly runs = rxResource({
    params: () => ({
      ws: this.workspaceId(),
      accountId: this.accountId(),
      expect: this.started() ?? this.expectRunId(),
      refresh: this.refresh(),
    }),
    stream: ({ params }) => {
      let polls = 0;
      // Whether a run was running at the previous poll, and whether the expected run was already seen ended.
      let watching = false;
      let expectedSeen = false;
      return timer(0, this.interval).pipe(
        switchMap(() => this.api.syncRuns(params.ws, params.accountId)),
        map((page) => page.items),
        tap((items) => {
          const running = items.some((run) => run.status === 'running');
          const expectedEnded = !expectedSeen && items.some((run) => run.id === params.expect && run.status !== 'running');
          if (!running && (watching || expectedEnded)) this.runEnded.emit();
          expectedSeen ||= expectedEnded;
          watching = running;
        }),
        takeWhile((items) => {
          polls++;
          const running = items.some((run) => run.status === 'running');
          const waitingForNew = params.expect !== null && !items.some((run) => run.id === params.expect) && polls < MAX_POLLS_FOR_NEW_RUN;
          return running || waitingForNew;
        }, true),
      );
    },
  });

  protected readonly rows = computed((): RunRow[] =>
    this.runs.hasValue()
      ? this.runs.value().map((run) => ({
          ...run,
          chip: RUN_STATUS[run.status],
          percent: run.daysTotal > 0 ? Math.round((run.daysDone / run.daysTotal) * 100) : 0,
          errorLabel: run.error ? errorCategoryLabel(run.error.category) : null,
          balanceText: runBalanceText(run.balance),
        }))
      : [],
  );

  protected async resync(event: Event, from: string, to: string): Promise<void> {
    event.preventDefault();
    if (!from || !to) return;
    this.resyncing.set(true);
    this.resyncMessage.set(null);
    try {
      const started = await firstValueFrom(this.api.sync(this.workspaceId(), this.account().id, { from, to }));
      this.resyncMessage.set(
        started.state === 'started' ? `Re-reading ${from} to ${to}.` : 'Another sync of this account is running; try again when it ends.',
      );
      if (started.runId) this.started.set(started.runId);
    } catch (error) {
      this.resyncMessage.set(describeError(error, 'The re-sync could not be started.'));
    } finally {
      this.resyncing.set(false);
    }
  }

  protected errorOf(error: unknown): string {
    return describeError(error, 'The sync history could not be loaded.');
  }
}
