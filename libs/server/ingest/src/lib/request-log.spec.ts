import fc from 'fast-check';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import { RecordUsageHandler } from '@act/server/usage';
import { buildRequestType, latestUsage, observeUsage, USAGE_OBSERVED, type UsageLedgerEvent, type UsageObserved } from '@act/domain/usage';
import { readRequestRecord, sumRequests } from '@act/domain/request-usage';
import { RequestInbox, RequestLogAggregator, type InboxRequest } from './request-log';
import { migrateIngest } from './schema';
import { LedgerReader } from './ledger-reader';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const WS = 'ws-1';
const ACCOUNT = 'acc-1';

function request(id: string, day: string, prompt: number, completion: number, cached = 0, accountId = ACCOUNT): InboxRequest {
  const read = readRequestRecord(
    {
      requestId: id,
      provider: 'openai',
      model: 'gpt-4o-mini',
      timestamp: `${day}T12:00:00Z`,
      usage: { prompt_tokens: prompt, completion_tokens: completion, prompt_tokens_details: { cached_tokens: cached } },
    },
    { path: '', now: '2030-01-01T00:00:00.000Z' },
  );
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  const requestType = buildRequestType({ provider: 'openai', model: 'gpt-4o-mini', operation: 'chat/completions', serviceTier: 'standard', contextTier: 'standard' });
  return { request: read.value, requestType, workspaceId: WS, accountId, day, provider: 'openai' };
}

