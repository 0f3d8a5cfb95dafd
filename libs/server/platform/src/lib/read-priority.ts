import type { NextFunction, Request, Response } from 'express';
import { asDeferrableReads } from '@act/server/database';

/** Reads that must answer even under load: a load balancer's health check, the metrics scrape. */
const NEVER_DEFERRED = /^\/(api\/v1\/health|metrics)(\/|$)/;

/**
 * Express middleware: the database work of a GET or HEAD request (a dashboard read) waits
 * behind writes, ingest, syncs and projections when connections run out (see ConnectionGate).
 * Writes keep their place, so a crowd of readers cannot starve ingest.
 */
export function deferDashboardReads(request: Request, _response: Response, next: NextFunction): void {
  const read = request.method === 'GET' || request.method === 'HEAD';
  if (read && !NEVER_DEFERRED.test(request.path)) asDeferrableReads(next);
  else next();
}
