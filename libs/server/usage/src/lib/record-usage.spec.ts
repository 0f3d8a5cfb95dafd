import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { EventStore, PostgresEventStore, ReadStreamOptions } from '@act/server/event-store';
import { foldLatest, ledgerStreamId, observeUsage, type UsageLedgerEvent, type UsageObservationInput } from '@act/domain/usage';
import { RecordUsageHandler } from './record-usage';

function usage(overrides: Partial<UsageObservationInput> = {}): UsageLedgerEvent {
  const result = observeUsage({
    workspaceId: 'ws1',
    accountId: 'acc1',
    day: '2026-10-05',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    operation: 'chat/completions',
    tokens: { inputUncached: 1000, output: 200 },
    source: 'usage-api',
    observedAt: '2026-10-06T01:00:00.000Z',
    final: true,
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

/** A day's observation revised `n` times: later observedAt, growing numbers. */
function revision(day: number, n: number, model = 'gpt-4o-mini-2024-07-18'): UsageLedgerEvent {
  const dd = String(day).padStart(2, '0');
  return usage({
    day: `2026-10-${dd}`,
    model,
    observedAt: `2026-10-${dd}T${String(n).padStart(2, '0')}:00:00.000Z`,
    tokens: { inputUncached: 1000 + n, output: 10 * n },
    final: false,
  });
}

/** The tokens as canonical JSON (jsonb does not keep key order). */
function tokensOf(event: UsageLedgerEvent): string {
  const tokens = (event.data as unknown as { tokens: Record<string, unknown> }).tokens;
  return JSON.stringify(tokens, Object.keys(tokens).sort());
}

/** Counts the revisions each `readStream` starts from, to see what the handler re-reads. */
function countingReads(store: EventStore): { store: EventStore; fromRevisions: bigint[] } {
  const fromRevisions: bigint[] = [];
  const counting = Object.create(store) as EventStore;
  counting.readStream = (streamId: string, options?: ReadStreamOptions) => {
    fromRevisions.push(options?.fromRevision ?? 0n);
    return store.readStream(streamId, options);
  };
  return { store: counting, fromRevisions };
}

describeOnEachEngine('RecordUsageHandler', (database) => {
  let store: PostgresEventStore;
  const db = () => database().db;
  const stream = ledgerStreamId(usage().data);

  /** The current observation per key as the store holds it: what any reader folds. */
  async function storedCurrent(): Promise<Map<string, string>> {
    const events = (await store.readStream(stream)).map((e) => ({ id: e.id, type: e.type, data: e.data }) as UsageLedgerEvent);
    const winners = foldLatest(events);
    return new Map([...winners].map(([key, event]) => [key, tokensOf(event)]));
  }

  beforeEach(async () => {
    await resetDatabase(db());
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
  });

  it('reads only the events appended since its last call, not the whole account-month', async () => {
    const { store: counting, fromRevisions } = countingReads(store);
    const record = new RecordUsageHandler(counting);
    for (let day = 1; day <= 5; day++) await record.handle([revision(day, 1)]);
    // One read per call, each from the revision after the last event it folded.
    expect(fromRevisions).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect((await record.handle([revision(1, 1)])).appended).toBe(0);
    expect(fromRevisions[fromRevisions.length - 1]).toBe(5n);
  });

  it('sees what another process appended meanwhile, and decides against it', async () => {
    const here = new RecordUsageHandler(store);
    const elsewhere = new RecordUsageHandler(store);
    await here.handle([revision(1, 1)]);
    await elsewhere.handle([revision(1, 3)]);
    // Older than what the other process recorded: changes nothing, although this process's
    // cached fold last saw revision 1.
    expect((await here.handle([revision(1, 2)])).appended).toBe(0);
    expect((await here.handle([revision(1, 4)])).appended).toBe(1);
    expect([...(await storedCurrent()).values()]).toEqual([tokensOf(revision(1, 4))]);
  });

  it('recovers from losing a race for the stream (expected revision) and records each fact once', async () => {
    const here = new RecordUsageHandler(store);
    await here.handle([revision(1, 1)]);
    // Another process appends between this handler's read and its append: simulated by a store
    // whose first readStream lets a rival write right after reading.
    const rival = new RecordUsageHandler(store);
    let raced = false;
    const racing = Object.create(store) as EventStore;
    racing.readStream = async (streamId: string, options?: ReadStreamOptions) => {
      const page = await store.readStream(streamId, options);
      if (!raced) {
        raced = true;
        await rival.handle([revision(2, 1)]);
      }
      return page;
    };
    const loser = new RecordUsageHandler(racing);
    const result = await loser.handle([revision(2, 1), revision(3, 1)]);
    // Day 2 was recorded by the rival with the same content: only day 3 is new.
    expect(result.appended).toBe(1);
    const events = await store.readStream(stream);
    expect(events).toHaveLength(3);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  it('serialises concurrent calls for one stream in a process: no conflict, the same result as one at a time', async () => {
    const record = new RecordUsageHandler(store);
    const batches = Array.from({ length: 20 }, (_, i) => [revision((i % 5) + 1, Math.floor(i / 5) + 1), revision(10 + (i % 3), i + 1)]);
    const results = await Promise.all(batches.map((batch) => record.handle(batch)));
    const appended = results.reduce((sum, r) => sum + r.appended, 0);
    expect(appended).toBe((await store.readStream(stream)).length);

    const stored = await store.readStream(stream);
    const expected = foldLatest(batches.flat());
    const current = await storedCurrent();
    expect(current.size).toBe(expected.size);
    for (const [key, event] of expected) expect(current.get(key)).toBe(tokensOf(event));
    expect(new Set(stored.map((e) => e.id)).size).toBe(stored.length);
  });

  it('stays correct when more streams are used than it keeps in memory', async () => {
    const record = new RecordUsageHandler(store, { cachedStreams: 2 });
    const accounts = ['a1', 'a2', 'a3', 'a4'];
    for (let round = 1; round <= 3; round++) {
      for (const accountId of accounts) {
        const observation = usage({ accountId, observedAt: `2026-10-06T0${round}:00:00.000Z`, tokens: { output: round } });
        expect((await record.handle([observation])).appended).toBe(1);
        // A re-send right after, and after the entry was evicted, changes nothing.
        expect((await record.handle([observation])).appended).toBe(0);
      }
    }
    for (const accountId of accounts) {
      const events = await store.readStream(ledgerStreamId(usage({ accountId }).data));
      expect(events).toHaveLength(3);
    }
  });
});
