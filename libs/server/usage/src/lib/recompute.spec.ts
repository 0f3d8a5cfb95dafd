import type { SqlDatabase } from '@act/server/database';
import { describeOnEachEngine } from '@act/server/database/testing';
import { CostCommands } from './cost-commands';
import { CostVersionQueries } from './cost-version-queries';
import { PriceChanges } from './price-changes';
import { RecomputeWorker } from './recompute-worker';
import { dumpReadModel, openHarness, quiet, usage, type LedgerHarness } from './testing/ledger-test-kit';
import { UsageQueries } from './usage-queries';

const now = new Date('2026-11-02T10:00:00.000Z');
const actor = 'user-1';

/** gpt-4o-mini at twice the catalogue price (catalogue: input 0.00000015, output 0.0000006). */
const doubled = { input: '0.0000003', output: '0.0000012' };

/*
 * The ledger every test starts from (default usage: 1000 input + 200 output tokens):
 *   acc1 gpt-4o-mini on 2026-09-15, 2026-10-01, 2026-10-02, 2026-10-03 — 0.00027 each at catalogue prices
 *   acc2 gpt-4o      on 2026-10-02                                        — 0.0045
 *   acc1 claude-sonnet-4-5 on 2026-10-03                                  — 0.006
 */
async function ledger(h: LedgerHarness) {
  await h.record.handle([
    usage({ day: '2026-09-15' }),
    usage({ day: '2026-10-01' }),
    usage({ day: '2026-10-02' }),
    usage({ day: '2026-10-03' }),
    usage({ day: '2026-10-02', accountId: 'acc2', model: 'gpt-4o' }),
    usage({ day: '2026-10-03', provider: 'anthropic', model: 'claude-sonnet-4-5' }),
  ]);
  await h.drain();
}

async function estimates(db: SqlDatabase) {
  return db.query<{ key: string; valid_from: number; valid_to: number | null; estimated: string }>(
    `select account_id || '/' || day || '/' || model as key, valid_from, valid_to, estimated::text
       from cost_estimates order by account_id, day, model, valid_from`,
  );
}

