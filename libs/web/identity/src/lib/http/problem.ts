import { HttpErrorResponse } from '@angular/common/http';
import type { AbstractControl, FormGroup } from '@angular/forms';
import type { ProblemDetails } from '@act/contracts';

/** The problem+json body of an API error, if the error carries one. */
export function problemOf(error: unknown): Partial<ProblemDetails> | null {
  if (!(error instanceof HttpErrorResponse)) return null;
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null) {
    return body as Partial<ProblemDetails>;
  }
  if (typeof body === 'string' && body.startsWith('{')) {
    try {
      return JSON.parse(body) as Partial<ProblemDetails>;
    } catch {
      return null;
    }
  }
  return null;
}

/** A sentence a user can act on, for any error an API call produced. */
export function describeError(
  error: unknown,
  fallback = 'Something went wrong. Please try again.',
): string {
  if (!(error instanceof HttpErrorResponse)) return fallback;
  // Status 0 is how HttpClient reports a request that got no response at all.
  if (error.status === 0) {
    return 'The server could not be reached. Check your connection and try again.';
  }
  const problem = problemOf(error);
  if (problem?.detail) return problem.detail;
  switch (error.status) {
    case 403:
      return 'Your role in this workspace does not allow this.';
    case 404:
      return 'Not found. It may have been removed, or you are no longer a member of this workspace.';
    case 429: {
      const retryAfter = error.headers.get('Retry-After');
      return retryAfter && /^\d+$/.test(retryAfter)
        ? `Too many attempts. Try again in ${retryAfter} seconds.`
        : 'Too many attempts. Wait a moment and try again.';
    }
  }
  return problem?.title ?? fallback;
}

/**
 * Shows a problem's field errors on the matching form controls (as the
 * `server` error, which the control's own validators clear again as soon as
 * the user edits it) and returns the message for the form as a whole: the
 * problem's detail plus any field error that matched no control.
 */
export function applyProblem(
  form: FormGroup,
  error: unknown,
  fallback?: string,
): string {
  const problem = problemOf(error);
  const unmatched: string[] = [];
  for (const fieldError of problem?.errors ?? []) {
    const control = controlFor(form, fieldError.path);
    if (control) {
      control.setErrors({ ...control.errors, server: fieldError.message });
      control.markAsTouched();
    } else {
      unmatched.push(fieldError.message);
    }
  }
  const summary = describeError(error, fallback);
  return [summary, ...unmatched.filter((message) => message !== summary)].join(' ');
}

/** Accepts `email`, `/email`, `body.email`, `$.email`, `items[0].email`-like paths. */
function controlFor(form: FormGroup, path: string): AbstractControl | null {
  const segments = path
    .replace(/^\$\.?/, '')
    .split(/[./[\]]+/)
    .filter((segment) => segment.length > 0);
  const exact = segments.length > 0 ? form.get(segments) : null;
  if (exact) return exact;
  const last = segments[segments.length - 1];
  return last ? form.get(last) : null;
}
