import { randomBytes } from 'node:crypto';
import { testEngines } from '@act/server/database/testing';
import { SQL_DATABASE } from '@act/server/platform';
import type { SqlDatabase } from '@act/server/database';
import { SyncScheduler } from '@act/server/sync';
import { startProviderTestServer, TEST_KEYS, type ProviderTestServer } from '@act/server/connectors/testing';
import { ApiClient } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';

/** Provider sync end to end: the real app, the local OpenAI and OpenRouter test servers, real HTTP between them. */
for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`provider sync [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let t: TestApp;
    let openai: ProviderTestServer;
    let openrouter: ProviderTestServer;
    const owner = new ApiClient(() => t.base);
    let ws: string;
    let accountId: string;

    beforeAll(async () => {
      openai = await startProviderTestServer({ provider: 'openai' });
      openrouter = await startProviderTestServer({ provider: 'openrouter' });
      t = await startTestApp(engine, {
        CREDENTIAL_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNC_SCHEDULER: 'false',
        SYNC_BACKFILL_DAYS: '20',
        SYNC_CHUNK_DAYS: '7',
        SYNC_LOOKBACK_DAYS: '3',
        SYNC_INTERVAL_MINUTES: '60',
      });
      ws = (await owner.register('owner@example.test')).body.workspaces[0].id;
      const connected = await owner.post(`/workspaces/${ws}/accounts`, {
        provider: 'openai',
        displayName: 'OpenAI',
        credentials: TEST_KEYS.openai.admin,
        baseUrl: openai.baseUrl,
      });
      accountId = connected.body.account.id;
    });

    afterAll(async () => {
      await t?.dispose();
      await openai?.close();
      await openrouter?.close();
    });

    async function finished(runId: string, account = accountId) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const head = (await owner.get('/health')).body.eventStore.headPosition;
        const runs = (await owner.get(`/workspaces/${ws}/accounts/${account}/sync-runs?waitFor=${head}`)).body.items;
        const run = runs.find((r: { id: string }) => r.id === runId);
        if (run && run.status !== 'running') return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} still running: ${JSON.stringify(run)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    const usageRows = async () =>
      Number((await t.app.get<SqlDatabase>(SQL_DATABASE).query<{ n: string }>(`select count(*)::text as n from usage_latest where account_id = $1`, [accountId]))[0].n);

    it('backfills the window in chunks, newest first, and records the usage in the ledger', async () => {
      const started = await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`);
      expect(started.status).toBe(202);
      expect(started.body.state).toBe('started');
      const again = await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`);
      expect(again.body).toEqual({ runId: null, state: 'already-running' });
      const run = await finished(started.body.runId);
      expect(run).toMatchObject({ status: 'succeeded', kind: 'manual', daysDone: 20, daysTotal: 20, error: null });
      expect(run.appended).toBeGreaterThan(0);
      expect(run.requests).toBeGreaterThan(0);
      expect(await usageRows()).toBeGreaterThan(0);
    });

    it('re-syncs only the look-back window, and unchanged data adds nothing', async () => {
      const before = await usageRows();
      const started = await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`);
      const run = await finished(started.body.runId);
      expect(run.daysTotal).toBe(3);
      expect(await usageRows()).toBe(before);
    });

    it('ends in a failed run with a typed reason when the key lacks the admin scope, and recovers once fixed', async () => {
      await owner.patch(`/workspaces/${ws}/accounts/${accountId}`, { credentials: TEST_KEYS.openai.project });
      const failed = await finished((await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`)).body.runId);
      expect(failed.status).toBe('failed');
      expect(failed.error.category).toMatch(/permission|auth/);
      expect(JSON.stringify(failed)).not.toContain(TEST_KEYS.openai.project);
      // An auth failure pauses the account with the reason, instead of retrying forever.
      const head = (await owner.get('/health')).body.eventStore.headPosition;
      const paused = await owner.get(`/workspaces/${ws}/accounts/${accountId}?waitFor=${head}`);
      expect(paused.body).toMatchObject({ status: 'paused', attention: expect.stringContaining('Sync paused') });
      const resumed = await owner.patch(`/workspaces/${ws}/accounts/${accountId}`, { credentials: TEST_KEYS.openai.admin, syncEnabled: true });
      const healthy = await owner.get(`/workspaces/${ws}/accounts/${accountId}?waitFor=${resumed.body.position}`);
      expect(healthy.body).toMatchObject({ status: 'active', attention: null });
      const fixed = await finished((await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`)).body.runId);
      expect(fixed.status).toBe('succeeded');
    });

    it('re-syncs a chosen range without moving the checkpoint, and refuses bad ranges', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10);
      const to = new Date(Date.now() - 31 * 86_400_000).toISOString().slice(0, 10);
      const started = await owner.call('POST', `/workspaces/${ws}/accounts/${accountId}/sync`, { from, to });
      const run = await finished(started.body.runId);
      expect(run).toMatchObject({ status: 'succeeded', from, to, daysTotal: 10, daysDone: 10 });
      // The next regular run still reads only the look-back window: the old range did not widen coverage.
      expect((await finished((await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`)).body.runId)).daysTotal).toBe(3);
      for (const [body, message] of [
        [{ from }, /both from and to/],
        [{ from: to, to: from }, /after/],
        [{ from: today, to: '2999-01-01' }, /future/],
        [{ from: '2026-13-01', to }, /day like/],
      ] as const) {
        const refused = await owner.call('POST', `/workspaces/${ws}/accounts/${accountId}/sync`, body);
        expect(refused.status).toBe(400);
        expect(JSON.stringify(refused.body)).toMatch(message);
      }
    });

    it('schedules due accounts only, once', async () => {
      const scheduler = t.app.get(SyncScheduler);
      expect(await scheduler.tick()).toBe(0);
      // Make the last run look two hours old (the public view of the read model is updatable).
      await t.app.get<SqlDatabase>(SQL_DATABASE).query(`update sync_runs set started_at = started_at - interval '2 hours'`);
      expect(await scheduler.tick()).toBe(1);
      expect(await scheduler.tick()).toBe(0);
    });

    it('OpenRouter: each run reads /credits after the usage; the balance shows in the run and in GET …/balance, exact', async () => {
      const connected = await owner.post(`/workspaces/${ws}/accounts`, {
        provider: 'openrouter',
        displayName: 'OpenRouter',
        credentials: TEST_KEYS.openrouter.management,
        baseUrl: openrouter.baseUrl,
      });
      const routerId = connected.body.account.id as string;
      const none = await owner.get(`/workspaces/${ws}/accounts/${routerId}/balance`);
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ accountId: routerId, supported: true, balance: null, unavailable: null });

      const run = await finished((await owner.post(`/workspaces/${ws}/accounts/${routerId}/sync`)).body.runId, routerId);
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      expect(run.appended).toBeGreaterThan(0);
      // The test organisation: 250 purchased, 187.4213 used.
      const read = { status: 'read', totalCredits: '250', totalUsage: '187.4213', remaining: '62.5787', currency: 'USD' };
      expect(run.balance).toEqual({ ...read, readAt: expect.stringMatching(/Z$/) });
      expect(openrouter.requests.map((r) => r.path).slice(-2)).toEqual(['/api/v1/activity', '/api/v1/credits']);
      const balance = await owner.get(`/workspaces/${ws}/accounts/${routerId}/balance`);
      expect(balance.body).toEqual({
        accountId: routerId,
        supported: true,
        balance: { totalCredits: '250', totalUsage: '187.4213', remaining: '62.5787', currency: 'USD', readAt: run.balance.readAt, runId: run.id },
        unavailable: null,
      });

      // /credits changes its answer: the run keeps its usage and succeeds; the balance says why it is not fresh.
      const before = Number((await t.app.get<SqlDatabase>(SQL_DATABASE).query<{ n: string }>(`select count(*)::text as n from usage_latest where account_id = $1`, [routerId]))[0].n);
      expect(before).toBeGreaterThan(0);
      openrouter.setFault({ kind: 'wrong_type', field: 'total_credits' }, { path: '/api/v1/credits' });
      const degraded = await finished((await owner.post(`/workspaces/${ws}/accounts/${routerId}/sync`)).body.runId, routerId);
      expect(degraded).toMatchObject({
        status: 'succeeded',
        error: null,
        balance: { status: 'unavailable', error: { category: 'provider_schema_changed', code: 'wrong_type', message: expect.stringContaining('the balance was not read') } },
      });
      expect(degraded.warnings).toContainEqual(expect.stringContaining('The credit balance could not be read (provider_schema_changed/wrong_type)'));
      const stale = await owner.get(`/workspaces/${ws}/accounts/${routerId}/balance`);
      expect(stale.body.balance).toEqual(balance.body.balance);
      expect(stale.body.unavailable).toEqual({ category: 'provider_schema_changed', code: 'wrong_type', message: degraded.balance.error.message, at: degraded.balance.readAt, runId: degraded.id });
      // A balance problem is not an account problem: no pause, no attention.
      const head = (await owner.get('/health')).body.eventStore.headPosition;
      expect((await owner.get(`/workspaces/${ws}/accounts/${routerId}?waitFor=${head}`)).body).toMatchObject({ status: 'active', attention: null });

      // Other providers have no balance; strangers and unknown accounts get a 404.
      expect((await owner.get(`/workspaces/${ws}/accounts/${accountId}/balance`)).body).toEqual({ accountId, supported: false, balance: null, unavailable: null });
      const openaiRuns = (await owner.get(`/workspaces/${ws}/accounts/${accountId}/sync-runs`)).body.items as { balance: unknown }[];
      expect(openaiRuns.length).toBeGreaterThan(0);
      expect(openaiRuns.every((r) => r.balance === null)).toBe(true);
      const stranger = new ApiClient(() => t.base);
      await stranger.register('stranger@example.test');
      expect([403, 404]).toContain((await stranger.get(`/workspaces/${ws}/accounts/${routerId}/balance`)).status);
      expect((await owner.get(`/workspaces/${ws}/accounts/00000000-0000-7000-8000-000000000000/balance`)).status).toBe(404);
      const doc = await (await fetch(`${t.base}/api/docs-json`)).json();
      expect(doc.paths['/api/v1/workspaces/{ws}/accounts/{accountId}/balance'].get['x-permission']).toBe('workspace.read');
    });

    it('refuses to sync providers without a usage API, with a useful message', async () => {
      const groq = await owner.post(`/workspaces/${ws}/accounts`, { provider: 'groq', displayName: 'Groq' });
      const refused = await owner.post(`/workspaces/${ws}/accounts/${groq.body.account.id}/sync`);
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/ingest API/);
    });
  });
}
