import { HttpErrorResponse } from '@angular/common/http';

interface ProblemBody {
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** The problem+json body of an API error (also when a blob request got it as a Blob-turned-string). */
export function problemOf(error: unknown): ProblemBody | null {
  if (!(error instanceof HttpErrorResponse)) return null;
  const body: unknown = error.error;
  if (typeof body === 'object' && body !== null && !(body instanceof Blob)) return body as ProblemBody;
  if (typeof body === 'string' && body.startsWith('{')) {
    try {
      return JSON.parse(body) as ProblemBody;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * A sentence a user can act on, for any error an API call produced. Same wording as the identity
 * pages (whose helper is internal to that library).
 */
export function describeError(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (!(error instanceof HttpErrorResponse)) return fallback;
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
    case 429:
      return 'Too many requests. Wait a moment and try again.';
  }
  return problem?.title ?? fallback;
}

/** A problem's field errors as `path: message` lines, for forms whose fields are not reactive controls. */
export function problemLines(error: unknown): string[] {
  return (problemOf(error)?.errors ?? []).map((entry) => `${entry.path}: ${entry.message}`);
}
