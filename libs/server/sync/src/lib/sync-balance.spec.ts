import type { AccountsService } from '@act/server/accounts';
import { defaultTestOrganisation, startProviderTestServer, TEST_KEYS, type ProviderTestServer, type TestOrganisation } from '@act/server/connectors/testing';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import type { WorkspaceContext } from '@act/server/identity';
import type { AppConfig } from '@act/server/platform';
import { ProjectionRunner } from '@act/server/projections';
import type { CredentialVault } from '@act/server/secrets';
import { syncStreamId, type SyncBalance } from './sync-events';
import { syncRunsProjection } from './sync-runs.projection';
import { SyncController } from './sync.controller';
import { SyncService } from './sync.service';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const WS = 'ws-balance';
const ACCOUNT = '0190b1a2-0000-7000-8000-00000000b001';

/**
 * The OpenRouter credit balance through a real sync run: SyncService reads the local OpenRouter test server over
 * real HTTP, records the run in a real event store, the sync_runs projection folds it, and the controller's
 * handlers answer from the read model. Only the account directory and the vault are stood in for (an account
 * pointing at the test server, its management key).
 */
describeOnEachEngine('sync run reads the OpenRouter balance', (database) => {
  const db = () => database().db;
  let server: ProviderTestServer;
  let organisation: TestOrganisation;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let sync: SyncService;
  let controller: SyncController;
  const ctx = { workspaceId: WS } as WorkspaceContext;

  beforeAll(async () => {
    await resetDatabase(db());
    const base = defaultTestOrganisation('openrouter');
    organisation = { ...base, usage: { ...(base.usage ?? {}), openrouterCredits: { totalCredits: '100.123456789012345678', totalUsage: '25.75' } } } as TestOrganisation;
    server = await startProviderTestServer({ provider: 'openrouter', organisation });
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
    runner = new ProjectionRunner(db(), store, [syncRunsProjection], { logger: quiet, lease: false });
    await runner.initialize();
    const account = {
      accountId: ACCOUNT,
      workspaceId: WS,
      provider: 'openrouter',
      credentialId: 'cred-1',
      settings: { displayName: 'OpenRouter', baseUrl: server.baseUrl, monthlyBudget: null, syncEnabled: true },
      disconnected: false,
    };
    const accounts = {
      load: async (scope: { workspaceId: string }, id: string) => {
        if (scope.workspaceId !== WS || id !== ACCOUNT) throw new Error('No such account in this workspace.');
        return account;
      },
      pauseAfterSyncFailure: async () => {
        throw new Error('a balance failure must not pause the account');
      },
    } as unknown as AccountsService;
    const vault = { reveal: async () => TEST_KEYS.openrouter.management } as unknown as CredentialVault;
    const config = { SYNC_BACKFILL_DAYS: 5, SYNC_LOOKBACK_DAYS: 2, SYNC_CHUNK_DAYS: 7 } as AppConfig;
    sync = new SyncService(store, db(), config, vault, accounts);
    sync.connectorOptions = { timeoutMs: 500, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 1_000 } };
    await sync.onModuleInit();
    controller = new SyncController(sync, accounts, db());
  });

  afterAll(async () => {
    await sync?.onApplicationShutdown();
    await server?.close();
  });

  /** Runs a sync to its end and lets the projection catch up; the run as `GET …/sync-runs` shows it. */
  async function syncOnce() {
    const outcome = await sync.start(WS, ACCOUNT, 'manual');
    if (outcome.state !== 'started') throw new Error('the sync did not start');
    await outcome.done;
    while (await runner.runOnce());
    const runs = await controller.runs(ctx, ACCOUNT);
    const run = runs.items.find((r) => r.id === outcome.runId);
    if (!run) throw new Error('the run is not in the history');
    return run;
  }

  const usageEvents = async () => (await store.readAll(0n, 100_000)).filter((e) => e.type === 'UsageObserved.v1').length;

  it('records the balance exactly in the run, after the usage, and GET …/balance shows it', async () => {
    const run = await syncOnce();
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(run.warnings.join(' ')).not.toMatch(/balance/);
    expect(run.appended).toBeGreaterThan(0);
    expect(run.balance).toEqual({
      status: 'read',
      totalCredits: '100.123456789012345678',
      totalUsage: '25.75',
      remaining: '74.373456789012345678',
      currency: 'USD',
      readAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    // The usage first, then /credits: a balance problem can never stand in the way of the usage.
    expect(server.requests.map((r) => r.path)).toEqual(['/api/v1/activity', '/api/v1/credits']);
    const completed = (await store.readStream(syncStreamId(ACCOUNT))).find((e) => e.type === 'SyncRunCompleted');
    expect((completed?.data as { balance: SyncBalance }).balance).toMatchObject({ status: 'read', remaining: '74.373456789012345678' });

    expect(await controller.balance(ctx, ACCOUNT)).toEqual({
      accountId: ACCOUNT,
      supported: true,
      balance: {
        totalCredits: '100.123456789012345678',
        totalUsage: '25.75',
        remaining: '74.373456789012345678',
        currency: 'USD',
        readAt: run.balance?.readAt,
        runId: run.id,
      },
      unavailable: null,
    });
  });

  it('an overdrawn account shows a negative remainder', async () => {
    organisation.usage = { ...organisation.usage, openrouterCredits: { totalCredits: '10', totalUsage: '10.5' } } as TestOrganisation['usage'];
    const run = await syncOnce();
    expect(run.balance).toMatchObject({ status: 'read', totalCredits: '10', totalUsage: '10.5', remaining: '-0.5' });
    expect((await controller.balance(ctx, ACCOUNT)).balance).toMatchObject({ remaining: '-0.5', runId: run.id });
  });

  it('a changed /credits answer: the run still succeeds with its usage, the balance is unavailable with the typed error, the last one read stays', async () => {
    const before = await controller.balance(ctx, ACCOUNT);
    const eventsBefore = await usageEvents();
    server.reviseDay(new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    server.setFault({ kind: 'rename_field', from: 'total_credits', to: 'credits_total' }, { path: '/api/v1/credits', times: Infinity });
    const run = await syncOnce();
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    // The revised day was recorded: the failed balance read cost the run none of its usage.
    expect(run.appended).toBeGreaterThan(0);
    expect(await usageEvents()).toBeGreaterThan(eventsBefore);
    expect(run.balance).toEqual({
      status: 'unavailable',
      error: { category: 'provider_schema_changed', code: 'missing_field', message: expect.stringMatching(/total_credits.*the balance was not read\.$/) },
      readAt: expect.any(String),
    });
    expect(run.warnings).toContainEqual(expect.stringMatching(/^The credit balance could not be read \(provider_schema_changed\/missing_field\).*the balance shown is the last one read\.$/));
    expect(await controller.balance(ctx, ACCOUNT)).toEqual({
      ...before,
      unavailable: { category: 'provider_schema_changed', code: 'missing_field', message: run.balance?.status === 'unavailable' ? run.balance.error.message : '', at: run.balance?.readAt, runId: run.id },
    });
  });

  it('a /credits outage (5xx on every attempt) is transient/server_error; the next good read clears it', async () => {
    server.clearFaults();
    server.setFault({ kind: 'server_error', status: 503 }, { path: '/api/v1/credits', times: Infinity });
    const failed = await syncOnce();
    expect(failed).toMatchObject({ status: 'succeeded', balance: { status: 'unavailable', error: { category: 'transient', code: 'server_error' } } });
    expect((await controller.balance(ctx, ACCOUNT)).unavailable).toMatchObject({ code: 'server_error', runId: failed.id });

    server.clearFaults();
    organisation.usage = { ...organisation.usage, openrouterCredits: { totalCredits: '50', totalUsage: '37.66' } } as TestOrganisation['usage'];
    const recovered = await syncOnce();
    expect(await controller.balance(ctx, ACCOUNT)).toMatchObject({
      balance: { totalCredits: '50', totalUsage: '37.66', remaining: '12.34', runId: recovered.id },
      unavailable: null,
    });
  });

  it('answers from a v1 sync_runs table (readers during the v2 rebuild) with no balance instead of failing', async () => {
    await resetDatabase(db());
    // v1's columns exactly: what readers see until the rebuilt v2 is switched in.
    await db().exec(`create table sync_runs (
      run_id text primary key, workspace_id text not null, account_id text not null, kind text not null,
      range_from date not null, range_to date not null, days_total int not null, days_done int not null default 0,
      status text not null, started_at timestamptz not null, finished_at timestamptz,
      appended int not null default 0, requests int not null default 0, pending_days jsonb not null default '[]',
      warnings jsonb not null default '[]', error_category text, error_code text, error_message text)`);
    await db().query(
      `insert into sync_runs (run_id, workspace_id, account_id, kind, range_from, range_to, days_total, status, started_at, finished_at)
       values ('run-v1', $1, $2, 'scheduled', '2026-11-01', '2026-11-05', 5, 'succeeded', now(), now())`,
      [WS, ACCOUNT],
    );
    expect((await controller.runs(ctx, ACCOUNT)).items).toEqual([expect.objectContaining({ id: 'run-v1', status: 'succeeded', balance: null })]);
    expect(await controller.balance(ctx, ACCOUNT)).toEqual({ accountId: ACCOUNT, supported: true, balance: null, unavailable: null });
  });
});
