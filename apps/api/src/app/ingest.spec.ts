import fc from 'fast-check';
import { testEngines } from '@act/server/database/testing';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import { RecordUsageHandler } from '@act/server/usage';
import { IngestSweeper } from '@act/server/ingest';
import { buildRequestType, latestCosts, latestUsage, usageTotals, type UsageLedgerEvent, type UsageTotals } from '@act/domain/usage';
import { readRequestRecord, sumRequests, type RequestTotals } from '@act/domain/request-usage';
import { ApiClient } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const at = (offset: number, time = '10:00:00Z') => `${day(offset)}T${time}`;

interface Rec {
  requestId: string;
  provider: string;
  model: string;
  timestamp: string | number;
  usage: Record<string, unknown>;
  project?: string;
  tags?: Record<string, string>;
}

function openaiRecord(id: string, offset: number, prompt: number, completion: number, cached = 0, reasoning = 0, model = 'gpt-4o-mini-2024-07-18'): Rec {
  return {
    requestId: id,
    provider: 'openai',
    model,
    timestamp: at(offset),
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: reasoning },
    },
  };
}

/** The reference: each distinct request normalized by the domain, summed per (day, requestType). */
function reference(records: readonly Rec[], ledgerProvider: string): Map<string, RequestTotals> {
  const byKey = new Map<string, Parameters<typeof sumRequests>[0] extends Iterable<infer T> ? T[] : never>();
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.requestId)) continue;
    seen.add(record.requestId);
    const read = readRequestRecord(record, { path: '', now: new Date(Date.now() + 60_000).toISOString() });
    if (!read.ok) throw new Error(JSON.stringify(read.problems));
    const r = read.value;
    const requestType = buildRequestType({
      provider: ledgerProvider,
      model: r.model,
      operation: r.operation,
      serviceTier: r.serviceTier,
      contextTier: r.contextTier,
      ...(r.project ? { project: r.project } : {}),
    });
    const key = `${r.day}|${requestType}`;
    byKey.set(key, [...(byKey.get(key) ?? []), r.usage]);
  }
  return new Map([...byKey].map(([key, list]) => [key, sumRequests(list)]));
}

/** Replaces RecordUsageHandler#handle (used by every writer of the app) while `body` runs. */
async function whileRecording<T>(replacement: RecordUsageHandler['handle'], body: () => Promise<T>): Promise<T> {
  const original = RecordUsageHandler.prototype.handle;
  RecordUsageHandler.prototype.handle = replacement;
  try {
    return await body();
  } finally {
    RecordUsageHandler.prototype.handle = original;
  }
}

