import { randomUUID } from 'node:crypto';
import { PgliteDatabase } from '@act/server/database';
import { PostgresEventStore } from '@act/server/event-store';
import { closeEventStore, openEventStore } from './event-store.provider';

describe('openEventStore', () => {
  let db: PgliteDatabase;
  beforeAll(async () => {
    db = await PgliteDatabase.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('opens the PostgreSQL store by default, with its tables ready', async () => {
    const store = await openEventStore({ EVENT_STORE: 'postgres', EVENT_POLL_INTERVAL_MS: 20 }, db);
    expect(store).toBeInstanceOf(PostgresEventStore);
    const result = await store.appendToStream(`s-${randomUUID()}`, [{ id: randomUUID(), type: 'T', data: {} }]);
    expect(await store.headPosition()).toBe(result.position);
    await closeEventStore(store); // nothing to release: the database is closed by its owner
    expect(await store.headPosition()).toBe(result.position);
  });

  it('refuses kurrentdb without a connection string', async () => {
    await expect(openEventStore({ EVENT_STORE: 'kurrentdb', EVENT_POLL_INTERVAL_MS: 20 }, db)).rejects.toThrow(/needs EVENTSTORE_CONNECTION_STRING/);
  });

  it('stops the start with a clear message when the KurrentDB server does not answer, without its password', async () => {
    // Port 1 on the loopback: nothing listens there, so the client fails at once.
    const opening = openEventStore(
      { EVENT_STORE: 'kurrentdb', EVENTSTORE_CONNECTION_STRING: 'kurrentdb://admin:changeit@127.0.0.1:1?tls=false', EVENT_POLL_INTERVAL_MS: 20 },
      db,
    );
    await expect(opening).rejects.toThrow(/The KurrentDB event store at kurrentdb:\/\/admin:\*\*\*@127\.0\.0\.1:1\/?\?tls=false did not answer/);
    await expect(opening).rejects.not.toThrow(/changeit/);
  });

  it('refuses a malformed connection string without echoing its password', async () => {
    const opening = openEventStore(
      { EVENT_STORE: 'kurrentdb', EVENTSTORE_CONNECTION_STRING: 'kurrentdb://admin:changeit@db:notaport?tls=false', EVENT_POLL_INTERVAL_MS: 20 },
      db,
    );
    await expect(opening).rejects.toThrow(/EVENTSTORE_CONNECTION_STRING is not a valid KurrentDB connection string/);
    await expect(opening).rejects.not.toThrow(/changeit/);
  });
});
