import Decimal from 'decimal.js';
import fc from 'fast-check';
import { PRICE_SET, PriceCatalogue } from '@act/domain/pricing';
import { foldLatest, USAGE_OBSERVED, type UsageObserved } from '@act/domain/usage';
import { describeOnEachEngine } from '@act/server/database/testing';
import { CostCommands } from './cost-commands';
import { priceLedgerUsage } from './ledger-pricing';
import { PriceChanges } from './price-changes';
import { PricingCommands } from './pricing-commands';
import { cost, dumpReadModel, openHarness, usage, type LedgerHarness } from './testing/ledger-test-kit';
import { usageLedgerProjection } from './usage-ledger.projection';
import { IN_VERSION } from './query-support';
import { UsageQueries } from './usage-queries';

const now = new Date('2026-11-02T10:00:00.000Z');

describeOnEachEngine('usage ledger replay', (database) => {
  const db = () => database().db;

  it('replaying every event twice, and rebuilding twice, gives the same read model', async () => {
    const h = await openHarness(db(), { worker: { now: () => now } });
    await h.seed();
    const costs = new CostCommands(h.store);
    const changes = new PriceChanges(h.store, db());
    await h.record.handle([
      usage({ day: '2026-09-15' }),
      usage({ day: '2026-10-01', final: false }),
      usage({ day: '2026-10-02', accountId: 'acc2', model: 'gpt-4o', source: 'manual' }),
      usage({ day: '2026-10-02', model: 'mystery-model' }),
      usage({ day: '2026-10-03', workspaceId: 'ws2' }),
      cost({ day: '2026-10-01', amount: '0.0002', final: false }),
    ]);
    await h.drain();
    await costs.closePeriod('ws1', '2026-09', { actor: 'u2', now });
    await changes.apply('ws1', { provider: 'openai', model: 'gpt-4o-mini', prices: { input: '0.0000002', output: '0.0000008' }, effectiveFrom: '2026-09-01' }, { actor: 'u1', now });
    await h.drain();
    // A revision and late data, then an instance-wide price that the worker follows up on its own.
    await h.record.handle([usage({ day: '2026-10-01', observedAt: '2026-10-08T00:00:00.000Z', tokens: { output: 5000 } })]);
    await new PricingCommands(h.store).setPrice(
      { workspaceId: null, provider: 'openai', model: 'gpt-4o', prices: { input: '0.000003', output: '0.000012' }, effectiveFrom: '2026-10-01' },
      { actor: 'admin', now },
    );
    await h.drain();
    expect(await h.worker.startPendingRecomputes()).toHaveLength(1);
    await h.drain();
    const live = await dumpReadModel(db());
    expect(live['cost_versions']).toHaveLength(2);
    expect(live['cost_estimates'].length).toBeGreaterThan(6);

    // 1. Every event again, on top of the live tables: nothing changes.
    const all = await h.store.readAll(0n, 100_000);
    const [active] = await db().query<{ schema_name: string }>(`select schema_name from projection_versions where name = 'usage_ledger' and status = 'active'`);
    await db().transaction(async (tx) => {
      await tx.query(`set local search_path to "${active.schema_name}", public`);
      await usageLedgerProjection.apply(tx, all, { rebuilding: false, version: 1 });
    });
    expect(await dumpReadModel(db())).toEqual(live);

    // 2. Rebuilt from position 0 (activations computed in the projection, the staged rows being
    //    gone), twice: the same rows, to the last NUMERIC digit and price version id.
    for (let round = 0; round < 2; round++) {
      await h.runner.rebuild('usage_ledger');
      for (let i = 0; i < 100 && (await h.runner.runOnce()); i++);
      const [rebuilt] = await db().query<{ schema_name: string }>(`select schema_name from projection_versions where name = 'usage_ledger' and status = 'active'`);
      expect(rebuilt.schema_name).not.toBe(active.schema_name);
      expect(await dumpReadModel(db())).toEqual(live);
      // The replay deferred its ANALYZEs; readers still get tables with planner statistics.
      const analyzed = await db().query<{ relname: string }>(
        `select relname from pg_stat_all_tables where schemaname = $1 and coalesce(last_analyze, last_autoanalyze) is not null order by relname`,
        [rebuilt.schema_name],
      );
      expect(analyzed.map((r) => r.relname)).toEqual(expect.arrayContaining(['cost_estimates', 'cost_latest', 'usage_latest']));
    }
  });

  it('estimated totals equal a straightforward reference computation, to the cent, for any history of usage, prices and recomputes', async () => {
    const days = ['2026-09-29', '2026-09-30', '2026-10-01', '2026-10-02'];
    const models = [
      ['openai', 'gpt-4o-mini-2024-07-18'],
      ['openai', 'gpt-4o'],
      ['anthropic', 'claude-sonnet-4-5'],
      ['openai', 'mystery-model'],
    ] as const;
    const op = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant('usage' as const),
          workspaceId: fc.constantFrom('ws1', 'ws2'),
          accountId: fc.constantFrom('a', 'b'),
          day: fc.constantFrom(...days),
          model: fc.constantFrom(...models),
          input: fc.integer({ min: 0, max: 2_000_000 }),
          output: fc.integer({ min: 0, max: 500_000 }),
          minute: fc.integer({ min: 0, max: 59 }),
          final: fc.boolean(),
          manual: fc.boolean(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('price' as const),
          workspaceId: fc.constantFrom<string | null>('ws1', null),
          model: fc.constantFrom('gpt-4o-mini', 'gpt-4o', 'mystery-model'),
          effectiveFrom: fc.constantFrom('2026-09-01', ...days),
          input: fc.constantFrom('0.0000001', '0.00000033', '0.0000025'),
          output: fc.constantFrom('0.0000004', '0.0000011', '0.00001'),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('recompute' as const), workspaceId: fc.constantFrom('ws1', 'ws2') }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('step' as const), passes: fc.integer({ min: 1, max: 3 }) }) },
    );
    let h: LedgerHarness | undefined;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        h = await openHarness(db(), { batchSize: 4, worker: { now: () => now, batchSize: 2 } });
        await h.seed();
        const pricing = new PricingCommands(h.store);
        for (const o of ops) {
          if (o.kind === 'usage') {
            const next = new Date(Date.parse(`${o.day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
            await h.record.handle([
              usage({
                workspaceId: o.workspaceId,
                accountId: o.accountId,
                day: o.day,
                provider: o.model[0],
                model: o.model[1],
                tokens: { inputUncached: o.input, output: o.output },
                observedAt: `${next}T01:${String(o.minute).padStart(2, '0')}:00.000Z`,
                final: o.final,
                source: o.manual ? 'manual' : 'usage-api',
              }),
            ]);
          } else if (o.kind === 'price') {
            await pricing.setPrice(
              { workspaceId: o.workspaceId, provider: 'openai', model: o.model, prices: { input: o.input, output: o.output }, effectiveFrom: o.effectiveFrom },
              { now },
            );
          } else if (o.kind === 'recompute') {
            await h.runner.runOnce();
            await h.worker.startPendingRecomputes([o.workspaceId]);
          } else {
            for (let i = 0; i < o.passes; i++) {
              await h.runner.runOnce();
              await h.worker.runOnce();
            }
          }
        }
        // Settle: finish running recomputes, start the ones prices still call for, until none.
        for (let round = 0; round < 20; round++) {
          await h.drain();
          if ((await h.worker.startPendingRecomputes()).length === 0) break;
        }

        const log = await h.store.readAll(0n, 100_000);
        const catalogue = PriceCatalogue.fromEvents(log.filter((e) => e.type === PRICE_SET).map((e) => ({ id: e.id, type: e.type, data: e.data })));
        const latest = foldLatest(log.filter((e) => e.type === USAGE_OBSERVED).map((e) => ({ id: e.id, type: e.type, data: e.data }) as UsageObserved));
        const expected = new Map<string, { estimated: Decimal; unpriced: number; pending: number; manual: number; rows: number }>();
        for (const { data } of latest.values()) {
          const key = `${data.workspaceId}|${data.day.slice(0, 7)}`;
          const entry = expected.get(key) ?? { estimated: new Decimal(0), unpriced: 0, pending: 0, manual: 0, rows: 0 };
          const priced = priceLedgerUsage({ ...data, billedAmount: data.reportedCost?.amount ?? null }, catalogue);
          if (priced.estimated !== null) entry.estimated = entry.estimated.plus(priced.estimated);
          entry.rows += 1;
          if (priced.status === 'unpriced') entry.unpriced += 1;
          if (priced.status === 'pending') entry.pending += 1;
          if (priced.status === 'manual') entry.manual += 1;
          expected.set(key, entry);
        }
        const queries = new UsageQueries(db());
        for (const workspaceId of ['ws1', 'ws2']) {
          for (const month of ['2026-09', '2026-10']) {
            const summary = await queries.monthSummary(workspaceId, month);
            const want = expected.get(`${workspaceId}|${month}`) ?? { estimated: new Decimal(0), unpriced: 0, pending: 0, manual: 0, rows: 0 };
            expect(new Decimal(summary.estimated).toFixed(2)).toBe(want.estimated.toFixed(2));
            expect(new Decimal(summary.estimated).equals(want.estimated)).toBe(true);
            expect(summary.counts).toMatchObject({ rows: want.rows, unpriced: want.unpriced, pending: want.pending, manual: want.manual });
          }
        }
        // The month groups the summary reads equal the rows they sum, in every version ever made.
        const [{ versions }] = await db().query<{ versions: number }>('select coalesce(max(version), 1) as versions from cost_versions');
        for (let version = 1; version <= versions; version++) {
          const grouped = (from: string, estimated: string, rows: string) =>
            db().query(
              `select workspace_id, ${from === 'cost_month_groups' ? 'month' : "date_trunc('month', day)::date"}::text as month,
                      account_id, provider, model, project, trim_scale(${estimated})::text as estimated, (${rows})::int as rows
                 from ${from} r where ${IN_VERSION('r', '$1')}
                group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
              [version],
            );
          expect(await grouped('cost_month_groups', 'sum(r.estimated)', 'sum(r.n_rows)')).toEqual(
            await grouped('cost_estimates', 'coalesce(sum(r.estimated), 0)', 'count(*)'),
          );
        }
      }),
      { numRuns: 12 },
    );
  });
});
