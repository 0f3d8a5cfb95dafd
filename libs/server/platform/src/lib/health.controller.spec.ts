import { PgliteDatabase } from '@act/server/database';
import { KurrentDbEventStore } from '@act/server/event-store-kurrentdb';
import { ProjectionRunner } from '@act/server/projections';
import { closeEventStore, openEventStore } from './event-store.provider';
import { HealthController } from './health.controller';

describe('HealthController', () => {
  let db: PgliteDatabase;
  beforeAll(async () => {
    db = await PgliteDatabase.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reports the database and the event log head when both answer', async () => {
    const store = await openEventStore({ EVENT_STORE: 'postgres', EVENT_POLL_INTERVAL_MS: 20 }, db);
    const runner = new ProjectionRunner(db, store, []);
    await runner.initialize();
    try {
      expect(await new HealthController(db, runner, store).health()).toMatchObject({
        status: 'ok',
        database: { driver: 'pglite', ok: true },
        eventStore: { ok: true, headPosition: String(await store.headPosition()) },
      });
    } finally {
      await runner.stop();
    }
  });

  it('says the event store, not the database, fails when a KurrentDB server does not answer', async () => {
    // Port 1 on the loopback: nothing listens there, so the client fails at once.
    const store = KurrentDbEventStore.connect('kurrentdb://127.0.0.1:1?tls=false', { pollIntervalMs: 20 });
    const runner = new ProjectionRunner(db, store, []);
    await runner.initialize();
    try {
      expect(await new HealthController(db, runner, store).health()).toMatchObject({
        status: 'degraded',
        database: { driver: 'pglite', ok: true },
        eventStore: { ok: false, headPosition: null },
      });
    } finally {
      await runner.stop();
      await closeEventStore(store);
    }
  });
});
