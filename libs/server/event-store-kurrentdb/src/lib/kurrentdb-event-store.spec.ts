import { randomUUID } from 'node:crypto';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { eventStoreContract } from '@act/server/event-store/testing';
import { KurrentDbEventStore } from './kurrentdb-event-store';
import { APPEND_ID_KEY, claimStreamName } from './mapping';
import { findKurrentDb, KurrentDbServer, startKurrentDb } from './testing/kurrentdb-server';

// Decided before any describe exists, so a missing server shows up as a skipped suite whose
// title says why (CI has no Docker and no server: green, and honest about it).
const target = await findKurrentDb();
const suite = target.kind === 'none' ? describe.skip : describe;
// Jest prints neither a skipped suite's title (unless verbose) nor the console output of a file whose
// tests were all skipped: write the reason to stderr, which every run shows.
if (target.kind === 'none') process.stderr.write(`KurrentDB contract suite ${target.reason}. Set EVENTSTORE_CONNECTION_STRING to run it against a server.\n`);

suite(`KurrentDbEventStore [${target.label}]`, () => {
  let server: KurrentDbServer | undefined;
  let store: KurrentDbEventStore;
  let other: KurrentDbEventStore;
  let raw: KurrentDBClient;

  beforeAll(async () => {
    server = await startKurrentDb(target);
    store = KurrentDbEventStore.connect(server.connectionString, { pollIntervalMs: 20 });
    // A second store on the same server stands in for a second api process.
    other = KurrentDbEventStore.connect(server.connectionString, { pollIntervalMs: 20 });
    raw = KurrentDBClient.connectionString(server.connectionString);
    await store.verify();
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    await other?.close();
    await raw?.dispose();
    await server?.stop();
  });

  eventStoreContract(() => store);

  describe('KurrentDB specifics', () => {
    const event = (data: unknown = { n: 1 }) => ({ id: randomUUID(), type: 'Specific', data });

    it('counts an event once when two processes append the same batch at the same time', async () => {
      const streamId = `race-${randomUUID()}`;
      const batch = Array.from({ length: 5 }, () => event());
      const results = await Promise.all([
        store.appendToStream(streamId, batch),
        other.appendToStream(streamId, batch),
        store.appendToStream(streamId, batch),
        other.appendToStream(streamId, batch),
      ]);
      expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(5);
      expect(results.reduce((sum, r) => sum + r.duplicates, 0)).toBe(15);
      expect(new Set(results.map((r) => r.position)).size).toBe(1);
      expect(await store.readStream(streamId)).toHaveLength(5);
    });

    it('refuses an id claimed for another stream by another process', async () => {
      const shared = event();
      await other.appendToStream(`a-${randomUUID()}`, [shared]);
      await expect(store.appendToStream(`b-${randomUUID()}`, [shared])).rejects.toMatchObject({ name: 'EventIdConflictError' });
    });

    it('keeps id claims and the append marker out of what readers see', async () => {
      const before = await store.headPosition();
      const streamId = `hidden-${randomUUID()}`;
      const stored = event();
      const result = await store.appendToStream(streamId, [{ ...stored, metadata: { actor: 'u1' } }]);
      const claim = [];
      for await (const resolved of raw.readStream(claimStreamName(stored.id), { maxCount: 1 })) claim.push(resolved);
      expect(claim).toHaveLength(1); // the claim exists on the server…
      const all = await store.readAll(before, 100);
      expect(all.map((e) => e.streamId)).toEqual([streamId]); // …but readAll shows only the event
      expect(all[0].metadata).toEqual({ actor: 'u1' });
      expect(APPEND_ID_KEY in all[0].metadata).toBe(false);
      expect(await store.headPosition()).toBe(result.position);
    });

    it('sees appends of another process on the next poll', async () => {
      const from = await store.headPosition();
      const controller = new AbortController();
      const received: string[] = [];
      const streamId = `poll-${randomUUID()}`;
      const consumer = (async () => {
        for await (const batch of store.subscribe(from, { signal: controller.signal })) {
          received.push(...batch.filter((e) => e.streamId === streamId).map((e) => e.id));
          if (received.length >= 3) controller.abort();
        }
      })();
      const events = [event(), event(), event()];
      await other.appendToStream(streamId, events);
      const timeout = setTimeout(() => controller.abort(), 20_000);
      await consumer;
      clearTimeout(timeout);
      expect(received).toEqual(events.map((e) => e.id));
    });
  });
});
