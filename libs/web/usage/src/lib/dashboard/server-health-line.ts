import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Component, computed, inject } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { HealthResponse } from '@act/contracts';
import { catchError, of, throwError } from 'rxjs';

/** A one-line server health indicator for the overview; the System status page has the details. */
@Component({
  selector: 'act-server-health-line',
  imports: [RouterLink],
  template: `
    <p class="health" data-testid="overview-health">
      <span class="dot" [class]="'dot ' + state()" aria-hidden="true"></span>
      <span data-testid="overview-health-text">{{ text() }}</span>
      <a routerLink="/status" data-testid="overview-status-link">System status</a>
    </p>
  `,
  styles: `
    .health {
      display: flex;
      align-items: center;
      gap: 8px;
      color: var(--mat-sys-on-surface-variant);
    }
    .dot {
      width: 10px;
      height: 10px;
      border-radius: 50%;
      background: var(--mat-sys-outline);
    }
    .dot.ok {
      background: #2e9e6a;
    }
    .dot.degraded,
    .dot.unreachable {
      background: var(--mat-sys-error);
    }
  `,
})
export class ServerHealthLine {
  private readonly http = inject(HttpClient);

  private readonly health = rxResource({
    stream: () =>
      this.http.get<HealthResponse>('api/v1/health').pipe(
        // A degraded server answers 503 with its report: information, not unreachability.
        catchError((error: unknown) =>
          error instanceof HttpErrorResponse && error.status === 503 && error.error?.status
            ? of(error.error as HealthResponse)
            : throwError(() => error),
        ),
      ),
  });

  protected readonly state = computed(() => {
    if (this.health.isLoading()) return 'checking';
    if (this.health.error()) return 'unreachable';
    return this.health.hasValue() ? this.health.value().status : 'checking';
  });

  protected readonly text = computed(() => {
    switch (this.state()) {
      case 'ok':
        return 'Server is healthy';
      case 'degraded':
        return 'Server is degraded';
      case 'unreachable':
        return 'Server is unreachable';
      default:
        return 'Checking the server…';
    }
  });
}
