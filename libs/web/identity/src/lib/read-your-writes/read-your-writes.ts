import {
  HttpEvent,
  HttpInterceptorFn,
  HttpResponse,
} from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Position } from '@act/contracts';
import { tap } from 'rxjs';
import { apiPath, isApiUrl } from '../http/api';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Reads that must not be held back by a lagging projection: the health report
 * is how a user finds out that one is stuck.
 */
const NEVER_WAIT = [/^health$/];

/**
 * The highest event-store position this tab's writes produced. Positions are
 * bigints sent as decimal strings, so they are compared as BigInt, never as
 * strings ("10" < "9") or floats (precision ends at 2^53).
 */
@Injectable({ providedIn: 'root' })
export class PositionTracker {
  private highest: bigint | null = null;

  observe(position: Position): void {
    if (!/^\d{1,19}$/.test(position)) return;
    const value = BigInt(position);
    if (this.highest === null || value > this.highest) {
      this.highest = value;
    }
  }

  /** What to send as `?waitFor=`, or null before the first write. */
  waitFor(): Position | null {
    return this.highest === null ? null : this.highest.toString();
  }
}

/**
 * Read-your-writes: every write answers with the position it produced; every
 * later GET to the API carries `?waitFor=<highest position seen>`, so the
 * server answers only once its read models include our own writes (a list
 * fetched right after "connect account" contains the new account).
 */
export const readYourWritesInterceptor: HttpInterceptorFn = (req, next) => {
  if (!isApiUrl(req.url)) return next(req);
  const tracker = inject(PositionTracker);

  if (req.method === 'GET') {
    const waitFor = tracker.waitFor();
    const path = apiPath(req.url);
    const waits =
      waitFor !== null &&
      !req.params.has('waitFor') &&
      !/[?&]waitFor=/.test(req.url) &&
      !NEVER_WAIT.some((pattern) => pattern.test(path));
    return next(waits ? req.clone({ setParams: { waitFor } }) : req);
  }

  if (!WRITE_METHODS.has(req.method)) return next(req);
  return next(req).pipe(
    tap((event: HttpEvent<unknown>) => {
      if (event instanceof HttpResponse) {
        const position = positionOf(event.body);
        if (position !== null) tracker.observe(position);
      }
    }),
  );
};

function positionOf(body: unknown): Position | null {
  if (typeof body !== 'object' || body === null || !('position' in body)) {
    return null;
  }
  const position: unknown = body.position;
  if (typeof position === 'string') return position;
  // Tolerate a number, should a handler ever forget to stringify a small position.
  if (typeof position === 'number' && Number.isSafeInteger(position) && position >= 0) {
    return String(position);
  }
  return null;
}
