import type { SqlDatabase } from '@act/server/database';
import { describeOnEachEngine } from '@act/server/database/testing';
import type { ContextTier, ServiceTier, UsageSource } from '@act/domain/usage';
import { loadPriceCatalogue } from './price-catalogue-cache';
import { PricingCommands } from './pricing-commands';
import { repriceRows, selectScopeRows, type RepriceScope, type RowKey } from './repricing';
import { dec, str } from './query-support';
import { previewRepricedPage, stageRepricedPage, type PreviewPage, type StagedPage } from './repricing-sql';
import { openHarness, usage, type LedgerHarness } from './testing/ledger-test-kit';

/*
 * The worker reprices inside the database (repricing-sql.ts); the preview, `changingCauses` and
 * an activation during a rebuild reprice in JS (repricing.ts). Both must give every row the same
 * figures, status, notes and detail, and the preview's sums (also inside the database) must be
 * theirs. Varied rows (every quantity class, zeros, tiers, long
 * context, manual and pending rows, unknown models, rows with and without a billed amount) are
 * repriced both ways and compared. A manual entry with an amount is estimated at that amount
 * (ledger-pricing.ts), so no price change moves it: to compare the two ways on such rows too,
 * some are first set back to figures an older projection stored (priced from the catalogue, or
 * unpriced), which both must bring back to the exact amount with the same "entered amount" line.
 */

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return {
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
    quantity: () => (next() < 0.45 ? 0 : Math.floor(next() ** 3 * 5_000_000)),
  };
}

const MODELS = [
  ['openai', 'gpt-4o-mini-2024-07-18'],
  ['openai', 'gpt-4o'],
  ['anthropic', 'claude-sonnet-4-5'],
  ['groq', 'llama-3.3-70b-versatile'],
  ['openai', 'model-nobody-prices'],
] as const;
const TIERS: readonly ServiceTier[] = ['standard', 'standard', 'batch', 'priority', 'flex'];
const CONTEXTS: readonly ContextTier[] = ['standard', 'standard', 'long'];
const SOURCES: readonly UsageSource[] = ['usage-api', 'request-log', 'manual'];
/** Billed amounts: none mostly; small, large, zero, and the finest and largest an amount may be. */
const AMOUNTS = [null, null, null, '1.25', '300', '12.50', '0', '0.000000000000000000000000000001', '999999999999999.999999999999999999999999999999'];

/** New prices for every priced model, from a bare sheet to one with every kind of price. */
const CHANGES = [
  { provider: 'openai', model: 'gpt-4o-mini', prices: { input: '0.0000003', output: '0.0000012' } },
  {
    provider: 'openai',
    model: 'gpt-4o',
    prices: {
      input: '0.0000025',
      output: '0.00001',
      cacheRead: '0.00000125',
      batch: { input: '0.00000125' },
      priority: { input: '0.000005', output: '0.00002' },
      perImage: '0.04',
      perRequest: '0.0001',
      searchContextPerQuery: { medium: '0.035' },
    },
  },
  {
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    prices: {
      input: '0.000003',
      output: '0.000015',
      cacheRead: '0.0000003',
      cacheWrite5m: '0.00000375',
      longContext: { thresholdTokens: 200000, input: '0.000006', output: '0.0000225' },
      perAudioSecond: '0.0001',
      perCharacter: '0.000000015',
    },
  },
  { provider: 'groq', model: 'llama-3.3-70b-versatile', prices: { input: '0.00000059', output: '0.00000079', reasoning: '0.000001' } },
];

