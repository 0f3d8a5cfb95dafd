import { randomUUID } from 'node:crypto';
import { PgPoolDatabase } from '@act/server/database';
import { describeOnEachEngine } from '@act/server/database/testing';
import { eventStoreContract } from '../testing/event-store-contract';
import { RecordedEvent } from './event-store';
import { PostgresEventStore } from './postgres-event-store';

describeOnEachEngine('PostgresEventStore', (database, engine) => {
  let store: PostgresEventStore;
  beforeAll(async () => {
    store = new PostgresEventStore(database().db, { pollIntervalMs: 20 });
    await store.migrate();
    await store.migrate(); // twice: migrations run on every start
  });

  eventStoreContract(() => store);

  // PGlite is one connection, so two transactions can never be open at once there.
  (engine === 'postgresql' ? it : it.skip)(
    'no subscriber skips an event when a later append tries to commit before an earlier one',
    async () => {
      const from = await store.headPosition();
      const controller = new AbortController();
      const received: RecordedEvent[] = [];
      const consumer = (async () => {
        for await (const batch of store.subscribe(from, { signal: controller.signal })) {
          received.push(...batch);
          if (received.length >= 2) controller.abort();
        }
      })();

      let commitFirst!: () => void;
      const firstMayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
      let firstAppended!: () => void;
      const firstHasAppended = new Promise<void>((resolve) => (firstAppended = resolve));
      const first = database().db.transaction(async (tx) => {
        const result = await store.appendWithin(tx, `slow-${randomUUID()}`, [{ id: randomUUID(), type: 'Slow', data: {} }]);
        firstAppended();
        await firstMayCommit;
        return result;
      });
      await firstHasAppended;

      // The second writer starts after the first drew its position and would commit first.
      let secondDone = false;
      const second = store
        .appendToStream(`fast-${randomUUID()}`, [{ id: randomUUID(), type: 'Fast', data: {} }])
        .finally(() => (secondDone = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(secondDone).toBe(false); // it waits for the first to commit…
      expect(await store.readAll(from, 10)).toEqual([]); // …and nothing is readable yet
      expect(received).toEqual([]);

      commitFirst();
      const [a, b] = await Promise.all([first, second]);
      store.notifyAppended();
      const timeout = setTimeout(() => controller.abort(), 10_000);
      await consumer;
      clearTimeout(timeout);
      expect(a.position < b.position).toBe(true);
      expect(received.map((e) => e.type)).toEqual(['Slow', 'Fast']);
    },
  );

  // Another process is another pool on the same database; its poll is set far beyond the test's
  // patience, so only the notification can wake it.
  (engine === 'postgresql' ? it : it.skip)('wakes a subscriber in another process when an append commits (LISTEN)', async () => {
    const url = database().url ?? '';
    const otherDb = PgPoolDatabase.open(url, { max: 2 });
    try {
      const other = new PostgresEventStore(otherDb, { pollIntervalMs: 60_000 });
      await other.listenForOtherProcesses();
      const from = await other.headPosition();
      const controller = new AbortController();
      const received: RecordedEvent[] = [];
      const consumer = (async () => {
        for await (const batch of other.subscribe(from, { signal: controller.signal })) {
          received.push(...batch);
          controller.abort();
        }
      })();
      // The subscriber has read the empty tail and now waits up to its 60 s poll.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const appended = await store.appendToStream(`elsewhere-${randomUUID()}`, [{ id: randomUUID(), type: 'Elsewhere', data: {} }]);
      const timeout = setTimeout(() => controller.abort(), 20_000);
      await consumer;
      clearTimeout(timeout);
      expect(received.map((e) => e.globalPosition)).toEqual([appended.position]);
    } finally {
      await otherDb.close();
    }
  });
});
