import { testEngines } from '@act/server/database/testing';
import { AlertEvaluator } from '@act/server/budgets';
import { ApiClient } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';

/*
 * How each source of the usage ledger — manual entries, CSV imports, per-request billed costs,
 * request logs without a cost — reaches the month summary, the daily series, the audit, budgets
 * and the unpriced-usage alert, over HTTP on both engines. The data sits in the previous month
 * (every day of it is over, whatever today is), except what a budget of this month must see;
 * each concern has its own workspace.
 */

const now = new Date();
const TODAY = now.toISOString().slice(0, 10);
const THIS_MONTH = TODAY.slice(0, 7);
const PREV = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)).toISOString().slice(0, 7);
const D = (n: number) => `${PREV}-${String(n).padStart(2, '0')}`;

interface Counts {
  rows: number;
  estimated: number;
  manual: number;
  unpriced: number;
  pending: number;
}
interface Point {
  day: string;
  key: string | null;
  estimated: string;
  reconciled: string | null;
  counts: Counts;
}
interface Breakdown {
  key: string | null;
  estimated: string;
  reconciled: string | null;
  counts: Counts;
}
interface Cell {
  accountId: string;
  day: string;
  estimated: string | null;
  reconciled: string | null;
  difference: string | null;
  status: string;
  counts: Counts;
  lines: { kind: string; line: string; status: string; estimated: string | null; reconciled: string | null }[];
}

const counts = (c: Partial<Counts>): Counts => ({ rows: 0, estimated: 0, manual: 0, unpriced: 0, pending: 0, ...c });