describeOnEachEngine('request log: inbox and fold', (database) => {
  let store: PostgresEventStore;
  let record: RecordUsageHandler;
  let clock: number;
  const db = () => database().db;
  const aggregator = (now = () => new Date(clock)) => new RequestLogAggregator(db(), record, { now, logger: quiet, sweepGraceMs: 0 });

  async function ledger(): Promise<UsageObserved[]> {
    const events = await store.readAll(0n, 100_000);
    return events.filter((e) => e.type === USAGE_OBSERVED).map((e) => ({ id: e.id, type: USAGE_OBSERVED, data: e.data }) as UsageObserved);
  }

  async function dayTotal(day: string, accountId = ACCOUNT) {
    const current = [...latestUsage((await ledger()) as UsageLedgerEvent[]).values()].find((e) => e.data.day === day && e.data.accountId === accountId);
    return current?.data;
  }

  beforeEach(async () => {
    await resetDatabase(db());
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
    await migrateIngest(db());
    record = new RecordUsageHandler(store);
    clock = Date.parse('2026-03-10T08:00:00.000Z');
  });

  it('stores a request once per account and requestId and marks its key', async () => {
    const inbox = new RequestInbox(db());
    const first = await inbox.accept([request('a', '2026-03-09', 10, 1), request('b', '2026-03-09', 20, 2), request('a', '2026-03-09', 99, 9)]);
    expect(first.inserted.map((i) => i.request.requestId)).toEqual(['a', 'b']);
    expect(first.duplicates.map((d) => [d.request.request.requestId, d.sameContent])).toEqual([['a', false]]);
    const again = await inbox.accept([request('b', '2026-03-09', 20, 2)]);
    expect(again.inserted).toEqual([]);
    expect(again.duplicates.map((d) => d.sameContent)).toEqual([true]);
    expect(await db().query(`select account_id, day::text as day, generation::text as generation from ingest_pending`)).toEqual([
      { account_id: ACCOUNT, day: '2026-03-09', generation: '1' },
    ]);
  });

  it('records the day total, and a fold after a crash records nothing twice', async () => {
    const inbox = new RequestInbox(db());
    const stored = await inbox.accept([request('a', '2026-03-09', 100, 10, 40), request('b', '2026-03-09', 50, 5)]);
    // Crash: the inbox is committed, nothing folded. The sweep does it.
    expect(await aggregator().sweep()).toBe(1);
    expect(await dayTotal('2026-03-09')).toMatchObject({ source: 'request-log', final: true, tokens: { inputUncached: 110, inputCachedRead: 40, output: 15 }, units: { requests: 2 } });
    const events = (await ledger()).length;
    // Folding again (a crash after the append, before the marker was cleared) appends nothing.
    await db().query(`insert into ingest_pending (account_id, day, request_type, workspace_id) values ($1, '2026-03-09', $2, $3)`, [ACCOUNT, stored.keys[0].requestType, WS]);
    clock += 60_000;
    expect(await aggregator().sweep()).toBe(1);
    expect((await ledger()).length).toBe(events);
    expect(await db().query('select * from ingest_pending')).toEqual([]);
  });

  it('gives each new total a later observedAt even when the clock goes back', async () => {
    const inbox = new RequestInbox(db());
    const first = await inbox.accept([request('a', '2026-03-09', 1, 1)]);
    await aggregator().fold(first.keys);
    const second = await inbox.accept([request('b', '2026-03-09', 1, 1)]);
    // Another process whose clock is an hour behind folds the next total.
    await aggregator(() => new Date(clock - 3_600_000)).fold(second.keys);
    expect((await dayTotal('2026-03-09'))?.units.requests).toBe(2);
    const observed = (await ledger()).map((e) => e.data.observedAt);
    expect(observed[1] > observed[0]).toBe(true);
  });

  it("keeps the provider's official usage over the request log of the same key", async () => {
    const inbox = new RequestInbox(db());
    const stored = await inbox.accept([request('a', '2026-03-09', 500, 50)]);
    const official = observeUsage({
      workspaceId: WS,
      accountId: ACCOUNT,
      day: '2026-03-09',
      provider: 'openai',
      model: 'gpt-4o-mini',
      operation: 'chat/completions',
      tokens: { inputUncached: 9000, output: 900 },
      units: { requests: 12 },
      source: 'usage-api',
      observedAt: '2026-03-10T07:00:00.000Z',
      final: true,
    });
    if (!official.ok) throw new Error('invalid');
    await record.handle([official.value]);
    const folder = new RequestLogAggregator(db(), record, { now: () => new Date(clock), logger: quiet, ledger: new LedgerReader(store) });
    expect(await folder.fold(stored.keys)).toEqual(new Map([[expect.any(String), { position: expect.any(BigInt), done: true }]]));
    expect(await dayTotal('2026-03-09')).toMatchObject({ source: 'usage-api', units: { requests: 12 } });
    expect(await db().query(`select official, requests::text as requests from ingest_aggregates`)).toEqual([{ official: true, requests: '1' }]);
  });

  it('folds concurrent batches into the reference total, whatever interleaves', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 8, max: 9 })), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (rows, resend) => {
          run += 1;
          const account = `prop-${run}`;
          const requests = rows.map(([prompt, completion, d], i) => request(`r${i}`, `2026-03-0${d}`, prompt, completion, 0, account));
          const sends = [...requests, ...resend.map((n) => requests[n % requests.length])];
          const inbox = new RequestInbox(db());
          const folder = aggregator();
          // Three writers at once, each a batch and its fold; one of them dies before folding.
          const thirds = [0, 1, 2].map((k) => sends.filter((_, i) => i % 3 === k));
          await Promise.all(
            thirds.map(async (batch, k) => {
              if (batch.length === 0) return;
              const stored = await inbox.accept(batch);
              if (k !== 2) await folder.fold(stored.keys);
            }),
          );
          await folder.sweep();
          for (const d of ['2026-03-08', '2026-03-09']) {
            const mine = requests.filter((r) => r.day === d);
            const total = await dayTotal(d, account);
            if (mine.length === 0) {
              expect(total).toBeUndefined();
              continue;
            }
            const expected = sumRequests(mine.map((r) => r.request.usage));
            expect({ tokens: total?.tokens, units: total?.units }).toEqual({ tokens: expected.tokens, units: expected.units });
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
