import { Component, InjectionToken, computed, inject, input, output } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import type { RecomputeProgressDto } from '@act/contracts';
import { switchMap, takeWhile, tap, timer } from 'rxjs';
import { PricesApi } from '../data-access/prices-api';
import { describeError } from '../http/problem';

/** How often a running recompute is polled (tests shorten it). */
export const RECOMPUTE_POLL_MS = new InjectionToken<number>('RECOMPUTE_POLL_MS', { factory: () => 1000 });

const STATE_TEXT: Record<RecomputeProgressDto['state'], string> = {
  queued: 'Queued',
  running: 'Recomputing',
  staged: 'Activating the new cost version',
  done: 'Done',
};

/** Polls a recompute until its new cost version is current, with a determinate progress bar. */
@Component({
  selector: 'act-recompute-progress',
  imports: [MatProgressBarModule],
  template: `
    <div class="progress" data-testid="recompute-progress" [attr.data-state]="progress()?.state ?? 'queued'" aria-live="polite">
      <mat-progress-bar
        [mode]="percent() === null ? 'indeterminate' : 'determinate'"
        [value]="percent() ?? 0"
        aria-label="Recompute progress"
      />
      <p data-testid="recompute-progress-text">{{ text() }}</p>
      @if (progress()?.lastError; as lastError) {
        <p class="error" role="alert" data-testid="recompute-error">{{ lastError }}</p>
      }
      @if (poll.error(); as error) {
        <p class="error" role="alert">{{ errorText(error) }}</p>
      }
    </div>
  `,
  styles: `
    .progress p {
      margin: 8px 0 0;
    }
    .error {
      color: var(--mat-sys-error);
    }
  `,
})
export class RecomputeProgress {
  private readonly api = inject(PricesApi);
  private readonly interval = inject(RECOMPUTE_POLL_MS);

  readonly workspaceId = input.required<string>();
  readonly recomputeId = input.required<string>();
  /** Emits once, when the new cost version is current. */
  readonly done = output<RecomputeProgressDto>();

  protected readonly poll = rxResource({
    params: () => ({ ws: this.workspaceId(), id: this.recomputeId() }),
    stream: ({ params }) =>
      timer(0, this.interval).pipe(
        switchMap(() => this.api.progress(params.ws, params.id)),
        // The last answer (done) is emitted too, then polling stops.
        takeWhile((progress) => progress.state !== 'done', true),
        tap((progress) => {
          if (progress.state === 'done') this.done.emit(progress);
        }),
      ),
  });

  protected readonly progress = computed(() => (this.poll.hasValue() ? this.poll.value() : null));

  protected readonly percent = computed(() => {
    const progress = this.progress();
    if (!progress || progress.state === 'queued') return null;
    if (progress.state === 'done' || progress.state === 'staged') return 100;
    return progress.rowsTotal > 0 ? Math.min(100, Math.round((progress.rowsDone / progress.rowsTotal) * 100)) : null;
  });

  protected readonly text = computed(() => {
    const progress = this.progress();
    if (!progress) return 'Starting the recompute…';
    const rows = `${progress.rowsDone} of ${progress.rowsTotal} rows`;
    if (progress.state === 'done') {
      return `Done: cost version ${progress.version} is current; ${progress.rowsChanged} rows changed.`;
    }
    return `${STATE_TEXT[progress.state]} (cost version ${progress.version}): ${rows}.`;
  });

  protected errorText(error: unknown): string {
    return describeError(error, 'The progress could not be read.');
  }
}