for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`ledger sources in summary, series, audit and alerts [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp(engine);
    });
    afterAll(async () => {
      await t?.dispose();
    });

    /** A user with a workspace of their own, and the calls the tests make in it. */
    async function workspace(email: string) {
      const user = new ApiClient(() => t.base);
      const ws = (await user.register(email)).body.workspaces[0].id as string;
      const head = async () => String((await user.get('/health')).body.eventStore.headPosition);
      return {
        user,
        ws,
        async connect(provider: string, displayName = provider) {
          const reply = await user.post(`/workspaces/${ws}/accounts`, { provider, displayName, syncEnabled: false });
          expect(reply.status).toBe(201);
          return reply.body.account.id as string;
        },
        async ingest(accountId: string, records: unknown[]) {
          const key = await user.post(`/workspaces/${ws}/ingest-keys`, { accountId, name: 'test' });
          expect(key.status).toBe(201);
          const client = new ApiClient(() => t.base);
          client.accessToken = key.body.key;
          const reply = await client.post('/ingest/usage', { records });
          expect(reply.body).toMatchObject({ accepted: records.length, rejected: 0 });
        },
        async manual(entry: Record<string, unknown>) {
          const reply = await user.post(`/workspaces/${ws}/manual-entries`, entry);
          expect(reply.status).toBe(201);
        },
        async importCsv(lines: string[]) {
          const reply = await fetch(`${t.base}/api/v1/workspaces/${ws}/imports?dryRun=false`, {
            method: 'POST',
            headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'text/csv' },
            body: `${lines.join('\n')}\n`,
          });
          const body = await reply.json();
          expect(body).toMatchObject({ applied: true, problems: [] });
        },
        async summary(month = PREV) {
          const reply = await user.get(`/workspaces/${ws}/usage/summary?month=${month}&waitFor=${await head()}`);
          expect(reply.status).toBe(200);
          return reply.body as { estimated: string; reconciled: string; estimatedIsLowerBound: boolean; counts: Counts; byProvider: Breakdown[]; byAccount: Breakdown[]; byModel: Breakdown[]; byProject: Breakdown[] };
        },
        async daily(groupBy: string, from = D(1), to = D(28)) {
          const reply = await user.get(`/workspaces/${ws}/usage/daily?from=${from}&to=${to}&groupBy=${groupBy}&waitFor=${await head()}`);
          expect(reply.status).toBe(200);
          return reply.body.points as Point[];
        },
        async budgets() {
          const reply = await user.get(`/workspaces/${ws}/budgets?waitFor=${await head()}`);
          expect(reply.status).toBe(200);
          return reply.body.items as { id: string; spent: string; percentUsed: number; month: string }[];
        },
        async events(day: string, accountId: string) {
          const reply = await user.get(`/workspaces/${ws}/usage/events?day=${day}&accountId=${accountId}&waitFor=${await head()}`);
          expect(reply.status).toBe(200);
          return reply.body.items as { model: string; source: string; reportedCost: string | null; estimate: Record<string, unknown> | null }[];
        },
        /** Sets a workspace price (POST …/prices) and waits until the recompute it starts, if any, is done. */
        async setPrice(change: Record<string, unknown>) {
          const set = await user.post(`/workspaces/${ws}/prices`, change);
          expect(set.status).toBe(201);
          if (set.body.recompute) {
            const deadline = Date.now() + 30_000;
            while ((await user.get(`/workspaces/${ws}/recomputes/${set.body.recompute.recomputeId}?waitFor=${set.body.position}`)).body.state !== 'done') {
              if (Date.now() > deadline) throw new Error('recompute stuck');
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          }
          return set.body as { rowsChanged: number; recompute: { version: number } | null };
        },
        async audit() {
          const reply = await user.get(`/workspaces/${ws}/audit?month=${PREV}&waitFor=${await head()}`);
          expect(reply.status).toBe(200);
          return reply.body as { cells: Cell[]; totals: { estimated: string; reconciled: string; difference: string } };
        },
      };
    }

    it('counts a manual entry as manual, never as unpriced usage, its amount as its estimate, and raises no unpriced-usage alert for it', async () => {
      const w = await workspace('manual@ledger-sources.test');
      const selfHosted = await w.connect('custom', 'self-hosted');
      // A subscription: only an amount. A self-hosted bill: a cost and `requests: 1`. Neither model is in the catalogue.
      await w.manual({ accountId: selfHosted, day: D(1), model: 'team-subscription', amount: '300' });
      await w.manual({ accountId: selfHosted, day: D(2), model: 'llama-3.1-70b', units: { requests: 1 }, amount: '12.50' });
      // Tokens of a model without a price and no amount: nothing says what they cost, so they are unpriced usage.
      await w.manual({ accountId: selfHosted, day: D(3), model: 'private-finetune-7b', tokens: { inputUncached: 1000, output: 100 } });

      // An entry's amount is its cost: it is the estimate too, so the month's estimate counts it.
      const summary = await w.summary();
      expect(summary.counts).toEqual(counts({ rows: 3, manual: 2, unpriced: 1 }));
      expect(summary).toMatchObject({ estimated: '312.5', reconciled: '312.5', estimatedIsLowerBound: true });
      const byModel = Object.fromEntries(summary.byModel.map((r) => [r.key, r]));
      expect(byModel['custom/team-subscription']).toMatchObject({ estimated: '300', reconciled: '300', counts: counts({ rows: 1, manual: 1 }) });
      expect(byModel['custom/llama-3.1-70b']).toMatchObject({ estimated: '12.5', reconciled: '12.5', counts: counts({ rows: 1, manual: 1 }) });
      expect(byModel['custom/private-finetune-7b']).toMatchObject({ estimated: '0', reconciled: null, counts: counts({ rows: 1, unpriced: 1 }) });

      for (const groupBy of ['provider', 'account', 'model', 'project']) {
        const points = await w.daily(groupBy);
        expect(points.find((p) => p.day === D(1))).toMatchObject({ estimated: '300', reconciled: '300', counts: counts({ rows: 1, manual: 1 }) });
        expect(points.find((p) => p.day === D(2))).toMatchObject({ estimated: '12.5', reconciled: '12.5', counts: counts({ rows: 1, manual: 1 }) });
        expect(points.find((p) => p.day === D(3))).toMatchObject({ estimated: '0', reconciled: null, counts: counts({ rows: 1, unpriced: 1 }) });
      }

      // Estimated and reconciled are the same figure: no difference.
      const cells = Object.fromEntries((await w.audit()).cells.map((c) => [c.day, c]));
      expect(cells[D(1)]).toMatchObject({ status: 'reconciled', estimated: '300', reconciled: '300', difference: '0', counts: counts({ rows: 1, manual: 1 }) });
      expect(cells[D(1)].lines).toEqual([expect.objectContaining({ kind: 'usage', status: 'reconciled', estimated: '300', reconciled: '300' })]);
      expect(cells[D(2)]).toMatchObject({ status: 'reconciled', estimated: '12.5', difference: '0', counts: counts({ rows: 1, manual: 1 }) });
      expect(cells[D(3)]).toMatchObject({ status: 'unpriced', estimated: null, reconciled: null, counts: counts({ rows: 1, unpriced: 1 }) });

      // The drill-down shows the entry's estimate as manual, and where its figure came from.
      expect(await w.events(D(1), selfHosted)).toEqual([
        expect.objectContaining({
          source: 'manual',
          reportedCost: '300',
          estimate: expect.objectContaining({
            status: 'manual',
            estimated: '300',
            priceSetId: null,
            lines: [{ class: 'amount', quantity: 1, unitPrice: '300', amount: '300', priceSource: 'entered amount' }],
            unpriced: [],
          }),
        }),
      ]);

      // The unpriced-usage rule (evaluated as of the month's last days) names the unpriced model only.
      const evaluated = await t.app.get(AlertEvaluator).evaluateWorkspace(w.ws, new Date(`${D(28)}T12:00:00.000Z`));
      expect(evaluated.skipped).toBeNull();
      const alerts = await w.user.get(`/workspaces/${w.ws}/alerts?kind=unpriced-usage&limit=200&waitFor=${evaluated.position}`);
      expect(alerts.status).toBe(200);
      expect(alerts.body.items.map((a: { subject: { key: string } }) => a.subject.key)).toEqual(['custom/private-finetune-7b']);

      // An entry for today is manual too, not pending: no provider data can still change it.
      await w.manual({ accountId: selfHosted, day: TODAY, model: 'seat-licences', amount: '20' });
      expect((await w.summary(THIS_MONTH)).counts).toEqual(counts({ rows: 1, manual: 1 }));
    });

    it("counts a manual entry's amount toward budgets, uses it over the catalogue's price of its tokens, and never reprices it", async () => {
      const w = await workspace('amount@ledger-sources.test');
      const selfHosted = await w.connect('custom', 'self-hosted');
      const openai = await w.connect('openai');
      // A $300 monthly seat subscription: only an amount.
      await w.manual({ accountId: selfHosted, day: D(1), model: 'team-subscription', amount: '300' });
      // Tokens of a priced model and what they cost: the catalogue would say 1,000,000 × 0.00000015 + 100,000 × 0.0000006 = 0.21.
      await w.manual({ accountId: openai, day: D(2), model: 'gpt-4o-mini', tokens: { inputUncached: 1_000_000, output: 100_000 }, amount: '0.5' });
      // The same tokens without an amount: priced from the catalogue, 0.21.
      await w.manual({ accountId: openai, day: D(3), model: 'gpt-4o-mini', tokens: { inputUncached: 1_000_000, output: 100_000 } });
      // This month's subscription, for this month's budget.
      await w.manual({ accountId: selfHosted, day: `${THIS_MONTH}-01`, model: 'team-subscription', amount: '300' });

      const summary = await w.summary();
      expect(summary).toMatchObject({ estimated: '300.71', reconciled: '300.5', estimatedIsLowerBound: false, counts: counts({ rows: 3, manual: 3 }) });
      const estimatedOf = (rows: Breakdown[], key: string | null) => rows.find((r) => r.key === key)?.estimated;
      expect(estimatedOf(summary.byModel, 'custom/team-subscription')).toBe('300');
      expect(estimatedOf(summary.byModel, 'openai/gpt-4o-mini')).toBe('0.71');
      expect(estimatedOf(summary.byAccount, selfHosted)).toBe('300');
      expect(estimatedOf(summary.byProject, null)).toBe('300.71');
      const daily = async (groupBy: string) => Object.fromEntries((await w.daily(groupBy)).map((p) => [`${p.day} ${p.key}`, p.estimated]));
      expect(await daily('provider')).toEqual({ [`${D(1)} custom`]: '300', [`${D(2)} openai`]: '0.5', [`${D(3)} openai`]: '0.21' });
      expect(await daily('model')).toEqual({ [`${D(1)} custom/team-subscription`]: '300', [`${D(2)} openai/gpt-4o-mini`]: '0.5', [`${D(3)} openai/gpt-4o-mini`]: '0.21' });
      const [withAmount] = await w.events(D(2), openai);
      expect(withAmount.estimate).toMatchObject({ status: 'manual', estimated: '0.5', priceSetId: null, lines: [expect.objectContaining({ priceSource: 'entered amount', amount: '0.5' })] });
      const [withoutAmount] = await w.events(D(3), openai);
      expect(withoutAmount.estimate).toMatchObject({ status: 'manual', estimated: '0.21', priceSetId: expect.any(String) });

      // The workspace's budget counts this month's subscription; so does its forecast.
      const created = await w.user.post(`/workspaces/${w.ws}/budgets`, { scope: { kind: 'workspace' }, amount: '1000' });
      expect(created.status).toBe(201);
      expect(created.body.budget).toMatchObject({ spent: '300', percentUsed: 30 });
      expect(await w.budgets()).toEqual([expect.objectContaining({ id: created.body.budget.id, spent: '300', percentUsed: 30, month: THIS_MONTH })]);
      const forecast = await w.user.get(`/workspaces/${w.ws}/forecast`);
      expect(forecast.status).toBe(200);
      expect(forecast.body.budgets).toEqual([expect.objectContaining({ budgetId: created.body.budget.id, spent: '300' })]);
      expect(forecast.body.series[0].forecast.spent).toBe('300');

      // A price change recomputes the tokens priced from the catalogue, never an entered amount.
      const changed = await w.setPrice({ provider: 'openai', model: 'gpt-4o-mini', prices: { input: '0.000001', output: '0.000004' }, effectiveFrom: `${PREV}-01` });
      expect(changed).toMatchObject({ rowsChanged: 1, recompute: { version: 2 } });
      // A price for the subscription's own model changes nothing either: no recompute.
      expect(await w.setPrice({ provider: 'custom', model: 'team-subscription', prices: { perRequest: '5' }, effectiveFrom: `${PREV}-01` })).toMatchObject({ rowsChanged: 0, recompute: null });

      const after = await w.summary();
      // 1,000,000 × 0.000001 + 100,000 × 0.000004 = 1.4 for the row without an amount.
      expect(after).toMatchObject({ costVersion: 2, estimated: '301.9', reconciled: '300.5' });
      expect(estimatedOf(after.byModel, 'custom/team-subscription')).toBe('300');
      expect(await daily('provider')).toEqual({ [`${D(1)} custom`]: '300', [`${D(2)} openai`]: '0.5', [`${D(3)} openai`]: '1.4' });
      expect((await w.events(D(1), selfHosted))[0].estimate).toMatchObject({ costVersion: 2, status: 'manual', estimated: '300', priceSetId: null });
      expect((await w.budgets())[0]).toMatchObject({ spent: '300', percentUsed: 30 });
      expect((await w.summary(THIS_MONTH)).estimated).toBe('300');
    });

    it("counts a CSV import's cost as billed wherever a per-request cost (Perplexity's usage.cost) is", async () => {
      const w = await workspace('import@ledger-sources.test');
      const perplexity = await w.connect('perplexity');
      const selfHosted = await w.connect('custom', 'self-hosted');
      const groq = await w.connect('groq');
      await w.ingest(perplexity, [
        {
          requestId: 'pplx-1',
          provider: 'perplexity',
          model: 'sonar',
          timestamp: `${D(4)}T10:00:00Z`,
          project: 'research',
          usage: { prompt_tokens: 9, completion_tokens: 312, total_tokens: 321, cost: { request_cost: 0.005, total_cost: 0.005321 } },
        },
      ]);
      await w.importCsv([
        'date,account_id,provider,model,operation,service_tier,context_tier,project,input_tokens,cached_input_tokens,cache_write_5m_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,requests,images,audio_seconds,characters,search_queries,web_searches,cost,currency',
        // The web page's template row: a self-hosted model (no catalogue price) with its cost.
        `${D(4)},${selfHosted},,llama-3.1-70b-instruct,,,,research,120000,,,,3400,,42,,,,,,2.50,USD`,
        // A priced model with its cost.
        `${D(5)},${groq},groq,llama-3.3-70b-versatile,,,,,50000,,,,1200,,60,,,,,,0.75,USD`,
      ]);

      const summary = await w.summary();
      expect(summary.reconciled).toBe('3.255321');
      const reconciledOf = (rows: Breakdown[], key: string | null) => rows.find((r) => r.key === key)?.reconciled;
      expect(reconciledOf(summary.byProvider, 'perplexity')).toBe('0.005321');
      expect(reconciledOf(summary.byProvider, 'custom')).toBe('2.5');
      expect(reconciledOf(summary.byProvider, 'groq')).toBe('0.75');
      expect(reconciledOf(summary.byAccount, selfHosted)).toBe('2.5');
      expect(reconciledOf(summary.byModel, 'perplexity/sonar')).toBe('0.005321');
      expect(reconciledOf(summary.byModel, 'custom/llama-3.1-70b-instruct')).toBe('2.5');
      expect(reconciledOf(summary.byModel, 'groq/llama-3.3-70b-versatile')).toBe('0.75');
      expect(reconciledOf(summary.byProject, 'research')).toBe('2.505321');
      expect(reconciledOf(summary.byProject, null)).toBe('0.75');
      // The self-hosted model has no price: its estimate stays unpriced (never $0), its cost is billed.
      expect(summary.byModel.find((r) => r.key === 'custom/llama-3.1-70b-instruct')).toMatchObject({ estimated: '0', counts: counts({ rows: 1, unpriced: 1 }) });

      const expected: Record<string, [string, string | null, string][]> = {
        provider: [[D(4), 'custom', '2.5'], [D(4), 'perplexity', '0.005321'], [D(5), 'groq', '0.75']],
        account: [[D(4), selfHosted, '2.5'], [D(4), perplexity, '0.005321'], [D(5), groq, '0.75']],
        model: [[D(4), 'custom/llama-3.1-70b-instruct', '2.5'], [D(4), 'perplexity/sonar', '0.005321'], [D(5), 'groq/llama-3.3-70b-versatile', '0.75']],
        project: [[D(4), 'research', '2.505321'], [D(5), null, '0.75']],
      };
      for (const [groupBy, points] of Object.entries(expected)) {
        const got = (await w.daily(groupBy)).map((p) => [p.day, p.key, p.reconciled]);
        expect({ groupBy, points: got }).toEqual({ groupBy, points: expect.arrayContaining(points) });
        expect(got).toHaveLength(points.length);
      }

      const audit = await w.audit();
      const cell = (accountId: string) => audit.cells.find((c) => c.accountId === accountId);
      expect(cell(selfHosted)).toMatchObject({ status: 'reconciled', estimated: null, reconciled: '2.5' });
      expect(cell(selfHosted)?.lines).toEqual([expect.objectContaining({ kind: 'usage', status: 'unpriced', reconciled: '2.5' })]);
      expect(cell(groq)).toMatchObject({ status: 'reconciled', reconciled: '0.75' });
      expect(cell(groq)?.lines).toEqual([expect.objectContaining({ kind: 'usage', status: 'reconciled', reconciled: '0.75' })]);
      expect(cell(perplexity)).toMatchObject({ status: 'reconciled', reconciled: '0.005321' });
      expect(audit.totals.reconciled).toBe('3.255321');
    });

    it('gives no billed figure (null, not $0) where nothing was billed, and $0 where $0 was', async () => {
      const w = await workspace('unbilled@ledger-sources.test');
      const groq = await w.connect('groq');
      const mistral = await w.connect('mistral');
      // Groq request logs carry no cost: no billing source at all.
      await w.ingest(groq, [
        { requestId: 'g-1', provider: 'groq', model: 'llama-3.3-70b-versatile', timestamp: `${D(6)}T10:00:00Z`, usage: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 } },
      ]);
      // An import that says the day cost $0.
      await w.importCsv(['date,account_id,model,input_tokens,output_tokens,cost', `${D(6)},${mistral},mistral-small-latest,1000,100,0`]);

      for (const groupBy of ['provider', 'account', 'model', 'project']) {
        const points = await w.daily(groupBy);
        const groqKey = { provider: 'groq', account: groq, model: 'groq/llama-3.3-70b-versatile', project: null }[groupBy];
        const mistralKey = { provider: 'mistral', account: mistral, model: 'mistral/mistral-small-latest', project: null }[groupBy];
        if (groupBy === 'project') {
          // One group holds both: what was billed to it is the $0.
          expect(points).toEqual([expect.objectContaining({ day: D(6), key: null, reconciled: '0' })]);
          continue;
        }
        expect({ groupBy, point: points.find((p) => p.key === groqKey) }).toEqual({ groupBy, point: expect.objectContaining({ reconciled: null }) });
        expect({ groupBy, point: points.find((p) => p.key === mistralKey) }).toEqual({ groupBy, point: expect.objectContaining({ reconciled: '0' }) });
      }

      const summary = await w.summary();
      const row = (rows: Breakdown[], key: string) => rows.find((r) => r.key === key);
      expect(row(summary.byProvider, 'groq')).toMatchObject({ reconciled: null });
      expect(row(summary.byAccount, groq)).toMatchObject({ reconciled: null });
      expect(row(summary.byModel, 'groq/llama-3.3-70b-versatile')).toMatchObject({ reconciled: null });
      expect(row(summary.byProvider, 'mistral')).toMatchObject({ reconciled: '0' });
      expect(row(summary.byAccount, mistral)).toMatchObject({ reconciled: '0' });

      const audit = await w.audit();
      expect(audit.cells.find((c) => c.accountId === groq)).toMatchObject({ status: 'estimated', reconciled: null, difference: null });
      expect(audit.cells.find((c) => c.accountId === mistral)).toMatchObject({ status: 'reconciled', reconciled: '0' });
    });
  });
}
