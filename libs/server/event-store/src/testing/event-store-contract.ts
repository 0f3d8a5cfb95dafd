import { randomUUID } from 'node:crypto';
import { EventIdConflictError, InvalidEventError, WrongExpectedRevisionError } from '../lib/errors';
import { EventStore, NewEvent, RecordedEvent } from '../lib/event-store';

/**
 * The behaviour every EventStore adapter must show. Call inside a describe block with a
 * function returning a ready store; the suite isolates itself with fresh stream ids, so the
 * store may be shared across its tests (and with other suites).
 */
export function eventStoreContract(store: () => EventStore): void {
  const event = (type = 'Tested', data: unknown = { n: 1 }, metadata?: Record<string, unknown>): NewEvent => ({
    id: randomUUID(),
    type,
    data,
    metadata,
  });
  const stream = (prefix = 'contract') => `${prefix}-${randomUUID()}`;

  describe('appending and reading a stream', () => {
    it('stores events in order with revisions from 0 and rising global positions', async () => {
      const id = stream();
      const events = [event('A', { n: 1 }, { actor: 'u1' }), event('B', { n: 2 }), event('C', { nested: { ok: true } })];
      const result = await store().appendToStream(id, events, { expectedRevision: 'no_stream' });
      expect(result).toMatchObject({ streamId: id, nextExpectedRevision: 2n, appended: 3, duplicates: 0 });

      const read = await store().readStream(id);
      expect(read.map((e) => [e.id, e.type, e.data, e.streamPosition])).toEqual([
        [events[0].id, 'A', { n: 1 }, 0n],
        [events[1].id, 'B', { n: 2 }, 1n],
        [events[2].id, 'C', { nested: { ok: true } }, 2n],
      ]);
      expect(read[0].metadata).toEqual({ actor: 'u1' });
      expect(read[1].metadata).toEqual({});
      expect(read[0].globalPosition < read[1].globalPosition && read[1].globalPosition < read[2].globalPosition).toBe(true);
      expect(result.position).toBe(read[2].globalPosition);
      for (const e of read) expect(Math.abs(e.recordedAt.getTime() - Date.now())).toBeLessThan(5 * 60_000);
    });

    it('reads a stream from a revision, with a limit', async () => {
      const id = stream();
      await store().appendToStream(id, [event(), event(), event(), event()]);
      const read = await store().readStream(id, { fromRevision: 1n, limit: 2 });
      expect(read.map((e) => e.streamPosition)).toEqual([1n, 2n]);
      expect(await store().readStream(stream('missing'))).toEqual([]);
    });

    it('keeps JSON data exactly, including strings that look like numbers and unicode', async () => {
      const id = stream();
      const data = { amount: '12.3456789012345678', big: '9007199254740993', text: 'naïve — 日本 🚀', list: [1, null, 'x'] };
      await store().appendToStream(id, [event('Exact', data)]);
      expect((await store().readStream(id))[0].data).toEqual(data);
    });
  });

  describe('expected revision', () => {
    it('accepts the exact revision and refuses a stale one with the actual revision', async () => {
      const id = stream();
      await store().appendToStream(id, [event(), event()], { expectedRevision: 'no_stream' });
      await store().appendToStream(id, [event()], { expectedRevision: 1n });
      const stale = store().appendToStream(id, [event()], { expectedRevision: 1n });
      await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await expect(stale).rejects.toMatchObject({ streamId: id, expected: 1n, actual: 2n });
      expect(await store().readStream(id)).toHaveLength(3);
    });

    it('no_stream refuses an existing stream; stream_exists and a revision refuse a missing one', async () => {
      const id = stream();
      await store().appendToStream(id, [event()]);
      await expect(store().appendToStream(id, [event()], { expectedRevision: 'no_stream' })).rejects.toMatchObject({
        actual: 0n,
      });
      const missing = stream('missing');
      await expect(store().appendToStream(missing, [event()], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
        actual: undefined,
      });
      await expect(store().appendToStream(missing, [event()], { expectedRevision: 0n })).rejects.toBeInstanceOf(
        WrongExpectedRevisionError,
      );
      expect(await store().readStream(missing)).toEqual([]);
      await store().appendToStream(id, [event()], { expectedRevision: 'stream_exists' });
      expect(await store().readStream(id)).toHaveLength(2);
    });
  });

  describe('idempotency by event id', () => {
    it('re-appending stored events is a no-op reported as duplicates, whatever revision was expected', async () => {
      const id = stream();
      const events = [event(), event()];
      const first = await store().appendToStream(id, events, { expectedRevision: 'no_stream' });
      const again = await store().appendToStream(id, events, { expectedRevision: 'no_stream' });
      expect(again).toMatchObject({ appended: 0, duplicates: 2, nextExpectedRevision: 1n, position: first.position });
      expect(await store().readStream(id)).toHaveLength(2);
    });

    it('appends only the new events of a partly repeated batch', async () => {
      const id = stream();
      const [a, b, c] = [event(), event(), event()];
      await store().appendToStream(id, [a, b]);
      const result = await store().appendToStream(id, [b, c]);
      expect(result).toMatchObject({ appended: 1, duplicates: 1, nextExpectedRevision: 2n });
      expect((await store().readStream(id)).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
    });

    it('stores an event repeated inside one batch once', async () => {
      const id = stream();
      const a = event();
      const result = await store().appendToStream(id, [a, a, { ...a, id: a.id.toUpperCase() }]);
      expect(result).toMatchObject({ appended: 1, duplicates: 2 });
      expect(await store().readStream(id)).toHaveLength(1);
    });

    it('refuses an id already stored in another stream', async () => {
      const a = event();
      await store().appendToStream(stream(), [a]);
      await expect(store().appendToStream(stream(), [a])).rejects.toBeInstanceOf(EventIdConflictError);
    });

    it('stores each id once when many writers append the same events at the same time', async () => {
      const id = stream();
      const events = Array.from({ length: 20 }, () => event());
      const results = await Promise.all(Array.from({ length: 8 }, () => store().appendToStream(id, events)));
      expect(results.reduce((sum, r) => sum + r.appended, 0)).toBe(20);
      expect(new Set(results.map((r) => r.position)).size).toBe(1);
      expect(await store().readStream(id)).toHaveLength(20);
    });
  });

  describe('bad input', () => {
    it.each([
      ['an empty batch', stream(), []],
      ['a non-UUID id', stream(), [{ id: 'not-a-uuid', type: 'X', data: {} }]],
      ['an empty type', stream(), [{ id: randomUUID(), type: '', data: {} }]],
      ['an empty stream id', '', [{ id: randomUUID(), type: 'X', data: {} }]],
    ])('refuses %s and stores nothing', async (_label, streamId, events) => {
      const head = await store().headPosition();
      await expect(store().appendToStream(streamId as string, events as NewEvent[])).rejects.toBeInstanceOf(InvalidEventError);
      expect(await store().readAll(head, 10)).toEqual([]);
    });
  });

  describe('the global log', () => {
    it('pages through readAll in order and reports the head', async () => {
      const before = await store().headPosition();
      const id = stream();
      const appended = await store().appendToStream(id, [event(), event(), event(), event(), event()]);
      expect(await store().headPosition()).toBe(appended.position);
      const page1 = await store().readAll(before, 2);
      const page2 = await store().readAll(page1[1].globalPosition, 10);
      const ours = [...page1, ...page2].filter((e) => e.streamId === id);
      expect(ours.map((e) => e.streamPosition)).toEqual([0n, 1n, 2n, 3n, 4n]);
      expect(await store().readAll(appended.position, 10)).toEqual([]);
    });

    it('resumes from any checkpoint with exactly the events after it (positions rise but need not be dense)', async () => {
      const from = await store().headPosition();
      const streams = [stream('resume'), stream('resume')];
      for (let i = 0; i < 4; i++) {
        for (const id of streams) await store().appendToStream(id, [event('Resume', { i })]);
      }
      const ours = (e: RecordedEvent) => streams.includes(e.streamId);
      const all = (await store().readAll(from, 10_000)).filter(ours);
      expect(all).toHaveLength(8);
      for (let k = 0; k < all.length; k++) {
        // Paging on from a checkpoint, the way a projection catches up after a restart…
        const rest: RecordedEvent[] = [];
        for (let after = all[k].globalPosition; ; ) {
          const page = await store().readAll(after, 3);
          if (page.length === 0) break;
          rest.push(...page.filter(ours));
          after = page[page.length - 1].globalPosition;
        }
        expect(rest.map((e) => e.id)).toEqual(all.slice(k + 1).map((e) => e.id));
      }
      // …and live, the way a running projection does.
      const live: RecordedEvent[] = [];
      const controller = new AbortController();
      const timeout = setTimeout(() => controller.abort(), 20_000);
      for await (const batch of store().subscribe(all[3].globalPosition, { signal: controller.signal, batchSize: 2 })) {
        live.push(...batch.filter(ours));
        if (live.length >= 4) controller.abort();
      }
      clearTimeout(timeout);
      expect(live.map((e) => e.id)).toEqual(all.slice(4).map((e) => e.id));
    });

    it('serialises concurrent writers on one stream: with expected revisions exactly one wins each round', async () => {
      const id = stream();
      await store().appendToStream(id, [event()]);
      const outcomes = await Promise.allSettled(
        Array.from({ length: 6 }, () => store().appendToStream(id, [event()], { expectedRevision: 0n })),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes.filter((o) => o.status === 'rejected')) {
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      const anyRevision = await Promise.all(Array.from({ length: 10 }, () => store().appendToStream(id, [event(), event()])));
      expect(anyRevision.every((r) => r.appended === 2)).toBe(true);
      const revisions = (await store().readStream(id)).map((e) => e.streamPosition);
      expect(revisions).toEqual(Array.from({ length: 22 }, (_, i) => BigInt(i)));
    });

    it('gives a subscriber every event of concurrent writers exactly once, in order', async () => {
      const from = await store().headPosition();
      const controller = new AbortController();
      const received: RecordedEvent[] = [];
      const streams = Array.from({ length: 6 }, () => stream('sub'));
      const expected = streams.length * 10;
      const consumer = (async () => {
        for await (const batch of store().subscribe(from, { signal: controller.signal, batchSize: 7 })) {
          received.push(...batch.filter((e) => streams.includes(e.streamId)));
          if (received.length >= expected) controller.abort();
        }
      })();
      await Promise.all(
        streams.map(async (id) => {
          for (let i = 0; i < 5; i++) await store().appendToStream(id, [event('Sub', { i }), event('Sub', { i })]);
        }),
      );
      const timeout = setTimeout(() => controller.abort(), 20_000);
      await consumer;
      clearTimeout(timeout);
      expect(received).toHaveLength(expected);
      expect(new Set(received.map((e) => e.id)).size).toBe(expected);
      for (let i = 1; i < received.length; i++) {
        expect(received[i].globalPosition > received[i - 1].globalPosition).toBe(true);
      }
      const logged = (await store().readAll(from, 10_000)).filter((e) => streams.includes(e.streamId));
      expect(received.map((e) => e.id)).toEqual(logged.map((e) => e.id));
    });
  });
}
