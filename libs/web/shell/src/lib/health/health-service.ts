import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { HealthResponse, ProblemDetails } from '@act/contracts';
import { Observable, catchError, of, throwError } from 'rxjs';

/**
 * Relative (no leading slash) so the request follows the document's
 * `<base href>`: the API and the web app are served from the same origin, and
 * this keeps working if the app is ever mounted under a sub-path.
 */
export const HEALTH_URL = 'api/v1/health';

@Injectable({ providedIn: 'root' })
export class HealthService {
  private readonly http = inject(HttpClient);

  get(): Observable<HealthResponse> {
    return this.http.get<HealthResponse>(HEALTH_URL).pipe(
      // A degraded server may answer 503 with a full health report; that is
      // still information to show, not a failure to reach the API.
      catchError((error: unknown) =>
        isHealthReportError(error)
          ? of(error.error)
          : throwError(() => error),
      ),
    );
  }
}

function isHealthReportError(
  error: unknown,
): error is HttpErrorResponse & { error: HealthResponse } {
  if (!(error instanceof HttpErrorResponse) || error.status !== 503) {
    return false;
  }
  const body: unknown = error.error;
  return (
    typeof body === 'object' &&
    body !== null &&
    'status' in body &&
    'projections' in body &&
    Array.isArray(body.projections)
  );
}

/** A sentence a user can act on, for any error the health request produced. */
export function describeHealthError(error: unknown): string {
  if (error instanceof HttpErrorResponse) {
    // Status 0 is how HttpClient reports a request that got no response at all.
    if (error.status === 0) {
      return 'The API server could not be reached. Check that it is running and try again.';
    }
    const problem = asProblem(error.error);
    const reason = problem?.detail ?? problem?.title ?? error.statusText;
    return `The API server answered ${error.status}${reason ? `: ${reason}` : ''}.`;
  }
  return 'The health report could not be loaded.';
}

function asProblem(body: unknown): Partial<ProblemDetails> | null {
  return typeof body === 'object' && body !== null
    ? (body as Partial<ProblemDetails>)
    : null;
}
