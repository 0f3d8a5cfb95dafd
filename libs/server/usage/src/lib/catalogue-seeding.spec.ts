import { readFileSync } from 'node:fs';
import { CATALOGUE_BASELINE_DAY } from '@act/domain/pricing';
import { describeOnEachEngine } from '@act/server/database/testing';
import { CATALOGUE_IMPORTS_STREAM, seedCatalogue, shippedCataloguePath } from './pricing-commands';
import { PricingQueries } from './pricing-queries';
import { openHarness, smallCatalogue, usage } from './testing/ledger-test-kit';
import { UsageQueries } from './usage-queries';

/** Set ACT_REPORT_TIMINGS=1 to print the measured seeding times. */
const report = (line: string) => {
  if (process.env['ACT_REPORT_TIMINGS']) process.stdout.write(`${line}\n`);
};

describeOnEachEngine('price catalogue seeding', (database, engine) => {
  const db = () => database().db;

  it('seeds the whole shipped catalogue once; later start-ups with the same file append nothing', async () => {
    const h = await openHarness(db());
    const content = readFileSync(shippedCataloguePath());
    const first = await seedCatalogue(h.store, { content, today: '2026-11-02' });
    expect(first).toMatchObject({ imported: true, effectiveFrom: CATALOGUE_BASELINE_DAY, unchanged: 0 });
    expect(first.appended).toBeGreaterThan(2500);
    const projected = Date.now();
    await h.drain();
    const projectionMs = Date.now() - projected;
    report(`[${engine}] seeding ${first.appended} PriceSets: append ${first.durationMs} ms, projection catch-up ${projectionMs} ms`);

    // A start-up with the same file stays cheap because it reads only the import markers, never
    // the thousands of PriceSets (checked by what it reads, not by a clock: CI machines are noisy).
    const streamsRead: string[] = [];
    const counting = Object.create(h.store) as typeof h.store;
    counting.readStream = (streamId, options) => {
      streamsRead.push(streamId);
      return h.store.readStream(streamId, options);
    };
    const again = await seedCatalogue(counting, { content, today: '2026-11-03' });
    expect(again).toMatchObject({ imported: false, appended: 0 });
    expect(streamsRead).toEqual([CATALOGUE_IMPORTS_STREAM]);
    report(`[${engine}] start-up with the same file: ${again.durationMs} ms`);
    expect(await h.store.readStream(CATALOGUE_IMPORTS_STREAM)).toHaveLength(1);

    // Real ids from the providers resolve against it.
    await h.record.handle([
      usage({ accountId: 'o', model: 'gpt-4o-mini-2024-07-18' }),
      usage({ accountId: 'g', provider: 'groq', model: 'llama-3.3-70b-versatile' }),
      usage({ accountId: 'a', provider: 'anthropic', model: 'claude-3-7-sonnet-latest' }),
    ]);
    await h.drain();
    const summary = await new UsageQueries(db()).monthSummary('ws1', '2026-10');
    expect(summary.counts).toMatchObject({ rows: 3, unpriced: 0 });
    const found = await new PricingQueries(db()).search(null, { q: 'gpt-4o-mini', day: '2026-11-02', limit: 500 });
    expect(found.items.map((i) => i.model)).toContain('gpt-4o-mini');
  });

  it('a refresh appends only new and changed models, effective from the refresh day, and going back is a new import', async () => {
    const h = await openHarness(db(), { worker: { autoStart: true } });
    const a = smallCatalogue(['gpt-4o-mini', 'gpt-4o']);
    await seedCatalogue(h.store, { content: a, today: '2026-10-01' });
    const parsed = JSON.parse(a) as Record<string, Record<string, unknown>>;
    const b = JSON.stringify({
      ...parsed,
      'gpt-4o': { ...parsed['gpt-4o'], input_cost_per_token: 0.000002 },
      'claude-sonnet-4-5': JSON.parse(smallCatalogue(['claude-sonnet-4-5']))['claude-sonnet-4-5'],
    });
    await h.record.handle([usage({ day: '2026-10-05', model: 'gpt-4o' }), usage({ day: '2026-10-04', model: 'gpt-4o' })]);
    await h.drain();

    const refreshed = await seedCatalogue(h.store, { content: b, today: '2026-10-05', actor: 'admin' });
    expect(refreshed).toMatchObject({ imported: true, appended: 2, unchanged: 1, effectiveFrom: '2026-10-05' });
    await h.drain();
    // The refresh reprices the usage on and after its day only, through a recompute.
    expect(await h.worker.startPendingRecomputes()).toHaveLength(1);
    await h.drain();
    const [row] = await db().query<{ day: string; estimated: string }>(
      `select day::text, estimated::text from cost_estimates where valid_to is null and valid_from = 2`,
    );
    // 1000 × 0.000002 + 200 × 0.00001
    expect(row).toEqual({ day: '2026-10-05', estimated: '0.004' });
    const history = await new PricingQueries(db()).history('ws1', 'openai', 'gpt-4o');
    expect(history.versions.map((v) => [v.effectiveFrom, v.prices.input, v.setBy])).toEqual([
      [CATALOGUE_BASELINE_DAY, '0.0000025', null],
      ['2026-10-05', '0.000002', 'admin'],
    ]);

    // Going back to the first file the same day: gpt-4o's price changes back; claude stays.
    const back = await seedCatalogue(h.store, { content: a, today: '2026-10-05' });
    expect(back).toMatchObject({ imported: true, appended: 1 });
    expect(await h.store.readStream(CATALOGUE_IMPORTS_STREAM)).toHaveLength(3);
  });
});