describeOnEachEngine('recompute on price change', (database) => {
  const db = () => database().db;
  let h: LedgerHarness;

  beforeEach(async () => {
    h = await openHarness(db(), { worker: { now: () => now } });
    await h.seed();
    await ledger(h);
  });

  it('previews, applies into a new version, keeps the old one queryable and changes only the affected days', async () => {
    const queries = new UsageQueries(db());
    const versions = new CostVersionQueries(db());
    const before = await queries.monthSummary('ws1', '2026-10');
    expect(before.estimated).toBe('0.01131');

    const change = { provider: 'openai', model: 'gpt-4o-mini', prices: doubled, effectiveFrom: '2026-10-02' };
    const preview = await versions.preview('ws1', change);
    expect(preview).toMatchObject({ fromVersion: 1, rowsChanged: 2, delta: '0.00054' });
    expect(preview.byMonthAndModel).toEqual([
      {
        month: '2026-10',
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        rows: 2,
        before: '0.00054',
        after: '0.00108',
        delta: '0.00054',
        becameUnpriced: 0,
        becamePriced: 0,
      },
    ]);
    // A dry run writes nothing.
    expect((await queries.monthSummary('ws1', '2026-10')).estimated).toBe('0.01131');

    const applied = await new PriceChanges(h.store, db()).apply('ws1', change, { actor, now });
    expect(applied.recompute).toMatchObject({ version: 2 });
    await h.drain();

    const after = await queries.monthSummary('ws1', '2026-10');
    expect(after).toMatchObject({ costVersion: 2, currentCostVersion: 2, estimated: '0.01185' });
    const v1 = await queries.monthSummary('ws1', '2026-10', { version: 1 });
    expect({ ...v1, currentCostVersion: 1 }).toEqual({ ...before, currentCostVersion: 1 });
    expect((await queries.monthSummary('ws1', '2026-09')).estimated).toBe('0.00027');

    // Only the two gpt-4o-mini rows from 2026-10-02 on were written again.
    expect(await estimates(db())).toEqual([
      { key: 'acc1/2026-09-15/gpt-4o-mini-2024-07-18', valid_from: 1, valid_to: null, estimated: '0.00027' },
      { key: 'acc1/2026-10-01/gpt-4o-mini-2024-07-18', valid_from: 1, valid_to: null, estimated: '0.00027' },
      { key: 'acc1/2026-10-02/gpt-4o-mini-2024-07-18', valid_from: 1, valid_to: 2, estimated: '0.00027' },
      { key: 'acc1/2026-10-02/gpt-4o-mini-2024-07-18', valid_from: 2, valid_to: null, estimated: '0.00054' },
      { key: 'acc1/2026-10-03/claude-sonnet-4-5', valid_from: 1, valid_to: null, estimated: '0.006' },
      { key: 'acc1/2026-10-03/gpt-4o-mini-2024-07-18', valid_from: 1, valid_to: 2, estimated: '0.00027' },
      { key: 'acc1/2026-10-03/gpt-4o-mini-2024-07-18', valid_from: 2, valid_to: null, estimated: '0.00054' },
      { key: 'acc2/2026-10-02/gpt-4o', valid_from: 1, valid_to: null, estimated: '0.0045' },
    ]);

    // The audit trail: who changed which price when, and the difference it made.
    const detail = await versions.version('ws1', 2);
    expect(detail).toMatchObject({
      status: 'active',
      fromVersion: 1,
      requestedBy: actor,
      rowsChanged: 2,
      delta: '0.00054',
      causes: [{ priceSetId: applied.priceSetId, provider: 'openai', model: 'gpt-4o-mini', effectiveFrom: '2026-10-02', setBy: actor }],
    });
    expect(detail?.deltas).toEqual([
      { ...preview.byMonthAndModel[0], accountId: 'acc1' },
    ]);
    expect((await versions.versions('ws1')).map((v) => [v.version, v.status])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    const progress = await versions.progress('ws1', applied.recompute?.recomputeId ?? '');
    expect(progress).toMatchObject({ state: 'done', rowsDone: 2, rowsTotal: 2, rowsChanged: 2, requestedBy: actor });
  });

  it('shows progress while a recompute runs, and new usage meanwhile gets the new price at once', async () => {
    const applied = await new PriceChanges(h.store, db()).apply(
      'ws1',
      { provider: 'openai', model: 'gpt-4o-mini', prices: doubled, effectiveFrom: '2026-09-01' },
      { actor, now },
    );
    const id = applied.recompute?.recomputeId ?? '';
    const versions = new CostVersionQueries(db());
    await h.runner.runOnce();
    expect(await versions.progress('ws1', id)).toMatchObject({ state: 'queued', rowsDone: 0 });
    await h.worker.runOnce(); // counts the rows in scope and stages the first batch of 3
    expect(await versions.progress('ws1', id)).toMatchObject({ state: 'running', rowsDone: 3, rowsTotal: 4 });
    await h.record.handle([usage({ day: '2026-10-20', observedAt: '2026-10-21T01:00:00.000Z' })]);
    await h.runner.runOnce();
    // Still version 1 for readers; the new row is priced with the new price already.
    const mid = await new UsageQueries(db()).monthSummary('ws1', '2026-10');
    expect(mid.costVersion).toBe(1);
    expect(mid.estimated).toBe('0.01185');
    await h.drain();
    expect(await versions.progress('ws1', id)).toMatchObject({ state: 'done', rowsDone: 4, rowsTotal: 4, rowsChanged: 4 });
    expect((await new UsageQueries(db()).monthSummary('ws1', '2026-10')).estimated).toBe('0.01266');
  });

  it('a closed month keeps what it reported; a later price change shows as an adjustment line', async () => {
    const costs = new CostCommands(h.store);
    await costs.closePeriod('ws1', '2026-09', { actor: 'user-2', now });
    await h.drain();
    const applied = await new PriceChanges(h.store, db()).apply(
      'ws1',
      { provider: 'openai', model: 'gpt-4o-mini', prices: doubled, effectiveFrom: '2026-09-01' },
      { actor, now },
    );
    await h.drain();
    // Late usage after the close: a second adjustment, of another kind.
    await h.record.handle([usage({ day: '2026-09-20', tokens: { output: 1000 } })]);
    await h.drain();

    const september = await new UsageQueries(db()).monthSummary('ws1', '2026-09');
    expect(september.estimated).toBe('0.00174'); // 0.00054 + 1000 × 0.0000012
    expect(september.closed).toMatchObject({
      month: '2026-09',
      closedBy: 'user-2',
      costVersion: 1,
      reported: { estimated: '0.00027', reconciled: '0', counts: { rows: 1 } },
      adjustmentTotal: { estimated: '0.00147', reconciled: '0' },
    });
    expect(september.closed?.adjustments).toEqual([
      {
        kind: 'recompute',
        costVersion: 2,
        causes: [applied.priceSetId],
        requestedBy: actor,
        activatedAt: now.toISOString(),
        accountId: 'acc1',
        provider: 'openai',
        model: 'gpt-4o-mini-2024-07-18',
        estimated: '0.00027',
        reconciled: '0',
      },
      expect.objectContaining({ kind: 'late-data', costVersion: null, accountId: 'acc1', estimated: '0.0012' }),
    ]);
    // An open month shows no close, and closing twice changes nothing.
    expect((await new UsageQueries(db()).monthSummary('ws1', '2026-10')).closed).toBeNull();
    expect((await costs.closePeriod('ws1', '2026-09', { now })).appended).toBe(0);
    await expect(costs.closePeriod('ws1', '2026-11', { now })).rejects.toMatchObject({ code: 'period.not-ended' });
  });

  it('a crash midway, then a resume, gives the same result as an uninterrupted recompute', async () => {
    const change = { provider: 'openai', model: 'gpt-4o-mini', prices: doubled, effectiveFrom: '2026-09-01' };
    await new PriceChanges(h.store, db()).apply('ws1', change, { actor, now });
    await h.drain();
    const uninterrupted = await dumpReadModel(db());

    h = await openHarness(db(), { worker: { now: () => now } });
    await h.seed();
    await ledger(h);
    await new PriceChanges(h.store, db()).apply('ws1', change, { actor, now });
    let batches = 0;
    const crashing = new RecomputeWorker(db(), h.store, {
      logger: quiet,
      batchSize: 1,
      autoStart: false,
      now: () => now,
      onBatchStaged: () => {
        // The second batch dies after staging its rows, before its transaction commits.
        if (++batches === 2) throw new Error('simulated crash');
      },
    });
    await h.runner.runOnce();
    await crashing.runOnce();
    await crashing.runOnce();
    const [progress] = await db().query<{ rows_done: number; last_error: string }>(
      'select rows_done, last_error from cost_recompute_progress',
    );
    expect(progress).toEqual({ rows_done: 1, last_error: 'simulated crash' });
    const [{ staged }] = await db().query<{ staged: number }>('select count(*)::int as staged from cost_recompute_rows');
    expect(staged).toBe(1);

    // A fresh worker (a restarted process) takes over from the committed cursor; a second one
    // running the same passes finds nothing to do twice.
    const resumed = new RecomputeWorker(db(), h.store, { logger: quiet, batchSize: 2, autoStart: false, now: () => now });
    for (let i = 0; i < 50; i++) {
      const a = await h.runner.runOnce();
      const b = await resumed.runOnce();
      const c = await h.worker.runOnce();
      if (!a && !b && !c) break;
    }
    expect(await dumpReadModel(db())).toEqual(uninterrupted);
  });

  it('a change while a recompute runs is queued behind it and followed up automatically', async () => {
    const changes = new PriceChanges(h.store, db());
    const worker = new RecomputeWorker(db(), h.store, { logger: quiet, batchSize: 2, autoStart: true, now: () => now });
    const first = await changes.apply('ws1', { provider: 'openai', model: 'gpt-4o-mini', prices: doubled, effectiveFrom: '2026-10-01' }, { actor, now });
    const second = await changes.apply(
      'ws1',
      { provider: 'openai', model: 'gpt-4o', prices: { input: '0.000005', output: '0.00002' }, effectiveFrom: '2026-10-01' },
      { actor, now },
    );
    expect(second).toMatchObject({ recompute: null, queuedBehind: first.recompute?.recomputeId, rowsChanged: 1 });
    for (let i = 0; i < 100; i++) {
      const a = await h.runner.runOnce();
      const b = await worker.runOnce();
      if (!a && !b) break;
    }
    const list = await new CostVersionQueries(db()).versions('ws1');
    expect(list.map((v) => [v.version, v.status, v.delta])).toEqual([
      [3, 'active', '0.0045'],
      [2, 'superseded', '0.00081'],
      [1, 'superseded', null],
    ]);
    expect(list[0].causes.map((c) => c.priceSetId)).toEqual([second.priceSetId]);
    expect((await new UsageQueries(db()).monthSummary('ws1', '2026-10')).estimated).toBe('0.01662');
    // Nothing left to do: no empty version is started.
    expect(await worker.startPendingRecomputes()).toEqual([]);
  });
});
