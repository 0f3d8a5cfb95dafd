import { randomBytes } from 'node:crypto';
import { testEngines } from '@act/server/database/testing';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import { startProviderTestServer, TEST_KEYS, type ProviderTestServer } from '@act/server/connectors/testing';
import { LedgerDecimal } from '@act/domain/usage';
import { ApiClient } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const MINI = 'gpt-4o-mini-2024-07-18';
const KIND = `openai|${MINI}|chat/completions`;

function record(id: string, offset: number, prompt: number, completion: number, model = MINI) {
  return {
    requestId: id,
    provider: 'openai',
    model,
    timestamp: `${day(offset)}T10:00:00Z`,
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
  };
}

/**
 * One OpenAI account with both sources for the same day: request logs sent through
 * POST /ingest/usage, then the provider's usage API synced from the local OpenAI test server
 * (which reports per project). The day is counted once, from the usage API, and
 * GET /coverage reports what the logs missed.
 */
for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`coverage gap over HTTP [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let t: TestApp;
    let openai: ProviderTestServer;
    const owner = new ApiClient(() => t.base);
    const stranger = new ApiClient(() => t.base);
    let ws: string;
    let accountId: string;
    const db = () => t.app.get<SqlDatabase>(SQL_DATABASE);

    beforeAll(async () => {
      openai = await startProviderTestServer({ provider: 'openai' });
      t = await startTestApp(engine, {
        CREDENTIAL_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNC_SCHEDULER: 'false',
        SYNC_BACKFILL_DAYS: '3',
        SYNC_CHUNK_DAYS: '3',
        SYNC_LOOKBACK_DAYS: '3',
      });
      ws = (await owner.register('owner@coverage.test')).body.workspaces[0].id;
      await stranger.register('stranger@coverage.test');
      const connected = await owner.post(`/workspaces/${ws}/accounts`, {
        provider: 'openai',
        displayName: 'OpenAI',
        credentials: TEST_KEYS.openai.admin,
        baseUrl: openai.baseUrl,
      });
      expect(connected.status).toBe(201);
      accountId = connected.body.account.id;
    });

    afterAll(async () => {
      await t?.dispose();
      await openai?.close();
    });

    async function head(): Promise<string> {
      return (await owner.get('/health')).body.eventStore.headPosition;
    }

    async function syncToEnd(): Promise<void> {
      const started = await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`);
      expect(started.status).toBe(202);
      for (;;) {
        const runs = (await owner.get(`/workspaces/${ws}/accounts/${accountId}/sync-runs?waitFor=${await head()}`)).body.items;
        const run = runs.find((r: { id: string }) => r.id === started.body.runId);
        if (run && run.status !== 'running') {
          expect(run.status).toBe('succeeded');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    /** The account-day's totals per source, as every report sums them. */
    async function bySource(d: string) {
      const rows = await db().query<{ source: string; tokens: string; requests: string }>(
        `select source, sum(input_uncached + input_cached_read + cache_write_5m + cache_write_1h + output + reasoning)::text as tokens,
                sum(requests)::text as requests
           from usage_latest where workspace_id = $1 and account_id = $2 and day = $3::date group by source order by source`,
        [ws, accountId, d],
      );
      return Object.fromEntries(rows.map((r) => [r.source, { tokens: Number(r.tokens), requests: Number(r.requests) }]));
    }

    it('counts a day with both sources once, from the usage API, and reports the gap per kind of usage', async () => {
      const keyReply = await owner.post(`/workspaces/${ws}/ingest-keys`, { accountId, name: 'app' });
      expect(keyReply.status).toBe(201);
      const ingester = new ApiClient(() => t.base);
      ingester.accessToken = keyReply.body.key;
      const sent = await ingester.post('/ingest/usage', {
        records: [record('r1', -1, 1200, 300), record('r2', -1, 800, 100), record('r3', -1, 50, 5, 'gpt-4o-mini-logged-alias'), { ...record('t1', 0, 30, 3), timestamp: `${day(0)}T00:00:00Z` }],
      });
      expect(sent.body).toMatchObject({ accepted: 4, rejected: 0 });
      await owner.get(`/workspaces/${ws}/manual-entries?waitFor=${sent.body.position}`);
      // Only logs so far: they are the day's totals.
      expect(await bySource(day(-1))).toEqual({ 'request-log': { tokens: 2455, requests: 3 } });

      await syncToEnd();
      // No sweep by hand: the sync's end triggers one (the interval sweep is a minute away).
      const deadline = Date.now() + 15_000;
      let totals = await bySource(day(-1));
      while (totals['request-log']?.tokens !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await owner.get(`/workspaces/${ws}/manual-entries?waitFor=${await head()}`);
        totals = await bySource(day(-1));
      }
      expect(totals['usage-api'].tokens).toBeGreaterThan(0);
      // The request-log totals are superseded: nothing of them counts any more.
      expect(totals['request-log']).toEqual({ tokens: 0, requests: 0 });

      // Today too: once the usage API reported any of today (the test server's running day grows
      // with the clock, so it may have nothing yet just after midnight), the logs stop counting.
      const today = await bySource(day(0));
      if (today['usage-api']?.tokens) expect(today['request-log']).toEqual({ tokens: 0, requests: 0 });
      else expect(today['request-log']).toEqual({ tokens: 33, requests: 1 });

      // Requests logged after the sync are compared, never added.
      const later = await ingester.post('/ingest/usage', { records: [record('r4', -1, 10, 10)] });
      await owner.get(`/workspaces/${ws}/manual-entries?waitFor=${later.body.position}`);
      expect((await bySource(day(-1)))['request-log']).toEqual({ tokens: 0, requests: 0 });

      const reply = await owner.get(`/workspaces/${ws}/coverage?from=${day(-1)}&to=${day(-1)}&waitFor=${await head()}`);
      expect(reply.status).toBe(200);
      expect(reply.body.nextCursor).toBeNull();
      const rows = reply.body.items as { requestKind: string; status: string; official: { totalTokens: number; cost: string | null; units: { requests: number } }; logged: { totalTokens: number; units: { requests: number } }; gap: { totalTokens: number; cost: string | null }; accountId: string; day: string }[];
      expect(rows.every((r) => r.accountId === accountId && r.day === day(-1))).toBe(true);
      const mini = rows.find((r) => r.requestKind === KIND);
      const alias = rows.find((r) => r.requestKind === 'openai|gpt-4o-mini-logged-alias|chat/completions');
      expect(alias).toMatchObject({ status: 'not-seen', official: { totalTokens: 0 }, logged: { totalTokens: 55, units: { requests: 1 } } });
      // The official side is the usage API's rows of that kind, summed over its projects and standard tiers.
      const [official] = await db().query<{ tokens: string }>(
        `select sum(input_uncached + input_cached_read + cache_write_5m + cache_write_1h + output + reasoning)::text as tokens from usage_latest
          where account_id = $1 and day = $2::date and source = 'usage-api' and model = $3 and operation = 'chat/completions' and service_tier = 'standard' and context_tier = 'standard'`,
        [accountId, day(-1), MINI],
      );
      expect(mini).toMatchObject({ status: 'not-logged', official: { totalTokens: Number(official.tokens) }, logged: { totalTokens: 2420, units: { requests: 3 } } });
      expect(mini?.gap.totalTokens).toBe(Number(official.tokens) - 2420);
      // Money as decimal strings; the gap exactly official − logged.
      expect(mini?.official.cost).toMatch(/^\d+(\.\d+)?$/);
      expect(mini?.gap.cost).toBe(new LedgerDecimal(mini?.official.cost as string).minus((mini as unknown as { logged: { cost: string } }).logged.cost).toFixed());
    });

    it('answers bad queries with problem+json and keeps other workspaces out', async () => {
      const backwards = await owner.get(`/workspaces/${ws}/coverage?from=${day(0)}&to=${day(-3)}`);
      expect(backwards.status).toBe(400);
      expect(backwards.headers.get('content-type')).toContain('application/problem+json');
      expect(backwards.body.errors).toEqual([{ path: 'to', message: expect.stringContaining('on or after from') }]);
      for (const query of ['from=yesterday&to=2026-01-01', `from=${day(-1)}`, `from=${day(-1)}&to=${day(-1)}&limit=0`, `from=${day(-1)}&to=${day(-1)}&accountId=x`, `from=${day(-1)}&to=${day(-1)}&cursor=zz`]) {
        const reply = await owner.get(`/workspaces/${ws}/coverage?${query}`);
        expect([query, reply.status]).toEqual([query, 400]);
      }
      const foreign = await stranger.get(`/workspaces/${ws}/coverage?from=${day(-1)}&to=${day(-1)}`);
      expect([403, 404]).toContain(foreign.status);
      const doc = await (await fetch(`${t.base}/api/docs-json`)).json();
      expect(doc.paths['/api/v1/workspaces/{ws}/coverage'].get['x-permission']).toBe('workspace.read');
    });
  });
}
