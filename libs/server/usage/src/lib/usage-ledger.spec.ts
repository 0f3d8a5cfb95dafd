import fc from 'fast-check';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import { ProjectionRunner } from '@act/server/projections';
import {
  foldLatest,
  observeUsage,
  reportCost,
  type CostReportInput,
  type UsageLedgerEvent,
  type UsageObservationInput,
} from '@act/domain/usage';
import { RecordUsageHandler } from './record-usage';
import { usageLedgerProjection } from './usage-ledger.projection';
import { UsageQueries } from './usage-queries';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

function usage(overrides: Partial<UsageObservationInput> = {}): UsageLedgerEvent {
  const result = observeUsage({
    workspaceId: 'ws1',
    accountId: 'acc1',
    day: '2026-10-05',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    operation: 'chat/completions',
    tokens: { inputUncached: 1000, output: 200 },
    units: { requests: 3 },
    source: 'usage-api',
    observedAt: '2026-10-06T01:00:00.000Z',
    final: true,
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

function cost(overrides: Partial<CostReportInput> = {}): UsageLedgerEvent {
  const result = reportCost({
    workspaceId: 'ws1',
    accountId: 'acc1',
    day: '2026-10-05',
    provider: 'openai',
    description: 'gpt-4o-mini, input',
    amount: '0.15',
    currency: 'USD',
    source: 'usage-api',
    observedAt: '2026-10-06T01:00:00.000Z',
    final: true,
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describeOnEachEngine('usage ledger', (database) => {
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let record: RecordUsageHandler;
  const db = () => database().db;
  const drain = async () => {
    for (let i = 0; i < 1000 && (await runner.runOnce()); i++);
  };
  const rows = () =>
    db().query<{ key: string; output: string; event_id: string }>(
      `select workspace_id || '/' || account_id || '/' || day || '/' || request_type as key, output::text, event_id
         from usage_latest order by 1`,
    );

  beforeEach(async () => {
    await resetDatabase(db());
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
    runner = new ProjectionRunner(db(), store, [usageLedgerProjection], { logger: quiet, batchSize: 5 });
    await runner.initialize();
    record = new RecordUsageHandler(store);
  });

  it('records observations once: re-sending, retrying and replaying change no total', async () => {
    const batch = [usage(), usage({ day: '2026-10-06', observedAt: '2026-10-07T01:00:00.000Z' }), cost()];
    const first = await record.handle(batch);
    expect(first).toMatchObject({ appended: 3, unchanged: 0 });
    const again = await record.handle(batch);
    expect(again).toMatchObject({ appended: 0, unchanged: 3 });
    await drain();
    const summary = await new UsageQueries(db()).monthSummary('ws1', '2026-10');
    expect(summary.counts.rows).toBe(2);
    const [tokens] = await db().query<{ input: string; output: string; requests: string }>(
      `select sum(input_uncached)::text as input, sum(output)::text as output, sum(requests)::text as requests
         from usage_latest where workspace_id = 'ws1'`,
    );
    expect(tokens).toEqual({ input: '2000', output: '400', requests: '6' });
    expect(summary.reconciled).toBe('0.15');
  });

  it('lets a revision replace a day, and a revert go back (A → B → A)', async () => {
    const a = usage({ observedAt: '2026-10-06T01:00:00.000Z', final: false });
    const b = usage({ observedAt: '2026-10-06T02:00:00.000Z', tokens: { inputUncached: 1500, output: 300 } });
    const aAgain = usage({ observedAt: '2026-10-06T03:00:00.000Z', final: false });
    await record.handle([a]);
    await record.handle([b]);
    expect((await record.handle([aAgain])).appended).toBe(1);
    await drain();
    expect((await rows()).map((r) => r.output)).toEqual(['200']);
  });

  it('keeps every workspace to itself', async () => {
    await record.handle([usage(), usage({ workspaceId: 'ws2', tokens: { output: 999_999 } })]);
    await drain();
    const summary = await new UsageQueries(db()).monthSummary('ws1', '2026-10');
    expect(summary.counts.rows).toBe(1);
    expect(summary.byModel).toHaveLength(1);
  });

  it('the read model equals the domain fold for any arrival order, and replaying a batch changes nothing', async () => {
    const keys = ['2026-10-01', '2026-10-02', '2026-10-03'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            day: fc.constantFrom(...keys),
            model: fc.constantFrom('gpt-4o', 'gpt-4o-mini'),
            minute: fc.integer({ min: 0, max: 50 }),
            output: fc.integer({ min: 0, max: 10_000 }),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (observations) => {
          await resetDatabase(db());
          await store.migrate();
          await runner.initialize();
          const events = observations.map((o) =>
            usage({
              day: o.day,
              model: o.model,
              tokens: { output: o.output },
              observedAt: `${o.day}T23:${String(o.minute).padStart(2, '0')}:00.000Z`,
              final: false,
            }),
          );
          // Append straight to the store (no deciding), in the generated order: the projection
          // alone must get latest-wins right.
          for (const event of events) {
            await store.appendToStream(`raw-${event.id}`, [event]);
          }
          await drain();
          const expected = [...foldLatest(events).values()]
            .map((e) => ({ key: `${e.data.workspaceId}/${e.data.accountId}/${e.data.day}/${'requestType' in e.data ? e.data.requestType : ''}`, id: e.id }))
            .sort((x, y) => (x.key < y.key ? -1 : 1));
          const actual = (await rows()).sort((x, y) => (x.key < y.key ? -1 : 1));
          expect(actual.map((r) => r.event_id)).toEqual(expected.map((e) => e.id));

          // Replaying the whole log through the handler again is a no-op.
          const all = await store.readAll(0n, 10_000);
          await db().transaction(async (tx) => {
            await tx.query('set local search_path to proj_usage_ledger_v1, public');
            await usageLedgerProjection.apply(tx, all, { rebuilding: false, version: 1 });
          });
          expect((await rows()).sort((x, y) => (x.key < y.key ? -1 : 1))).toEqual(actual);
        },
      ),
      { numRuns: 15 },
    );
  });
});