describeOnEachEngine('repricing inside the database', (database) => {
  const db = (): SqlDatabase => database().db;
  let h: LedgerHarness;

  beforeEach(async () => {
    h = await openHarness(db(), { batchSize: 200 });
    await h.seed();
  });

  it.each([7, 2026])('gives every row the figures, notes and detail the cost engine gives (seed %i)', async (seed) => {
    const g = generator(seed);
    const events = [];
    for (let i = 0; i < 400; i++) {
      const [provider, model] = g.pick(MODELS);
      events.push(
        usage({
          accountId: `acc${i % 7}`,
          day: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}`,
          provider,
          model,
          project: `p${i}`,
          serviceTier: g.pick(TIERS),
          contextTier: g.pick(CONTEXTS),
          source: g.pick(SOURCES),
          final: g.pick([true, true, false]),
          reportedCost: ((amount) => (amount === null ? null : { amount, currency: 'USD' }))(g.pick(AMOUNTS)),
          observedAt: '2026-11-01T00:00:00.000Z',
          tokens: {
            inputUncached: g.quantity(),
            inputCachedRead: g.quantity(),
            cacheWrite5m: g.quantity(),
            cacheWrite1h: g.quantity(),
            output: g.quantity(),
            reasoning: g.quantity(),
          },
          units: {
            requests: g.quantity(),
            images: g.quantity(),
            audioSeconds: g.quantity(),
            characters: g.quantity(),
            searchQueries: g.quantity(),
            webSearchCalls: g.quantity(),
          },
        }),
      );
    }
    await h.record.handle(events);
    await h.drain();
    // Manual entries with an amount, on the first half of the month, as an older version of the
    // projection stored them: unpriced (no price for the model) or the catalogue's figure.
    const stale = await db().query<{ account_id: string; day: string; request_type: string }>(
      `update cost_estimates e
          set status = case when e.match is null then 'unpriced' else 'manual' end,
              estimated = case when e.match is null then null else coalesce(e.estimated, 0) + 0.001 end,
              price_set_id = case when e.match is null then null else 'an-older-price-set' end,
              detail = '{"lines":[],"unpriced":[],"flags":[]}'::json
         from usage_latest u
        where u.workspace_id = e.workspace_id and u.account_id = e.account_id and u.day = e.day
          and u.request_type = e.request_type and u.source = 'manual' and u.reported_cost is not null
          and e.day < '2026-10-15'
       returning e.account_id, e.day::text as day, e.request_type`,
    );
    expect(stale.length).toBeGreaterThan(5);
    const pricing = new PricingCommands(h.store);
    for (const change of CHANGES) await pricing.setPrice({ workspaceId: 'ws1', effectiveFrom: '2026-10-01', ...change });
    await h.drain();

    const scope: RepriceScope = { workspaceId: 'ws1', before: null, basedOn: 0n };
    const catalogue = await loadPriceCatalogue(db());
    const expected = repriceRows(await selectScopeRows(db(), scope), catalogue);

    // Pages of 64 rows, as the worker runs them (the cursor carries over).
    let after: RowKey | null = null;
    let scanned = 0;
    for (;;) {
      const from: RowKey | null = after;
      const page: StagedPage = await db().transaction((tx) => stageRepricedPage(tx, scope, 'check', { after: from, limit: 64 }, catalogue));
      if (page.last === null) break;
      scanned += page.scanned;
      after = page.last;
    }
    expect(scanned).toBe(400);
    const staged = await db().query<Record<string, unknown>>(
      `select account_id, day::text as day, request_type, provider, model, project, usage_event_id, before_status,
              before_estimated::text, before_price_set_id, status, estimated::text, price_set_id, price_provider,
              price_model, match, note, detail
         from cost_recompute_rows where recompute_id = 'check' order by day, account_id, request_type`,
    );
    // Most rows change; the unknown model's stay unpriced and are not staged by either.
    expect(expected.length).toBeGreaterThan(250);
    // The manual entries with an amount: the stale ones are set back to their amount, exactly,
    // with one "entered amount" line; the others are left alone, whatever the new prices.
    const amounts = new Map(
      (
        await db().query<{ key: string; amount: string }>(
          `select account_id || '|' || day::text || '|' || request_type as key, reported_cost::text as amount from usage_latest
            where source = 'manual' and reported_cost is not null`,
        )
      ).map((r) => [r.key, r.amount]),
    );
    const keyOf = (r: { accountId: string; day: string; requestType: string }) => `${r.accountId}|${r.day}|${r.requestType}`;
    const enteredRows = expected.filter((row) => amounts.has(keyOf(row)));
    expect(enteredRows.map(keyOf).sort()).toEqual(stale.map((r) => keyOf({ accountId: r.account_id, day: r.day, requestType: r.request_type })).sort());
    for (const row of enteredRows) {
      const amount = str(dec(amounts.get(keyOf(row))));
      expect(row.after).toEqual({
        status: 'manual',
        estimated: amount,
        priceSetId: null,
        priceProvider: null,
        priceModel: null,
        match: null,
        note: null,
        detail: { lines: [{ class: 'amount', quantity: 1, unitPrice: amount, amount, priceSource: 'entered amount' }], unpriced: [], flags: [] },
      });
    }
    expect(new Set(enteredRows.map((row) => row.after.estimated)).size).toBeGreaterThan(3);
    expect(staged).toEqual(
      expected.map((row) => ({
        account_id: row.accountId,
        day: row.day,
        request_type: row.requestType,
        provider: row.provider,
        model: row.model,
        project: row.project,
        usage_event_id: row.usageEventId,
        before_status: row.before.status,
        before_estimated: row.before.estimated,
        before_price_set_id: row.before.priceSetId,
        status: row.after.status,
        estimated: row.after.estimated,
        price_set_id: row.after.priceSetId,
        price_provider: row.after.priceProvider,
        price_model: row.after.priceModel,
        match: row.after.match,
        note: row.after.note,
        detail: row.after.detail,
      })),
    );
    // The comparison covered lines, unpriced quantities, flags and notes, not only plain rows.
    const details = expected.map((row) => row.after.detail);
    expect(details.some((d) => d.unpriced.length > 0)).toBe(true);
    expect(details.some((d) => d.flags.length > 0)).toBe(true);
    expect(details.some((d) => d.lines.some((l) => 'note' in l))).toBe(true);
    expect(new Set(expected.map((row) => row.after.status))).toEqual(new Set(['estimated', 'pending', 'manual', 'unpriced']));

    // The preview's sums per month, provider and model, page by page, equal the JS repricer's.
    const sums = new Map<string, { rows: number; before: string; after: string; becameUnpriced: number; becamePriced: number }>();
    const addTo = (key: string, g: { rows: number; before: string | null; after: string | null; becameUnpriced: number; becamePriced: number }) => {
      const t = sums.get(key) ?? { rows: 0, before: '0', after: '0', becameUnpriced: 0, becamePriced: 0 };
      sums.set(key, {
        rows: t.rows + g.rows,
        before: str(dec(t.before).plus(dec(g.before))),
        after: str(dec(t.after).plus(dec(g.after))),
        becameUnpriced: t.becameUnpriced + g.becameUnpriced,
        becamePriced: t.becamePriced + g.becamePriced,
      });
    };
    after = null;
    scanned = 0;
    for (;;) {
      const from: RowKey | null = after;
      const page: PreviewPage = await db().transaction((tx) => previewRepricedPage(tx, scope, { after: from, limit: 64 }, catalogue));
      if (page.last === null) break;
      scanned += page.scanned;
      for (const g of page.groups) addTo(`preview ${g.month}/${g.provider}/${g.model}`, g);
      after = page.last;
    }
    expect(scanned).toBe(400);
    for (const row of expected) {
      addTo(`js ${row.day.slice(0, 7)}/${row.provider}/${row.model}`, {
        rows: 1,
        before: row.before.estimated,
        after: row.after.estimated,
        becameUnpriced: row.before.status !== 'unpriced' && row.after.status === 'unpriced' ? 1 : 0,
        becamePriced: row.before.status === 'unpriced' && row.after.status !== 'unpriced' ? 1 : 0,
      });
    }
    const side = (prefix: string) =>
      Object.fromEntries([...sums].filter(([key]) => key.startsWith(prefix)).map(([key, t]) => [key.slice(prefix.length), t]));
    expect(Object.keys(side('js ')).length).toBeGreaterThan(3);
    expect(side('preview ')).toEqual(side('js '));
    expect(await db().query(`select count(*)::integer as n from cost_recompute_rows where recompute_id <> 'check'`)).toEqual([{ n: 0 }]);
  });
});