function expectTotalsMatch(actual: ReadonlyMap<string, UsageTotals>, expected: ReadonlyMap<string, RequestTotals>) {
  const shown = (m: ReadonlyMap<string, { tokens: object; units: object }>) =>
    Object.fromEntries([...m].map(([k, v]) => [k, { tokens: v.tokens, units: v.units }]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  expect(shown(actual)).toEqual(shown(expected));
}

for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`ingest, manual entries and CSV import over HTTP [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let t: TestApp;
    const client = () => new ApiClient(() => t.base);
    const alice = client();
    const bob = client();
    let wsA: string;
    let wsB: string;
    let openaiA: string;
    let openaiB: string;
    let keyA: string;
    let keyB: string;
    const withKey = (key: string) => {
      const c = client();
      c.accessToken = key;
      return c;
    };
    const db = () => t.app.get<SqlDatabase>(SQL_DATABASE);

    async function ledgerEvents(ws: string, account: string): Promise<UsageLedgerEvent[]> {
      const rows = await db().query<{ id: string; type: string; data: unknown }>(
        `select event_id::text as id, type, data from es_events where stream_id like $1 order by global_position`,
        [`usage-${ws}.${account}.%`],
      );
      return rows.map((r) => ({ id: r.id, type: r.type, data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data }) as UsageLedgerEvent);
    }

    async function totals(ws: string, account: string) {
      return usageTotals(await ledgerEvents(ws, account), (d) => `${d.day}|${d.requestType}`);
    }

    async function connect(ws: string, owner: ApiClient, provider: string, name = provider) {
      const reply = await owner.post(`/workspaces/${ws}/accounts`, { provider, displayName: name, syncEnabled: false });
      expect(reply.status).toBe(201);
      return reply.body.account.id as string;
    }

    async function newKey(ws: string, owner: ApiClient, accountId: string) {
      const reply = await owner.post(`/workspaces/${ws}/ingest-keys`, { accountId, name: 'test' });
      expect(reply.status).toBe(201);
      return reply.body.key as string;
    }

    beforeAll(async () => {
      t = await startTestApp(engine);
      wsA = (await alice.register('alice@ingest.test')).body.workspaces[0].id;
      wsB = (await bob.register('bob@ingest.test')).body.workspaces[0].id;
      openaiA = await connect(wsA, alice, 'openai');
      openaiB = await connect(wsB, bob, 'openai');
      keyA = await newKey(wsA, alice, openaiA);
      keyB = await newKey(wsB, bob, openaiB);
    });

    afterAll(async () => {
      await t?.dispose();
    });

    const batch1 = [
      openaiRecord('req-1', -2, 2006, 300, 1920, 192),
      openaiRecord('req-2', -2, 120, 40),
      openaiRecord('req-3', -1, 5000, 700, 4096, 0),
      openaiRecord('req-4', -1, 10, 5, 0, 0, 'gpt-4o-2024-08-06'),
      { ...openaiRecord('req-5', -1, 33, 11), project: 'search', tags: { feature: 'autocomplete' } },
    ];

    it('ingests a batch into day totals, and a re-sent batch changes nothing', async () => {
      const ingester = withKey(keyA);
      const first = await ingester.post('/ingest/usage', { records: batch1 });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ accepted: 5, duplicates: 0, conflicts: [], rejected: 0, errors: [], pendingKeys: 0, position: expect.stringMatching(/^[1-9]\d*$/) });
      expectTotalsMatch(await totals(wsA, openaiA), reference(batch1, 'openai'));
      // OpenAI's prompt tokens include the cached ones, completion tokens the reasoning ones: never counted twice.
      const day2 = (await totals(wsA, openaiA)).get(`${day(-2)}|openai|gpt-4o-mini-2024-07-18|chat/completions`);
      expect(day2?.tokens).toEqual({ inputUncached: 86 + 120, inputCachedRead: 1920, cacheWrite5m: 0, cacheWrite1h: 0, output: 108 + 40, reasoning: 192 });
      expect(day2?.units.requests).toBe(2);
      const latest = latestUsage(await ledgerEvents(wsA, openaiA));
      expect([...latest.values()].every((e) => e.data.source === 'request-log' && e.data.final)).toBe(true);

      const eventsBefore = (await ledgerEvents(wsA, openaiA)).length;
      const again = await ingester.call('POST', '/ingest/usage', { records: batch1 }, { 'idempotency-key': 'retry-1' });
      expect(again.body).toMatchObject({ accepted: 0, duplicates: 5, conflicts: [], rejected: 0 });
      expect(BigInt(again.body.position)).toBeGreaterThanOrEqual(BigInt(first.body.position));
      expect((await ledgerEvents(wsA, openaiA)).length).toBe(eventsBefore);
      expectTotalsMatch(await totals(wsA, openaiA), reference(batch1, 'openai'));

      // The read model agrees once it has caught up to the answered position.
      expect((await alice.get(`/workspaces/${wsA}/manual-entries?waitFor=${first.body.position}`)).status).toBe(200);
      const [row] = await db().query<{ input_uncached: string; requests: string; source: string }>(
        `select input_uncached::text, requests::text, source from usage_latest where account_id = $1 and day = $2::date and request_type = $3`,
        [openaiA, day(-2), 'openai|gpt-4o-mini-2024-07-18|chat/completions'],
      );
      expect(row).toEqual({ input_uncached: '206', requests: '2', source: 'request-log' });
    });

    it('counts only the new requests of a partly overlapping batch, and reports conflicting re-sends', async () => {
      const ingester = withKey(keyA);
      const changed = { ...batch1[1], usage: { prompt_tokens: 999, completion_tokens: 1 } };
      const batch2 = [batch1[0], changed, batch1[2], openaiRecord('req-6', -2, 7, 3), { ...openaiRecord('req-7', 0, 70, 30), timestamp: at(0, '00:00:01Z') }, { ...openaiRecord('req-7', 0, 70, 30), timestamp: at(0, '00:00:01Z') }];
      const reply = await ingester.post('/ingest/usage', { records: batch2 });
      expect(reply.body).toMatchObject({ accepted: 2, duplicates: 4, conflicts: [{ index: 1, requestId: 'req-2' }], rejected: 0 });
      const all = [...batch1, ...batch2];
      expectTotalsMatch(await totals(wsA, openaiA), reference(all, 'openai'));
      // Today is not over: its total stays open (pending) until the day ends.
      const today = latestUsage(await ledgerEvents(wsA, openaiA));
      expect([...today.values()].find((e) => e.data.day === day(0))?.data.final).toBe(false);
    });

    it('reports invalid records by path and still stores the valid ones', async () => {
      const ingester = withKey(keyA);
      const mixed = await ingester.post('/ingest/usage', {
        records: [
          openaiRecord('ok-1', -1, 10, 10),
          { ...openaiRecord('bad-1', -1, 10, 10), usage: { prompt_tokens: -4, completion_tokens: 2 } },
          { ...openaiRecord('bad-2', -1, 10, 10), provider: 'anthropic' },
          { ...openaiRecord('bad-3', -1, 10, 10), timestamp: 'yesterday', request_id: 'x' },
        ],
      });
      expect(mixed.status).toBe(200);
      expect(mixed.body).toMatchObject({ accepted: 1, rejected: 3 });
      expect(mixed.body.errors).toEqual([
        { path: 'records[1].usage.prompt_tokens', message: expect.stringContaining('must be a whole number of at least 0') },
        { path: 'records[2].provider', message: expect.stringContaining('this ingest key is for an account of provider "openai"') },
        { path: 'records[3].request_id', message: expect.stringContaining('is not a field of a record') },
        { path: 'records[3].timestamp', message: expect.stringContaining('ISO 8601') },
      ]);

      const none = await ingester.post('/ingest/usage', { records: [{ ...openaiRecord('bad-4', -1, 1, 1), usage: { completion_tokens: 1 } }] });
      expect(none.status).toBe(400);
      expect(none.headers.get('content-type')).toContain('application/problem+json');
      expect(none.body.errors).toEqual([{ path: 'records[0].usage.prompt_tokens', message: expect.stringContaining('is required') }]);

      const tooMany = await ingester.post('/ingest/usage', { records: Array.from({ length: 1001 }, (_, i) => openaiRecord(`many-${i}`, -1, 1, 1)) });
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.errors[0]).toEqual({ path: 'records', message: expect.stringContaining('at most 1000') });
      const huge = await ingester.post('/ingest/usage', { records: [{ ...openaiRecord('huge', -1, 1, 1), tags: { pad: 'x'.repeat(200) } }], padding: 'x'.repeat(1_100_000) });
      expect(huge.status).toBe(413);
      expect(huge.body.detail).toMatch(/1 MB/);
      expect((await ingester.post('/ingest/usage', { records: [] })).status).toBe(400);
      expect((await ingester.post('/ingest/usage', { accountId: openaiB, records: [openaiRecord('x', -1, 1, 1)] })).body.errors[0].path).toBe('accountId');
      const notJson = await ingester.call('POST', '/ingest/usage', undefined, { 'content-type': 'text/plain' });
      expect(notJson.status).toBe(400);
    });

    it('answers 401 to anything but a valid ingest key of a connected account', async () => {
      const record = { records: [openaiRecord('auth-1', -1, 1, 1)] };
      const anonymous = await client().post('/ingest/usage', record);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
      expect(anonymous.body.detail).toMatch(/Authorization: Bearer <ingest key>/);
      expect((await withKey('act_ik_00000000000000000000000000000000_' + 'A'.repeat(43)).post('/ingest/usage', record)).status).toBe(401);
      expect((await withKey(keyA.slice(0, -1) + (keyA.endsWith('A') ? 'B' : 'A')).post('/ingest/usage', record)).status).toBe(401);
      // A user's access token is not an ingest key.
      expect((await alice.post('/ingest/usage', record)).status).toBe(401);

      const account = await connect(wsA, alice, 'openai', 'short-lived');
      const created = await alice.post(`/workspaces/${wsA}/ingest-keys`, { accountId: account, name: 'revoke me' });
      expect((await withKey(created.body.key).post('/ingest/usage', record)).status).toBe(200);
      await alice.delete(`/workspaces/${wsA}/ingest-keys/${created.body.id}`);
      const revoked = await withKey(created.body.key).post('/ingest/usage', record);
      expect(revoked.status).toBe(401);
      expect(revoked.body.detail).toMatch(/revoked/);
      const other = await newKey(wsA, alice, account);
      await alice.delete(`/workspaces/${wsA}/accounts/${account}`);
      expect((await withKey(other).post('/ingest/usage', record)).status).toBe(401);
    });

    it('keeps workspaces apart: a key writes only to its own account, strangers get 404 on manual entries', async () => {
      const before = await totals(wsA, openaiA);
      const reply = await withKey(keyB).post('/ingest/usage', { records: batch1 });
      expect(reply.body).toMatchObject({ accepted: 5, duplicates: 0 });
      expectTotalsMatch(await totals(wsB, openaiB), reference(batch1, 'openai'));
      expect(await totals(wsA, openaiA)).toEqual(before);

      const entry = await alice.post(`/workspaces/${wsA}/manual-entries`, { accountId: openaiA, day: day(-3), model: 'seat-subscription', amount: '25.00' });
      expect(entry.status).toBe(201);
      for (const [method, path, body] of [
        ['GET', `/workspaces/${wsA}/manual-entries`, undefined],
        ['POST', `/workspaces/${wsA}/manual-entries`, { accountId: openaiA, day: day(-3), model: 'x', amount: '1' }],
        ['PATCH', `/workspaces/${wsA}/manual-entries/${entry.body.id}`, { amount: '0' }],
        ['DELETE', `/workspaces/${wsA}/manual-entries/${entry.body.id}`, undefined],
        ['POST', `/workspaces/${wsA}/imports?dryRun=true`, undefined],
      ] as const) {
        expect(`${method} ${path} → ${(await bob.call(method, path, body)).status}`).toBe(`${method} ${path} → 404`);
      }
      // Bob's own workspace does not know Alice's entry or account either.
      expect((await bob.patch(`/workspaces/${wsB}/manual-entries/${entry.body.id}`, { amount: '0' })).status).toBe(404);
      expect((await bob.delete(`/workspaces/${wsB}/manual-entries/${entry.body.id}`)).status).toBe(404);
      expect((await bob.post(`/workspaces/${wsB}/manual-entries`, { accountId: openaiA, day: day(-3), model: 'x', amount: '1' })).status).toBe(404);
      const csv = `date,account_id,model,input_tokens\n${day(-3)},${openaiA},gpt-4o,5\n`;
      const imported = await bob.call('POST', `/workspaces/${wsB}/imports?dryRun=true`, undefined, { 'content-type': 'text/csv' });
      expect(imported.status).toBe(200);
      const foreign = await fetch(`${t.base}/api/v1/workspaces/${wsB}/imports?dryRun=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bob.accessToken}`, 'content-type': 'text/csv' },
        body: csv,
      }).then((r) => r.json());
      expect(foreign.problems).toEqual([{ line: 2, column: 'account_id', message: `There is no account ${openaiA} in this workspace.` }]);
      const removed = await alice.delete(`/workspaces/${wsA}/manual-entries/${entry.body.id}`);
      expect(removed.status).toBe(200);
    });

    it('never loses or double counts a request when the process dies between the inbox and the ledger', async () => {
      const account = await connect(wsA, alice, 'openai', 'crashy');
      const ingester = withKey(await newKey(wsA, alice, account));
      const crashBatch = [openaiRecord('c-1', -1, 100, 10), openaiRecord('c-2', -1, 200, 20, 50), openaiRecord('c-3', -2, 300, 30)];

      // 1. The inbox commits, then recording the totals fails (as if the process died there).
      const reply = await whileRecording(
        async () => {
          throw new Error('simulated crash');
        },
        () => ingester.post('/ingest/usage', { records: crashBatch }),
      );
      expect(reply.body).toMatchObject({ accepted: 3, pendingKeys: 2 });
      expect((await totals(wsA, account)).size).toBe(0);
      const pending = await db().query(`select 1 from ingest_pending where account_id = $1`, [account]);
      expect(pending).toHaveLength(2);

      // The process restarts: the start-up sweep records what was pending.
      await t.stop();
      await t.restart();
      await t.app.get(IngestSweeper).run(0);
      expectTotalsMatch(await totals(wsA, account), reference(crashBatch, 'openai'));
      expect(await db().query(`select 1 from ingest_pending where account_id = $1`, [account])).toHaveLength(0);

      // 2. The totals are recorded, then the process dies before the marker is cleared.
      const more = [openaiRecord('c-4', -1, 1000, 100)];
      const original = RecordUsageHandler.prototype.handle;
      const second = await whileRecording(
        async function (this: RecordUsageHandler, events) {
          await original.call(this, events);
          throw new Error('simulated crash after the append');
        },
        () => ingester.post('/ingest/usage', { records: more }),
      );
      expect(second.body).toMatchObject({ accepted: 1, pendingKeys: 1 });
      const eventsBefore = (await ledgerEvents(wsA, account)).length;
      await t.app.get(IngestSweeper).run(0);
      // The sweep folds the key again: the same total, which the ledger drops as a re-send.
      expect((await ledgerEvents(wsA, account)).length).toBe(eventsBefore);
      expectTotalsMatch(await totals(wsA, account), reference([...crashBatch, ...more], 'openai'));

      // A client retrying the whole thing changes nothing.
      const retry = await ingester.post('/ingest/usage', { records: [...crashBatch, ...more] });
      expect(retry.body).toMatchObject({ accepted: 0, duplicates: 4, pendingKeys: 0 });
      expectTotalsMatch(await totals(wsA, account), reference([...crashBatch, ...more], 'openai'));
    });

    it('gives the same day totals for any order, split, duplication and concurrency of the requests', async () => {
      let run = 0;
      const requestArb = fc.record({
        offset: fc.integer({ min: -3, max: -1 }),
        model: fc.constantFrom('gpt-4o-mini-2024-07-18', 'o4-mini-2025-04-16'),
        prompt: fc.integer({ min: 0, max: 50_000 }),
        cachedShare: fc.integer({ min: 0, max: 100 }),
        completion: fc.integer({ min: 0, max: 5_000 }),
        reasoningShare: fc.integer({ min: 0, max: 100 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(requestArb, { minLength: 1, maxLength: 25 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
          fc.integer({ min: 1, max: 10 }),
          async (requests, picks, batchSize) => {
            run += 1;
            const account = await connect(wsA, alice, 'openai', `property ${run}`);
            const ingester = withKey(await newKey(wsA, alice, account));
            const records = requests.map((r, i) =>
              openaiRecord(`p${run}-${i}`, r.offset, r.prompt, r.completion, Math.floor((r.prompt * r.cachedShare) / 100), Math.floor((r.completion * r.reasoningShare) / 100), r.model),
            );
            // Every request at least once, plus re-sends picked at random, in a shuffled order.
            const sends = [...records, ...picks.map((p) => records[p % records.length])];
            const order = sends.map((s, i) => ({ s, k: picks[i % picks.length] * 7919 + i })).sort((a, b) => a.k - b.k).map((x) => x.s);
            const batches: Rec[][] = [];
            for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize));
            // Two batches at a time, in flight together.
            for (let i = 0; i < batches.length; i += 2) {
              const replies = await Promise.all(batches.slice(i, i + 2).map((b) => ingester.post('/ingest/usage', { records: b })));
              for (const reply of replies) expect(reply.body).toMatchObject({ rejected: 0, pendingKeys: 0 });
            }
            expectTotalsMatch(await totals(wsA, account), reference(records, 'openai'));
          },
        ),
        { numRuns: 6 },
      );
    });

    it('keeps the billed cost of providers that report it per request', async () => {
      const perplexity = await connect(wsA, alice, 'perplexity');
      const reply = await withKey(await newKey(wsA, alice, perplexity)).post('/ingest/usage', {
        records: [
          { requestId: 'pplx-1', provider: 'perplexity', model: 'sonar', timestamp: at(-1), usage: { prompt_tokens: 9, completion_tokens: 312, total_tokens: 321, cost: { input_tokens_cost: 0.000009, output_tokens_cost: 0.000312, request_cost: 0.005, total_cost: 0.005321 } } },
          { requestId: 'pplx-2', provider: 'perplexity', model: 'sonar', timestamp: at(-1, '11:00:00Z'), usage: { prompt_tokens: 4, completion_tokens: 100, total_tokens: 104, cost: { request_cost: 0.005, total_cost: 0.005104 } } },
        ],
      });
      expect(reply.body.accepted).toBe(2);
      const [observation] = [...latestUsage(await ledgerEvents(wsA, perplexity)).values()];
      expect(observation.data.reportedCost).toEqual({ amount: '0.010425', currency: 'USD' });
      expect(observation.data.tokens).toMatchObject({ inputUncached: 13, output: 412 });
    });

    // Each provider's usage object exactly as its API returns it (the domain's normalize.spec holds
    // the reasoning per format); here they go through the real route, key and ledger.
    it.each([
      ['openai chat completions', 'openai', 'gpt-4o-mini-2024-07-18', { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 192 } }, { inputUncached: 86, inputCachedRead: 1920, output: 108, reasoning: 192 }, null],
      ['openai responses', 'openai', 'gpt-4o-mini-2024-07-18', { input_tokens: 5200, input_tokens_details: { cached_tokens: 4096 }, output_tokens: 1500, output_tokens_details: { reasoning_tokens: 1024 }, total_tokens: 6700 }, { inputUncached: 1104, inputCachedRead: 4096, output: 476, reasoning: 1024 }, null],
      ['anthropic messages', 'anthropic', 'claude-sonnet-4-5', { input_tokens: 21, cache_creation_input_tokens: 3000, cache_read_input_tokens: 12000, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 }, output_tokens: 503, service_tier: 'standard', server_tool_use: { web_search_requests: 2 } }, { inputUncached: 21, inputCachedRead: 12000, cacheWrite5m: 1000, cacheWrite1h: 2000, output: 503 }, null],
      ['groq', 'groq', 'llama-3.3-70b-versatile', { queue_time: 0.037, prompt_tokens: 1824, prompt_time: 0.0412, completion_tokens: 214, completion_time: 0.778, total_tokens: 2038, total_time: 0.819, prompt_tokens_details: { cached_tokens: 1536 } }, { inputUncached: 288, inputCachedRead: 1536, output: 214 }, null],
      ['mistral', 'mistral', 'mistral-small-latest', { prompt_tokens: 41, total_tokens: 181, completion_tokens: 140 }, { inputUncached: 41, output: 140 }, null],
      ['deepseek', 'deepseek', 'deepseek-reasoner', { prompt_tokens: 1100, completion_tokens: 900, total_tokens: 2000, prompt_tokens_details: { cached_tokens: 1024 }, prompt_cache_hit_tokens: 1024, prompt_cache_miss_tokens: 76, completion_tokens_details: { reasoning_tokens: 700 } }, { inputUncached: 76, inputCachedRead: 1024, output: 200, reasoning: 700 }, null],
      ['gemini usageMetadata', 'gemini', 'gemini-2.5-flash', { usageMetadata: { promptTokenCount: 12500, candidatesTokenCount: 420, totalTokenCount: 14120, cachedContentTokenCount: 8192, thoughtsTokenCount: 1200 } }, { inputUncached: 4308, inputCachedRead: 8192, output: 420, reasoning: 1200 }, null],
      ['perplexity (usage.cost)', 'perplexity', 'sonar-pro', { prompt_tokens: 9, completion_tokens: 312, total_tokens: 321, search_context_size: 'low', cost: { input_tokens_cost: 0.000009, output_tokens_cost: 0.000312, request_cost: 0.005, total_cost: 0.005321 } }, { inputUncached: 9, output: 312 }, '0.005321'],
      ['openrouter (usage.cost)', 'openrouter', 'anthropic/claude-sonnet-4.5', { prompt_tokens: 10339, completion_tokens: 60, total_tokens: 10399, cost: 0.00492, is_byok: false, prompt_tokens_details: { cached_tokens: 10318, cache_write_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } }, { inputUncached: 21, inputCachedRead: 10318, output: 60 }, '0.00492'],
      ['xai (cost_in_usd_ticks)', 'xai', 'grok-4', { prompt_tokens: 663, completion_tokens: 50, total_tokens: 837, prompt_tokens_details: { text_tokens: 663, cached_tokens: 654 }, completion_tokens_details: { reasoning_tokens: 124 }, cost_in_usd_ticks: 37756000 }, { inputUncached: 9, inputCachedRead: 654, output: 50, reasoning: 124 }, '0.0037756'],
    ] as const)('ingests the native usage of %s', async (label, provider, model, usage, tokens, reportedCost) => {
      const account = await connect(wsA, alice, provider, `native ${label}`);
      const reply = await withKey(await newKey(wsA, alice, account)).post('/ingest/usage', {
        records: [{ requestId: `native-${label}`, provider, model, timestamp: at(-1), usage }],
      });
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ accepted: 1, rejected: 0, errors: [] });
      const [observation] = [...latestUsage(await ledgerEvents(wsA, account)).values()];
      expect(observation.data).toMatchObject({ provider, day: day(-1), source: 'request-log', units: expect.objectContaining({ requests: 1 }) });
      const none: Record<string, number> = { inputUncached: 0, inputCachedRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, reasoning: 0 };
      expect(observation.data.tokens).toEqual({ ...none, ...tokens });
      expect(observation.data.reportedCost ?? null).toEqual(reportedCost === null ? null : { amount: reportedCost, currency: 'USD' });
    });

    it('records manual entries as observations: create, idempotent retry, edit, delete, re-create', async () => {
      const account = await connect(wsA, alice, 'custom', 'self-hosted');
      const create = { accountId: account, day: day(-5), model: 'llama-3.1-70b-instruct', tokens: { inputUncached: 120_000, output: 3_400 }, units: { requests: 52 } };
      const created = await alice.post(`/workspaces/${wsA}/manual-entries`, create);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ accountId: account, provider: 'custom', requestType: 'custom|llama-3.1-70b-instruct|chat/completions', tokens: { inputUncached: 120000, output: 3400 }, amount: null });
      const id = created.body.id;
      const retried = await alice.call('POST', `/workspaces/${wsA}/manual-entries`, create, { 'idempotency-key': 'k1' });
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ id, position: created.body.position });
      const clash = await alice.post(`/workspaces/${wsA}/manual-entries`, { ...create, tokens: { inputUncached: 1 } });
      expect(clash.status).toBe(409);
      expect(clash.body.detail).toContain(`PATCH …/manual-entries/${id}`);

      const listed = await alice.get(`/workspaces/${wsA}/manual-entries?waitFor=${created.body.position}&accountId=${account}`);
      expect(listed.body).toEqual({ items: [expect.objectContaining({ id, model: 'llama-3.1-70b-instruct', tokens: expect.objectContaining({ inputUncached: 120000 }), units: expect.objectContaining({ requests: 52 }) })], nextCursor: null });

      const edited = await alice.patch(`/workspaces/${wsA}/manual-entries/${id}`, { tokens: { output: 5_000 }, amount: '12.50' });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ id, tokens: { inputUncached: 120000, output: 5000 }, amount: '12.5' });
      let latest = [...latestUsage(await ledgerEvents(wsA, account)).values()];
      expect(latest).toHaveLength(1);
      expect(latest[0].data).toMatchObject({ source: 'manual', tokens: { inputUncached: 120000, output: 5000 }, reportedCost: { amount: '12.5', currency: 'USD' }, final: true });

      const deleted = await alice.delete(`/workspaces/${wsA}/manual-entries/${id}`);
      expect(deleted.status).toBe(200);
      latest = [...latestUsage(await ledgerEvents(wsA, account)).values()];
      expect(latest[0].data).toMatchObject({ source: 'manual', tokens: { inputUncached: 0, output: 0 }, raw: { manualEntry: { deleted: true } } });
      expect(latest[0].data.reportedCost).toBeUndefined();
      expect((await alice.get(`/workspaces/${wsA}/manual-entries?waitFor=${deleted.body.position}&accountId=${account}`)).body.items).toEqual([]);
      expect((await alice.patch(`/workspaces/${wsA}/manual-entries/${id}`, { amount: '1' })).status).toBe(404);
      expect((await alice.delete(`/workspaces/${wsA}/manual-entries/${id}`)).status).toBe(404);

      // Created again with the numbers it had first: A → B → 0 → A is recorded, not dropped as a re-send.
      const again = await alice.post(`/workspaces/${wsA}/manual-entries`, create);
      expect(again.status).toBe(201);
      expect(again.body.id).toBe(id);
      expect([...latestUsage(await ledgerEvents(wsA, account)).values()][0].data.tokens).toMatchObject({ inputUncached: 120000, output: 3400 });

      const invalid = await alice.post(`/workspaces/${wsA}/manual-entries`, { accountId: account, day: day(2), model: 'x', tokens: { output: -1 } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'tokens.output' })]));
      const future = await alice.post(`/workspaces/${wsA}/manual-entries`, { accountId: account, day: day(2), model: 'x', amount: '1' });
      expect(future.body.errors).toEqual([{ path: 'day', message: expect.stringContaining('in the future') }]);
      const empty = await alice.post(`/workspaces/${wsA}/manual-entries`, { accountId: account, day: day(-1), model: 'x' });
      expect(empty.status).toBe(400);
      // The key already holds request-log usage: an entry would silently replace it.
      const other = await alice.post(`/workspaces/${wsA}/manual-entries`, { accountId: openaiA, day: day(-2), model: 'gpt-4o-mini-2024-07-18', amount: '1' });
      expect(other.status).toBe(409);
      expect(other.body.detail).toMatch(/comes from request-log/);
      expect((await alice.post(`/workspaces/${wsA}/manual-entries`, { ...create, accountId: '00000000-0000-4000-8000-000000000000' })).status).toBe(404);
      await alice.delete(`/workspaces/${wsA}/accounts/${account}`);
      expect((await alice.patch(`/workspaces/${wsA}/manual-entries/${id}`, { amount: '1' })).status).toBe(409);
    });

    describe('CSV import', () => {
      let account: string;
      let anthropic: string;
      const post = (csv: string, query: string, type = 'text/csv') =>
        fetch(`${t.base}/api/v1/workspaces/${wsA}/imports${query}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${alice.accessToken}`, 'content-type': type },
          body: csv,
        }).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: await r.json() }));

      beforeAll(async () => {
        account = await connect(wsA, alice, 'groq', 'groq import');
        anthropic = await connect(wsA, alice, 'anthropic', 'anthropic import');
      });

      const file = () =>
        [
          'date,account_id,provider,model,operation,input_tokens,cached_input_tokens,cache_write_5m_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,requests,cost,currency,project',
          `${day(-4)},${account},groq,llama-3.3-70b-versatile,chat/completions,120000,30000,,,4000,,180,,,`,
          `${day(-4)},${anthropic},,claude-sonnet-4-5,,1000,20000,3000,1000,800,,12,0.25,USD,"research, EU"`,
          `${day(-3)},${account},,llama-3.3-70b-versatile,,50000,0,0,0,1200,0,60,,,`,
        ].join('\r\n') + '\r\n';

      it('previews with a dry run, imports all of a valid file, and a re-import changes nothing', async () => {
        const eventsBefore = (await ledgerEvents(wsA, account)).length + (await ledgerEvents(wsA, anthropic)).length;
        const preview = await post(file(), '?dryRun=true');
        expect(preview.status).toBe(200);
        expect(preview.body).toMatchObject({ dryRun: true, applied: false, importId: null, format: 'template', rows: { read: 3, valid: 3, invalid: 0 }, observations: { created: 3, changed: 0, unchanged: 0 }, problems: [] });
        expect((await ledgerEvents(wsA, account)).length + (await ledgerEvents(wsA, anthropic)).length).toBe(eventsBefore);

        const real = await post(file(), '?dryRun=false');
        expect(real.status).toBe(200);
        expect(real.body).toMatchObject({ dryRun: false, applied: true, importId: expect.any(String), observations: { created: 3 }, position: expect.any(String) });
        const groq = latestUsage(await ledgerEvents(wsA, account));
        expect([...groq.values()].map((e) => e.data)).toEqual(
          expect.arrayContaining([expect.objectContaining({ day: day(-4), source: 'import', tokens: expect.objectContaining({ inputUncached: 120000, inputCachedRead: 30000, output: 4000 }), units: expect.objectContaining({ requests: 180 }) })]),
        );
        const claude = [...latestUsage(await ledgerEvents(wsA, anthropic)).values()][0].data;
        expect(claude).toMatchObject({ project: 'research, EU', requestType: 'anthropic|claude-sonnet-4-5|chat/completions|project=research, EU', tokens: { cacheWrite5m: 3000, cacheWrite1h: 1000 }, reportedCost: { amount: '0.25', currency: 'USD' } });

        const eventsAfter = (await ledgerEvents(wsA, account)).length + (await ledgerEvents(wsA, anthropic)).length;
        const again = await post(file(), '');
        expect(again.body).toMatchObject({ applied: true, observations: { created: 0, changed: 0, unchanged: 3 } });
        expect((await ledgerEvents(wsA, account)).length + (await ledgerEvents(wsA, anthropic)).length).toBe(eventsAfter);

        const changedFile = file().replace(',50000,0,0,0,1200,', ',50000,0,0,0,1300,');
        const changed = await post(changedFile, '?dryRun=true');
        expect(changed.body.observations).toEqual({ created: 0, changed: 1, unchanged: 2 });
      });

      it('lists every problem by line and column, and applies nothing unless the whole file is valid', async () => {
        const bad = [
          'date,account_id,model,input_tokens,output_tokens,cost',
          `${day(-6)},${account},llama-3.3-70b-versatile,100,10,`,
          `${day(-6)},${account},llama-3.3-70b-versatile,1,1,`,
          `2026-02-30,${account},m,1,1,`,
          `${day(-6)},00000000-0000-4000-8000-000000000000,m,1,1,`,
          `${day(-6)},${account},m,12.5,1,`,
          `${day(-6)},${account},m,1,1,-3`,
          `${day(-6)},${account},m,1`,
          `${day(-6)},${account},"m2,1,1,`,
        ].join('\n');
        const eventsBefore = (await ledgerEvents(wsA, account)).length;
        const preview = await post(bad, '?dryRun=true');
        expect(preview.status).toBe(200);
        expect(preview.body.rows).toEqual({ read: 7, valid: 1, invalid: 6 });
        expect(preview.body.problems).toEqual([
          { line: 3, column: null, message: expect.stringContaining('same account, date, model, operation, tiers and project as line 2') },
          { line: 4, column: 'date', message: expect.stringContaining('YYYY-MM-DD') },
          { line: 5, column: 'account_id', message: expect.stringContaining('no account') },
          { line: 6, column: 'input_tokens', message: expect.stringContaining('whole number') },
          { line: 7, column: 'cost', message: expect.stringContaining('at least 0') },
          { line: 8, column: null, message: expect.stringContaining('has 4 fields but the header has 6') },
          { line: 9, column: null, message: expect.stringContaining('not closed') },
        ]);
        expect(preview.body.problemCount).toBe(7);
        const real = await post(bad, '?dryRun=false');
        expect(real.status).toBe(422);
        expect(real.type).toContain('application/problem+json');
        expect(real.body.errors[0]).toEqual({ path: 'line 3', message: expect.any(String) });
        expect(real.body.errors[1]).toEqual({ path: 'line 4.date', message: expect.any(String) });
        expect(real.body.report).toMatchObject({ applied: false, rows: { invalid: 6 } });
        expect((await ledgerEvents(wsA, account)).length).toBe(eventsBefore);

        expect((await post('hello,world\n1,2\n', '?dryRun=true')).body.problems[0]).toMatchObject({ line: 1, message: expect.stringContaining('not one we know') });
        expect((await post('{}', '', 'application/json')).status).toBe(415);
        expect((await post('', '?dryRun=true')).body.problems[0].message).toMatch(/empty/);
      });

      it('reads Azure Cost Management and AWS Cost Explorer exports as billed cost lines', async () => {
        const azureAccount = await connect(wsA, alice, 'azure-openai', 'azure');
        const azure = [
          'Date,MeterCategory,MeterSubCategory,MeterName,Quantity,UnitOfMeasure,CostInBillingCurrency,BillingCurrency,ResourceGroup',
          `${day(-4).slice(5, 7)}/${day(-4).slice(8)}/${day(-4).slice(0, 4)},Foundry Models,Azure OpenAI,gpt-4o-mini-0718-Inp-glbl,1.2,1M,0.18,USD,rg-ai`,
          `${day(-4)},Foundry Models,Azure OpenAI,gpt-4o-mini-0718-Inp-glbl,0.8,1M,0.12,USD,rg-ai-2`,
          `${day(-4)},Foundry Models,Azure OpenAI,gpt-4o-mini-0718-Outp-glbl,0.5,1M,0.30,USD,rg-ai`,
        ].join('\n');
        const needsAccount = await post(azure, '?dryRun=true');
        expect(needsAccount.body.problems[0].message).toMatch(/accountId/);
        const imported = await post(azure, `?accountId=${azureAccount}`);
        expect(imported.body).toMatchObject({ applied: true, format: 'azure', rows: { read: 3, valid: 3 }, observations: { created: 2 } });
        const costs = [...latestCosts(await ledgerEvents(wsA, azureAccount)).values()].map((e) => e.data).sort((a, b) => a.lineItem.localeCompare(b.lineItem));
        expect(costs.map((c) => [c.lineItem, c.amount, c.source])).toEqual([
          ['azure-openai|gpt-4o-mini-0718-Inp-glbl', '0.3', 'import'],
          ['azure-openai|gpt-4o-mini-0718-Outp-glbl', '0.3', 'import'],
        ]);
        expect((await post(azure, `?accountId=${azureAccount}`)).body.observations).toEqual({ created: 0, changed: 0, unchanged: 2 });

        const bedrock = await connect(wsA, alice, 'bedrock', 'aws');
        const aws = ['"Service","Amazon Bedrock($)","Claude Sonnet 4.5 (Amazon Bedrock Edition)($)","Total costs($)"', '"Service total","1.5","2.25","3.75"', `"${day(-4)}","1.5","2.25","3.75"`].join('\n');
        const awsReply = await post(aws, `?accountId=${bedrock}&format=aws`);
        expect(awsReply.body).toMatchObject({ applied: true, format: 'aws', observations: { created: 2 } });
        expect([...latestCosts(await ledgerEvents(wsA, bedrock)).values()].map((e) => [e.data.lineItem, e.data.amount]).sort()).toEqual([
          ['bedrock|Amazon Bedrock', '1.5'],
          ['bedrock|Claude Sonnet 4.5 (Amazon Bedrock Edition)', '2.25'],
        ]);
      });

      it("reads the OpenAI usage page's exports into an OpenAI account: all or nothing, and once", async () => {
        const openai = await connect(wsA, alice, 'openai', 'openai export');
        const unix = (d: string) => Date.parse(`${d}T00:00:00Z`) / 1000;
        const bucket = (d: string) => `${unix(d)},${unix(d) + 86_400},${d}T00:00:00+00:00,${day(-3)}T00:00:00+00:00`;
        const usage = [
          'start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens',
          `${bucket(day(-4))},proj_A,10.0,user-1,key_1,gpt-4o-mini-2024-07-18,FALSE,default,59200.0,10646.0,5760.0,53440.0`,
          `${bucket(day(-4))},proj_A,2.0,user-2,key_2,gpt-4o-mini-2024-07-18,FALSE,default,1000.0,100.0,0.0,1000.0`,
          `${bucket(day(-4))},proj_A,1.0,user-1,key_1,gpt-4o-mini-2024-07-18,TRUE,default,500.0,50.0,0.0,500.0`,
        ].join('\n');
        const bad = `${usage}\n${bucket(day(-4))},proj_A,1.5,,,gpt-4o-mini-2024-07-18,FALSE,default,1,1,0,1\n`;
        const refused = await post(bad, `?accountId=${openai}`);
        expect(refused.status).toBe(422);
        expect(refused.type).toContain('application/problem+json');
        expect(refused.body.errors).toEqual([{ path: 'line 5.num_model_requests', message: expect.stringContaining('whole number') }]);
        expect(await ledgerEvents(wsA, openai)).toEqual([]);

        const imported = await post(usage, `?accountId=${openai}`);
        expect(imported.body).toMatchObject({ applied: true, format: 'openai-usage', rows: { read: 3, valid: 3 }, observations: { created: 2 } });
        const rows = [...latestUsage(await ledgerEvents(wsA, openai)).values()].map((e) => e.data).sort((a, b) => a.requestType.localeCompare(b.requestType));
        expect(rows.map((r) => [r.requestType, r.source, r.tokens.inputUncached, r.tokens.inputCachedRead, r.tokens.output, r.units.requests])).toEqual([
          ['openai|gpt-4o-mini-2024-07-18|chat/completions|project=proj_A', 'import', 54440, 5760, 10746, 12],
          ['openai|gpt-4o-mini-2024-07-18|chat/completions|tier=batch|project=proj_A', 'import', 500, 0, 50, 1],
        ]);
        expect(JSON.stringify(rows)).not.toContain('user-1');
        expect((await post(usage, `?accountId=${openai}`)).body.observations).toEqual({ created: 0, changed: 0, unchanged: 2 });

        const costs = [
          'start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name',
          `${bucket(day(-4))},0.25,usd,"gpt-4o-mini-2024-07-18, input",proj_A,org-1,Personal`,
          `${bucket(day(-4))},0.0000125,usd,"gpt-4o-mini-2024-07-18, output",proj_A,org-1,Personal`,
        ].join('\n');
        expect((await post(costs, `?accountId=${openai}`)).body).toMatchObject({ applied: true, format: 'openai-costs', observations: { created: 2 } });
        expect([...latestCosts(await ledgerEvents(wsA, openai)).values()].map((e) => [e.data.lineItem, e.data.amount]).sort()).toEqual([
          ['openai|gpt-4o-mini-2024-07-18, input|project=proj_A', '0.25'],
          ['openai|gpt-4o-mini-2024-07-18, output|project=proj_A', '0.0000125'],
        ]);
        // An export of one provider is not imported into another provider's account.
        expect((await post(usage, `?accountId=${account}&dryRun=true`)).body.problems[0].message).toMatch(/is a groq account/);
      });

      it('completes an import interrupted between storing and recording it', async () => {
        const csv = `date,account_id,model,input_tokens,output_tokens\n${day(-7)},${account},llama-3.1-8b-instant,100,10\n`;
        const failed = await whileRecording(
          async () => {
            throw new Error('simulated crash');
          },
          () => post(csv, ''),
        );
        expect(failed.status).toBe(500);
        expect([...latestUsage(await ledgerEvents(wsA, account)).values()].some((e) => e.data.day === day(-7))).toBe(false);
        await t.app.get(IngestSweeper).run(0);
        const recorded = [...latestUsage(await ledgerEvents(wsA, account)).values()].find((e) => e.data.day === day(-7));
        expect(recorded?.data.tokens).toMatchObject({ inputUncached: 100, output: 10 });
        expect((await post(csv, '?dryRun=true')).body.observations).toEqual({ created: 0, changed: 0, unchanged: 1 });
      });
    });

    it('describes the new routes in the OpenAPI document', async () => {
      const doc = await (await fetch(`${t.base}/api/docs-json`)).json();
      expect(doc.paths['/api/v1/ingest/usage'].post).toMatchObject({ 'x-public': true });
      expect(doc.paths['/api/v1/ingest/usage'].post.description).toMatch(/Idempotent by requestId/);
      expect(doc.paths['/api/v1/workspaces/{ws}/manual-entries'].post['x-permission']).toBe('usage.record');
      expect(doc.paths['/api/v1/workspaces/{ws}/manual-entries/{entryId}'].patch['x-permission']).toBe('usage.record');
      expect(doc.paths['/api/v1/workspaces/{ws}/imports'].post['x-permission']).toBe('usage.record');
      expect(doc.components.schemas.IngestRecordDto.properties).toHaveProperty('usage');
      expect(doc.components.schemas.CreateManualEntryBody.required).toEqual(expect.arrayContaining(['accountId', 'day', 'model']));
    });
  });
}
