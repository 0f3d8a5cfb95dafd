import { describeOnEachEngine } from '@act/server/database/testing';
import { PriceChanges } from './price-changes';
import { openHarness, usage } from './testing/ledger-test-kit';
import { UsageQueries } from './usage-queries';

/*
 * Opt-in measurement (ACT_BENCH=1 npx jest recompute-bench): N usage rows priced on arrival,
 * then a past-dated price change that reprices all of them through the worker. Prints rows per
 * second for ingestion (projection) and for the recompute.
 */
const ROWS = Number(process.env['ACT_BENCH_ROWS'] ?? 10_000);
const bench = process.env['ACT_BENCH']
  ? describeOnEachEngine
  : (title: string) => describe.skip(title, () => it('is opt-in: ACT_BENCH=1', () => undefined));

bench('recompute throughput', (database, engine) => {
  it(`reprices ${ROWS} rows`, async () => {
    const db = database().db;
    const h = await openHarness(db, { batchSize: 500, worker: { batchSize: 1000 } });
    await h.seed();
    const events = [];
    for (let i = 0; i < ROWS; i++) {
      const day = `2026-10-${String(1 + (i % 28)).padStart(2, '0')}`;
      events.push(usage({ accountId: `acc${Math.floor(i / 28) % 50}`, day, model: i % 3 === 0 ? 'gpt-4o' : 'gpt-4o-mini-2024-07-18', tokens: { inputUncached: 1000 + i, output: 200 }, project: `p${i}`, observedAt: '2026-11-01T00:00:00.000Z' }));
    }
    let t = Date.now();
    for (let i = 0; i < events.length; i += 1000) await h.store.appendToStream(`bench-${i}`, events.slice(i, i + 1000));
    const appendMs = Date.now() - t;
    t = Date.now();
    await h.drain();
    const projectMs = Date.now() - t;
    t = Date.now();
    const applied = await new PriceChanges(h.store, db).apply('ws1', {
      provider: 'openai',
      model: 'gpt-4o-mini',
      prices: { input: '0.0000003', output: '0.0000012' },
      effectiveFrom: '2026-10-01',
    });
    const previewMs = Date.now() - t;
    t = Date.now();
    await h.drain();
    const recomputeMs = Date.now() - t;
    const summary = await new UsageQueries(db).monthSummary('ws1', '2026-10');
    expect(summary.costVersion).toBe(2);
    process.stdout.write(
      `[${engine}] ${ROWS} rows: append ${appendMs} ms; priced on arrival ${projectMs} ms (${Math.round((ROWS / projectMs) * 1000)}/s); ` +
        `preview+apply ${previewMs} ms (${applied.rowsChanged} rows change); recompute ${recomputeMs} ms ` +
        `(${Math.round((applied.rowsChanged / recomputeMs) * 1000)} changed rows/s)\n`,
    );
  }, 600_000);
});
