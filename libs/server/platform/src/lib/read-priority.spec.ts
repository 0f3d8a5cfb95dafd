import type { NextFunction, Request, Response } from 'express';
import { isDeferrableRead } from '@act/server/database';
import { deferDashboardReads } from './read-priority';

function markedFor(method: string, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const next: NextFunction = () => {
      // Checked after an await, as a controller would run.
      void Promise.resolve().then(() => resolve(isDeferrableRead()));
    };
    deferDashboardReads({ method, path } as Request, {} as Response, next);
  });
}

describe('deferDashboardReads', () => {
  it('marks dashboard reads deferrable', async () => {
    expect(await markedFor('GET', '/api/v1/workspaces/w/usage/summary')).toBe(true);
    expect(await markedFor('HEAD', '/api/v1/workspaces/w/alerts')).toBe(true);
  });

  it('leaves writes, ingest, health and metrics at normal priority', async () => {
    expect(await markedFor('POST', '/api/v1/ingest/usage')).toBe(false);
    expect(await markedFor('PUT', '/api/v1/workspaces/w/budgets/b')).toBe(false);
    expect(await markedFor('DELETE', '/api/v1/workspaces/w/manual-entries/m')).toBe(false);
    expect(await markedFor('GET', '/api/v1/health')).toBe(false);
    expect(await markedFor('GET', '/metrics')).toBe(false);
  });
});
