import type { HealthResponse } from '@act/contracts';

export function healthFixture(): HealthResponse {
  return {
    status: 'ok',
    version: '0.1.0-test',
    uptimeSeconds: 3_725,
    database: { driver: 'pglite', ok: true },
    eventStore: { ok: true, headPosition: '9007199254740993' },
    projections: [
      {
        name: 'usage-daily',
        activeVersion: 2,
        checkpoint: '9007199254740990',
        lag: '3',
        lastError: null,
        rebuild: {
          version: 3,
          checkpoint: '4500',
          target: '9000',
          progress: 0.5,
          startedAt: '2025-01-01T00:00:00.000Z',
        },
      },
      {
        name: 'accounts',
        activeVersion: 1,
        checkpoint: '9007199254740993',
        lag: '0',
        lastError: null,
        rebuild: null,
      },
    ],
  };
}
