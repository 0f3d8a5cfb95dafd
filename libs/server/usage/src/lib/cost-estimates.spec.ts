import Decimal from 'decimal.js';
import { describeOnEachEngine } from '@act/server/database/testing';
import { AuditQueries } from './audit-queries';
import { CostVersionQueries } from './cost-version-queries';
import { loadPriceCatalogue } from './price-catalogue-cache';
import { repriceRows, selectScopeRows } from './repricing';
import { PriceChanges } from './price-changes';
import { PricingCommands } from './pricing-commands';
import { PricingQueries } from './pricing-queries';
import { sum } from './query-support';
import { cost, openHarness, usage, type LedgerHarness } from './testing/ledger-test-kit';
import { UsageQueries } from './usage-queries';

/*
 * Catalogue prices used below (LiteLLM, shipped 2026-08-01):
 *   gpt-4o-mini: input 0.00000015, output 0.0000006, cached read 0.000000075 per token.
 *   gpt-4o: input 0.0000025, output 0.00001.
 */
describeOnEachEngine('cost estimates', (database) => {
  const db = () => database().db;
  let h: LedgerHarness;

  beforeEach(async () => {
    h = await openHarness(db());
    await h.seed();
  });

  it('prices each usage row with the version in force on its day and records that version', async () => {
    // 1000 × 0.00000015 + 4000 × 0.000000075 + 500 × 0.0000006 = 0.00015 + 0.0003 + 0.0003 = 0.00075
    await h.record.handle([usage({ tokens: { inputUncached: 1000, inputCachedRead: 4000, output: 500 } })]);
    await h.drain();
    const [row] = await db().query<{ status: string; estimated: string; price_set_id: string; match: string; valid_from: number }>(
      'select status, estimated::text, price_set_id, match, valid_from from cost_estimates',
    );
    expect(row).toMatchObject({ status: 'estimated', match: 'alias', valid_from: 1 });
    expect(new Decimal(row.estimated).equals('0.00075')).toBe(true);
    const history = await new PricingQueries(db()).history('ws1', 'openai', 'gpt-4o-mini');
    expect(history.versions.map((v) => v.priceSetId)).toEqual([row.price_set_id]);
    expect(history.versions[0]).toMatchObject({ source: 'catalogue', scope: 'catalogue', effectiveFrom: '1970-01-01' });

    const summary = await new UsageQueries(db()).monthSummary('ws1', '2026-10');
    expect(summary).toMatchObject({ estimated: '0.00075', costVersion: 1, currentCostVersion: 1, estimatedIsLowerBound: false });
    expect(summary.byModel).toEqual([
      expect.objectContaining({ key: 'openai/gpt-4o-mini-2024-07-18', provider: 'openai', model: 'gpt-4o-mini-2024-07-18', estimated: '0.00075', reconciled: null }),
    ]);
  });

  it('status: unpriced is counted apart and never $0; pending, manual and reconciled are distinct', async () => {
    await h.record.handle([
      usage({ accountId: 'a-est', model: 'gpt-4o' }),
      usage({ accountId: 'a-unp', model: 'no-such-model-2030' }),
      usage({ accountId: 'a-pen', final: false }),
      usage({ accountId: 'a-man', source: 'manual' }),
      usage({ accountId: 'a-rec' }),
      cost({ accountId: 'a-rec', amount: '0.0003' }),
    ]);
    await h.drain();
    const rows = await db().query<{ account_id: string; status: string; estimated: string | null; note: string | null }>(
      'select account_id, status, estimated::text, note from cost_estimates order by account_id',
    );
    const byAccount = Object.fromEntries(rows.map((r) => [r.account_id, r]));
    expect(byAccount['a-unp']).toMatchObject({ status: 'unpriced', estimated: null });
    expect(byAccount['a-unp'].note).toContain('no-such-model-2030');
    expect(byAccount['a-pen'].status).toBe('pending');
    expect(byAccount['a-man'].status).toBe('manual');
    expect(byAccount['a-est'].status).toBe('estimated');

    const summary = await new UsageQueries(db()).monthSummary('ws1', '2026-10');
    expect(summary.counts).toEqual({ rows: 5, estimated: 2, manual: 1, unpriced: 1, pending: 1 });
    expect(summary.estimatedIsLowerBound).toBe(true);
    // gpt-4o: 1000 × 0.0000025 + 200 × 0.00001 = 0.0045; three gpt-4o-mini rows at 0.00027 each.
    expect(summary.estimated).toBe('0.00531');
    expect(summary.reconciled).toBe('0.0003');
    expect(summary.byAccount.find((a) => a.key === 'a-unp')).toMatchObject({ estimated: '0', counts: { unpriced: 1 } });

    const audit = await new AuditQueries(db()).month('ws1', '2026-10');
    const cell = (account: string) => audit.cells.find((c) => c.accountId === account);
    expect(cell('a-unp')).toMatchObject({ status: 'unpriced', estimated: null, reconciled: null, difference: null });
    expect(cell('a-pen')?.status).toBe('pending');
    expect(cell('a-man')?.status).toBe('manual');
    expect(cell('a-est')?.status).toBe('estimated');
    expect(cell('a-rec')).toMatchObject({ status: 'reconciled', estimated: '0.00027', reconciled: '0.0003', difference: '0.00003' });
    expect(cell('a-rec')?.lines.map((l) => [l.kind, l.status])).toEqual([
      ['usage', 'estimated'],
      ['billed', 'reconciled'],
    ]);
    expect(audit.totals).toEqual({ estimated: '0.00531', reconciled: '0.0003', difference: '0.00003' });
  });

  it('drills down from an audit cell to the observation, its raw numbers and the price version used', async () => {
    await h.record.handle([usage({ raw: { input_tokens: 1000, output_tokens: 200 }, source: 'usage-api' })]);
    await h.drain();
    const detail = await new AuditQueries(db()).cell('ws1', 'acc1', '2026-10-05');
    expect(detail.observations).toHaveLength(1);
    const [obs] = detail.observations;
    expect(obs).toMatchObject({ source: 'usage-api', raw: { input_tokens: 1000, output_tokens: 200 }, tokens: { inputUncached: 1000, output: 200 } });
    expect(obs.estimate).toMatchObject({
      costVersion: 1,
      status: 'estimated',
      estimated: '0.00027',
      priceEffectiveFrom: '1970-01-01',
      priceSource: 'catalogue',
      priceIdentity: 'openai/gpt-4o-mini',
    });
    expect(obs.estimate?.lines).toHaveLength(2);
  });

  it('a new usage observation for a key replaces its estimate; the workspace filter holds everywhere', async () => {
    await h.record.handle([usage(), usage({ workspaceId: 'ws2', tokens: { output: 1_000_000 } })]);
    await h.drain();
    await h.record.handle([usage({ observedAt: '2026-10-07T00:00:00.000Z', tokens: { inputUncached: 2000, output: 400 } })]);
    await h.drain();
    const queries = new UsageQueries(db());
    expect((await queries.monthSummary('ws1', '2026-10')).estimated).toBe('0.00054');
    expect((await queries.monthSummary('ws2', '2026-10')).estimated).toBe('0.6');
    const [{ n }] = await db().query<{ n: number }>(`select count(*)::int as n from cost_estimates where workspace_id = 'ws1'`);
    expect(n).toBe(1);
  });

  it('daily series per provider, account, model and project', async () => {
    await h.record.handle([
      usage({ day: '2026-10-01', accountId: 'a', model: 'gpt-4o', project: 'p1' }),
      usage({ day: '2026-10-01', accountId: 'b', project: 'p2' }),
      usage({ day: '2026-10-02', accountId: 'a', provider: 'anthropic', model: 'claude-sonnet-4-5' }),
      cost({ day: '2026-10-01', accountId: 'a', amount: '0.01' }),
    ]);
    await h.drain();
    const queries = new UsageQueries(db());
    const byProvider = await queries.dailySeries('ws1', { from: '2026-10-01', to: '2026-10-31', groupBy: 'provider' });
    expect(byProvider.points.map((p) => [p.day, p.key, p.estimated, p.reconciled])).toEqual([
      ['2026-10-01', 'openai', '0.00477', '0.01'],
      // claude-sonnet-4-5: 1000 × 0.000003 + 200 × 0.000015 = 0.006. Nothing billed: no figure, not $0.
      ['2026-10-02', 'anthropic', '0.006', null],
    ]);
    const byModel = await queries.dailySeries('ws1', { from: '2026-10-01', to: '2026-10-01', groupBy: 'model' });
    expect(byModel.points.map((p) => [p.key, p.provider, p.model, p.reconciled])).toEqual([
      ['openai/gpt-4o', 'openai', 'gpt-4o', null],
      ['openai/gpt-4o-mini-2024-07-18', 'openai', 'gpt-4o-mini-2024-07-18', null],
    ]);
    const byProject = await queries.dailySeries('ws1', { from: '2026-10-01', to: '2026-10-02', groupBy: 'project' });
    // The billed line names no project (its line item has none): no project's figure.
    expect(byProject.points.map((p) => [p.day, p.key, p.reconciled])).toEqual([
      ['2026-10-01', 'p1', null],
      ['2026-10-01', 'p2', null],
      ['2026-10-02', null, null],
    ]);
    const byAccount = await queries.dailySeries('ws1', { from: '2026-10-01', to: '2026-10-01', groupBy: 'account' });
    expect(byAccount.points.map((p) => [p.key, p.estimated, p.reconciled])).toEqual([
      ['a', '0.0045', '0.01'],
      ['b', '0.00027', null],
    ]);
  });

  it('billed amounts go to the groups they can be attributed to; nothing billed is null, $0 billed is 0', async () => {
    await h.record.handle([
      // Per-request billed costs (any source) name their model and project.
      usage({ accountId: 'a', model: 'gpt-4o', project: 'p1', source: 'request-log', reportedCost: { amount: '0.004', currency: 'USD' } }),
      usage({ accountId: 'b', project: 'p2', source: 'import', reportedCost: { amount: '0', currency: 'USD' } }),
      // Billed through lines: per-request costs of that account and day are not counted again.
      usage({ accountId: 'c', model: 'gpt-4o', reportedCost: { amount: '9', currency: 'USD' } }),
      cost({ accountId: 'c', description: 'all of it', amount: '0.02' }),
      cost({ accountId: 'c', description: 'p3 part', project: 'p3', amount: '0.01' }),
      // Usage nobody billed.
      usage({ accountId: 'd', provider: 'anthropic', model: 'claude-sonnet-4-5' }),
    ]);
    await h.drain();
    const queries = new UsageQueries(db());
    const series = async (groupBy: 'provider' | 'account' | 'model' | 'project') =>
      Object.fromEntries((await queries.dailySeries('ws1', { from: '2026-10-05', to: '2026-10-05', groupBy })).points.map((p) => [p.key ?? '(none)', p.reconciled]));
    expect(await series('provider')).toEqual({ openai: '0.034', anthropic: null });
    expect(await series('account')).toEqual({ a: '0.004', b: '0', c: '0.03', d: null });
    expect(await series('model')).toEqual({ 'openai/gpt-4o': '0.004', 'openai/gpt-4o-mini-2024-07-18': '0', 'anthropic/claude-sonnet-4-5': null });
    expect(await series('project')).toEqual({ p1: '0.004', p2: '0', p3: '0.01', '(none)': null });

    const summary = await queries.monthSummary('ws1', '2026-10');
    expect(summary.reconciled).toBe('0.034');
    const reconciled = (rows: { key: string | null; reconciled: string | null }[]) => Object.fromEntries(rows.map((r) => [r.key ?? '(none)', r.reconciled]));
    expect(reconciled(summary.byProvider)).toEqual({ anthropic: null, openai: '0.034' });
    expect(reconciled(summary.byAccount)).toEqual({ a: '0.004', b: '0', c: '0.03', d: null });
    expect(reconciled(summary.byModel)).toEqual({ 'anthropic/claude-sonnet-4-5': null, 'openai/gpt-4o': '0.004', 'openai/gpt-4o-mini-2024-07-18': '0' });
    expect(reconciled(summary.byProject)).toEqual({ '(none)': null, p1: '0.004', p2: '0', p3: '0.01' });
    // A project known only from a billed line still gets its row.
    expect(summary.byProject.find((r) => r.key === 'p3')).toMatchObject({ estimated: '0', counts: { rows: 0 } });
  });

  it('a manual entry is manual: its amount is its estimate; without one, priced from its quantities, on its own day too; unpriced only for unpriced quantities without an amount', async () => {
    const manual = (accountId: string, overrides: Parameters<typeof usage>[0]) =>
      usage({ accountId, source: 'manual', tokens: {}, units: {}, ...overrides });
    await h.record.handle([
      manual('m-sub', { model: 'team-subscription', reportedCost: { amount: '300', currency: 'USD' } }),
      manual('m-req', { provider: 'custom', model: 'llama-3.1-70b', units: { requests: 1 }, reportedCost: { amount: '12.5', currency: 'USD' } }),
      manual('m-tok', { provider: 'custom', model: 'llama-3.1-70b', tokens: { output: 10 } }),
      manual('m-pri', { tokens: { inputUncached: 1000 }, final: false }),
      // Priced tokens and an amount: the amount is what they cost, not the catalogue's 0.00015.
      manual('m-amt', { tokens: { inputUncached: 1000 }, reportedCost: { amount: '0.000123456789012345678901234567', currency: 'USD' } }),
      // A deleted entry (all zero, no amount) of an unknown model: nothing unpriced is left.
      manual('m-del', { model: 'gone-subscription' }),
    ]);
    await h.drain();
    const rows = await db().query<{ account_id: string; status: string; estimated: string | null; price_set_id: string | null; detail: unknown }>(
      'select account_id, status, trim_scale(estimated)::text as estimated, price_set_id, detail from cost_estimates order by account_id',
    );
    const byAccount = Object.fromEntries(rows.map((r) => [r.account_id, r]));
    expect(Object.fromEntries(rows.map((r) => [r.account_id, [r.status, r.estimated]]))).toEqual({
      'm-amt': ['manual', '0.000123456789012345678901234567'],
      'm-del': ['manual', null],
      'm-pri': ['manual', '0.00015'],
      'm-req': ['manual', '12.5'],
      'm-sub': ['manual', '300'],
      'm-tok': ['unpriced', null],
    });
    // Where the figure came from: one cost line, the entered amount; no price version.
    expect(byAccount['m-sub']).toMatchObject({
      price_set_id: null,
      detail: { lines: [{ class: 'amount', quantity: 1, unitPrice: '300', amount: '300', priceSource: 'entered amount' }], unpriced: [], flags: [] },
    });
    expect(byAccount['m-amt'].detail).toEqual({
      lines: [{ class: 'amount', quantity: 1, unitPrice: '0.000123456789012345678901234567', amount: '0.000123456789012345678901234567', priceSource: 'entered amount' }],
      unpriced: [],
      flags: [],
    });
    const queries = new UsageQueries(db());
    const summary = await queries.monthSummary('ws1', '2026-10');
    expect(summary.counts).toEqual({ rows: 6, estimated: 0, manual: 5, unpriced: 1, pending: 0 });
    // 300 + 12.5 + 0.00015 + 0.000123456789012345678901234567, exactly.
    expect(summary.estimated).toBe('312.500273456789012345678901234567');
    const series = await queries.dailySeries('ws1', { from: '2026-10-05', to: '2026-10-05', groupBy: 'provider' });
    expect(sum(series.points.map((p) => p.estimated))).toBe('312.500273456789012345678901234567');
    // The audit: estimated = reconciled for an entry with an amount.
    const cell = (await new AuditQueries(db()).month('ws1', '2026-10')).cells.find((c) => c.accountId === 'm-sub');
    expect(cell).toMatchObject({ estimated: '300', reconciled: '300', difference: '0', status: 'reconciled' });

    // Any price change puts the unknown models' rows (and the entered amounts, which have no price
    // identity) in a recompute's scope: repriced (in the database, as the worker and the preview
    // do, and in JS, as an activation in a rebuild does), every row keeps the figures and status
    // it got on arrival.
    const catalogue = await loadPriceCatalogue(db());
    for (const change of [
      { provider: 'openai', model: 'gpt-4o', prices: { input: '0.000002', output: '0.000008' }, effectiveFrom: '2026-10-01' },
      // Prices for the very models the entries name: an entered amount still does not move.
      { provider: 'custom', model: 'llama-3.1-70b', prices: { perRequest: '1', output: '0.01' }, effectiveFrom: '2026-10-01' },
      { provider: 'openai', model: 'gpt-4o-mini', prices: { input: '0.001' }, effectiveFrom: '2026-10-01' },
    ]) {
      const preview = await new CostVersionQueries(db()).preview('ws1', change);
      const scope = { workspaceId: 'ws1', before: null, basedOn: 0n, hypothetical: change };
      const inScope = await selectScopeRows(db(), scope);
      expect(inScope.length).toBeGreaterThanOrEqual(5);
      expect(preview.rowsInScope).toBe(inScope.length);
      const changed = repriceRows(inScope, catalogue).map((r) => r.accountId);
      // Only rows priced from their quantities can change (in JS, the hypothetical price is not in the catalogue: none).
      expect(changed).toEqual([]);
      const previewChanged = preview.byMonthAndModel.map((r) => r.model);
      expect({ change: change.model, previewChanged }).toEqual({
        change: change.model,
        previewChanged: { 'gpt-4o': [], 'llama-3.1-70b': ['llama-3.1-70b'], 'gpt-4o-mini': ['gpt-4o-mini-2024-07-18'] }[change.model],
      });
      // The one llama row that moves is m-tok (its tokens get a price), never m-req (its amount).
      if (change.model === 'llama-3.1-70b') expect(preview.byMonthAndModel).toEqual([expect.objectContaining({ rows: 1, becamePriced: 1, before: '0', after: '0.1' })]);
      // m-pri moves, m-amt (the same tokens, with an amount) does not.
      if (change.model === 'gpt-4o-mini') expect(preview.byMonthAndModel).toEqual([expect.objectContaining({ rows: 1, before: '0.00015', after: '1' })]);
    }
  });

  it('a price change applied by a recompute never reprices a manual entry with an amount', async () => {
    const manual = (accountId: string, overrides: Parameters<typeof usage>[0]) =>
      usage({ accountId, source: 'manual', tokens: {}, units: {}, ...overrides });
    await h.record.handle([
      manual('m-sub', { model: 'team-subscription', reportedCost: { amount: '300', currency: 'USD' } }),
      manual('m-amt', { tokens: { inputUncached: 1000 }, reportedCost: { amount: '0.5', currency: 'USD' } }),
      manual('m-pri', { tokens: { inputUncached: 1000 } }),
    ]);
    await h.drain();
    const queries = new UsageQueries(db());
    expect((await queries.monthSummary('ws1', '2026-10')).estimated).toBe('300.50015');

    for (const change of [
      { provider: 'openai', model: 'gpt-4o-mini', prices: { input: '0.001' }, effectiveFrom: '2026-10-01' },
      { provider: 'openai', model: 'team-subscription', prices: { input: '1' }, effectiveFrom: '2026-10-01' },
    ]) {
      await new PriceChanges(h.store, db()).apply('ws1', change, { actor: 'user-1', now: new Date('2026-11-02T10:00:00.000Z') });
      await h.drain();
    }
    const summary = await queries.monthSummary('ws1', '2026-10');
    // Only m-pri was repriced: 1000 × 0.001.
    expect(summary).toMatchObject({ estimated: '301.5', costVersion: 2, currentCostVersion: 2 });
    const rows = await db().query<{ account_id: string; estimated: string; valid_from: number; valid_to: number | null }>(
      'select account_id, trim_scale(estimated)::text as estimated, valid_from, valid_to from cost_estimates order by account_id, valid_from',
    );
    expect(rows.map((r) => [r.account_id, r.estimated, r.valid_from, r.valid_to])).toEqual([
      ['m-amt', '0.5', 1, null],
      ['m-pri', '0.00015', 1, 2],
      ['m-pri', '1', 2, null],
      ['m-sub', '300', 1, null],
    ]);
  });

  it('price catalogue: search in force on a day with override precedence, history per model', async () => {
    const pricing = new PricingCommands(h.store);
    await pricing.setPrice(
      { workspaceId: 'ws1', provider: 'openai', model: 'gpt-4o', prices: { input: '0.000002', output: '0.000008' }, effectiveFrom: '2026-10-10' },
      { actor: 'user-1' },
    );
    await h.drain();
    const queries = new PricingQueries(db());
    const before = await queries.search('ws1', { q: 'gpt-4o', day: '2026-10-09' });
    expect(before.items.map((i) => [i.model, i.scope])).toEqual([
      ['gpt-4o', 'catalogue'],
      ['gpt-4o-mini', 'catalogue'],
    ]);
    const after = await queries.search('ws1', { q: 'GPT-4O', day: '2026-10-10', limit: 1 });
    expect(after.items).toEqual([expect.objectContaining({ model: 'gpt-4o', scope: 'workspace', setBy: 'user-1', versions: 2 })]);
    expect(after.items[0].prices).toEqual({ input: '0.000002', output: '0.000008' });
    const next = await queries.search('ws1', { q: 'gpt-4o', day: '2026-10-10', cursor: after.nextCursor ?? undefined });
    expect(next.items.map((i) => i.model)).toEqual(['gpt-4o-mini']);
    expect(next.nextCursor).toBeNull();
    // Another workspace never sees ws1's override.
    expect((await queries.search('ws2', { model: 'gpt-4o', day: '2026-10-10' })).items[0].scope).toBe('catalogue');
    expect((await queries.history('ws2', 'openai', 'gpt-4o')).versions).toHaveLength(1);
    expect((await queries.history('ws1', 'openai', 'gpt-4o')).versions.map((v) => v.scope)).toEqual(['catalogue', 'workspace']);
  });
});
