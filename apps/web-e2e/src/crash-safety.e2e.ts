import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from 'decimal.js';
import { findFreePort } from './support/server';
import { cyclePrices, recomputeCheckSql, startFrozenOpenAi, type FrozenOpenAi } from './support/sync-crash';
import { apiMain, workspaceRoot } from './support/workspace';

/**
 * Crash safety: the real server process is killed with SIGKILL at random moments, then
 * restarted, while
 * 1. a client ingests per-request usage (re-sending every batch it has no answer for, as a
 *    client should): every day total must equal the golden sum of the requests to the token,
 *    and every request must be counted exactly once;
 * 2. an OpenAI account syncs from the local OpenAI test server (a 30-day backfill read in
 *    2-day chunks of small pages, then whole-window re-syncs): after the kills the runs resume
 *    (a new run reads what the killed one had not recorded), the last one succeeds, and every
 *    day equals the synthetic organisation's known numbers (tokens and requests per model, the
 *    billed total to the cent, exactly), with no observation recorded twice;
 * 3. price overrides are applied (a recompute into a new cost version each): after the kills
 *    each recompute ends applied, exactly once, and every estimate equals the SQL
 *    recomputation of tokens × the new prices.
 *
 * Kills: CRASH_KILLS (ingest; default 5 on PostgreSQL, 2 on PGlite), CRASH_SYNC_KILLS (default
 * 1 / 1) and CRASH_RECOMPUTE_KILLS (default 4 / 2). The long run sets them (see
 * docs/reliability.md); a killed sync holds its account's lease until it expires (15 s), which
 * is what a sync kill costs.
 */
// The default run kills PostgreSQL 10 times (5 ingest, 1 sync, 4 recompute) and PGlite 5 times
// (the embedded database takes several seconds to reopen after a kill), so the file stays near
// four minutes on two cores.
const KILLS_ALL = Number(process.env['CRASH_KILLS'] ?? '5');
const PGLITE_KILLS = Number(process.env['CRASH_KILLS'] ?? '2');
const SYNC_KILLS = { postgresql: Number(process.env['CRASH_SYNC_KILLS'] ?? '1'), pglite: Number(process.env['CRASH_SYNC_KILLS'] ?? '1') };
const RECOMPUTE_KILLS = { postgresql: Number(process.env['CRASH_RECOMPUTE_KILLS'] ?? '4'), pglite: Number(process.env['CRASH_RECOMPUTE_KILLS'] ?? '2') };
const SYNC_DAYS = 30;
const IMPORT_PROJECTS = 150;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const utcDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const DAYS = 10;
const MODELS = ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'qwen/qwen3-32b'];
const REQUESTS = 600;
const BATCH = 25;
const KEYS = `k1:${randomBytes(32).toString('base64')}`;

interface Request {
  requestId: string;
  provider: 'groq';
  model: string;
  timestamp: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

function workload(): Request[] {
  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  return Array.from({ length: REQUESTS }, (_, i) => {
    const prompt = 100 + ((i * 37) % 900);
    const completion = 10 + ((i * 11) % 300);
    return {
      requestId: `crash-${i}`,
      provider: 'groq',
      model: MODELS[i % MODELS.length],
      timestamp: new Date(today - ((i % DAYS) + 1) * 86_400_000 + (i % 1000) * 1000).toISOString(),
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    };
  });
}

function golden(requests: Request[]): Map<string, { input: number; output: number; requests: number }> {
  const totals = new Map<string, { input: number; output: number; requests: number }>();
  for (const r of requests) {
    const key = `${r.timestamp.slice(0, 10)}|${r.model}`;
    const t = totals.get(key) ?? { input: 0, output: 0, requests: 0 };
    totals.set(key, { input: t.input + r.usage.prompt_tokens, output: t.output + r.usage.completion_tokens, requests: t.requests + 1 });
  }
  return totals;
}

/** Runs SQL in a child process (the embedded database is an ES module; this suite is CommonJS). */
function query(engine: 'pglite' | 'postgresql', target: string, sql: string): Record<string, string>[] {
  const script =
    engine === 'pglite'
      ? `import { PGlite } from '@electric-sql/pglite'; const db = await PGlite.create({ dataDir: ${JSON.stringify(path.join(target, 'pglite'))} });
         const r = await db.query(${JSON.stringify(sql)}); console.log(JSON.stringify(r.rows)); await db.close();`
      : `import pg from 'pg'; const c = new pg.Client(${JSON.stringify(target)}); await c.connect();
         const r = await c.query(${JSON.stringify(sql)}); console.log(JSON.stringify(r.rows)); await c.end();`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: workspaceRoot, encoding: 'utf8' }));
}

function postgresAdminUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

function postgresReachable(): boolean {
  try {
    query('postgresql', postgresAdminUrl(), 'select 1');
    return true;
  } catch {
    return false;
  }
}

const engines: ('pglite' | 'postgresql')[] = ['pglite', ...(postgresReachable() || process.env['REQUIRE_POSTGRES'] === '1' ? (['postgresql'] as const) : [])];

describe.each(engines)('crash safety [%s]', (engine) => {
  let child: ChildProcess | undefined;
  let port: number;
  let dataDir: string;
  let databaseUrl = '';
  let databaseName = '';
  const base = () => `http://127.0.0.1:${port}/api/v1`;

  function start(): ChildProcess {
    const process_ = spawn(process.execPath, [apiMain], {
      cwd: workspaceRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        CREDENTIAL_KEYS: KEYS,
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
        SYNC_SCHEDULER: 'false',
        SYNC_BACKFILL_DAYS: String(SYNC_DAYS),
        SYNC_CHUNK_DAYS: '2',
        SYNC_LOOKBACK_DAYS: '3',
        LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    });
    return process_;
  }

  async function healthy(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${base()}/health`, { signal: AbortSignal.timeout(1000) })).ok) return;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the server did not come back within 60 s');
  }

  beforeAll(async () => {
    port = await findFreePort();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'act-crash-'));
    if (engine === 'postgresql') {
      databaseName = `act_crash_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
      query('postgresql', postgresAdminUrl(), `create database ${databaseName}`);
      const url = new URL(postgresAdminUrl());
      url.pathname = `/${databaseName}`;
      databaseUrl = url.toString();
    }
  });

  afterAll(async () => {
    child?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (databaseName) query('postgresql', postgresAdminUrl(), `drop database if exists ${databaseName} with (force)`);
  });

  const KILLS = engine === 'pglite' ? PGLITE_KILLS : KILLS_ALL;
  it(`loses nothing and doubles nothing across ${KILLS} SIGKILLs during ingest`, async () => {
    child = start();
    await healthy();
    const register = await (
      await fetch(`${base()}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'crash@example.test', password: 'correct horse battery staple' }),
      })
    ).json();
    const auth = { authorization: `Bearer ${register.accessToken}`, 'content-type': 'application/json' };
    const ws = register.workspaces[0].id;
    const account = (await (await fetch(`${base()}/workspaces/${ws}/accounts`, { method: 'POST', headers: auth, body: JSON.stringify({ provider: 'groq', displayName: 'Groq' }) })).json())
      .account.id;
    const key = (await (await fetch(`${base()}/workspaces/${ws}/ingest-keys`, { method: 'POST', headers: auth, body: JSON.stringify({ accountId: account, name: 'crash' }) })).json()).key;

    const requests = workload();
    const batches = Array.from({ length: Math.ceil(requests.length / BATCH) }, (_, i) => requests.slice(i * BATCH, (i + 1) * BATCH));
    let kills = 0;
    let sent = 0;
    let retries = 0;
    // The killer: waits a random moment after each (re)start, kills, restarts.
    const killer = (async () => {
      while (kills < KILLS) {
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 600));
        child?.kill('SIGKILL');
        await new Promise((r) => child?.once('exit', r));
        kills++;
        child = start();
        await healthy();
      }
    })();
    // The client: sends every batch until it is acknowledged, and keeps going round while the killer works.
    for (let round = 0; kills < KILLS || round === 0; round++) {
      for (const batch of batches) {
        for (;;) {
          try {
            const response = await fetch(`${base()}/ingest/usage`, {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ records: batch }),
              signal: AbortSignal.timeout(10_000),
            });
            if (response.status === 200) {
              sent++;
              break;
            }
            retries++;
          } catch {
            retries++;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    }
    await killer;
    await healthy();
    // Let the ingest sweep finish anything a crash left pending, and the projections catch up.
    const head = (await (await fetch(`${base()}/health`)).json()).eventStore.headPosition;
    await fetch(`${base()}/auth/me?waitFor=${head}`, { headers: auth });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
    child = undefined;

    const target = engine === 'pglite' ? dataDir : databaseUrl;
    const rows = query(
      engine,
      target,
      `select day::text as day, model, sum(input_uncached)::text as input, sum(output)::text as output, sum(requests)::text as requests
         from usage_latest where account_id = '${account}' group by day, model order by day, model`,
    );
    const actual = new Map(rows.map((r) => [`${r['day']}|${r['model']}`, { input: Number(r['input']), output: Number(r['output']), requests: Number(r['requests']) }]));
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(golden(requests)));
    // Every request is in the inbox exactly once (its key is unique), however often it was re-sent.
    const [{ n }] = query(engine, target, `select count(*)::text as n from ingest_requests where account_id = '${account}'`);
    expect(Number(n)).toBe(REQUESTS);
    console.log(`crash safety [${engine}]: ${kills} SIGKILLs, ${sent} batches acknowledged, ${retries} retries, ${actual.size} day totals equal the golden sums`);
  }, Math.max(600_000, KILLS * 10_000)); // the long run (CRASH_KILLS=200) needs more than the default
  /** Stops the server cleanly (the embedded database is then readable from another process). */
  async function stop(): Promise<void> {
    if (!child) return;
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    child = undefined;
  }

  async function kill(): Promise<void> {
    await killChild();
    child = start();
    await healthy();
  }

  /** SIGKILLs the current child, if it is still running, and waits until it is gone. */
  async function killChild(): Promise<void> {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    const exited = new Promise((r) => current.once('exit', r));
    current.kill('SIGKILL');
    await exited;
  }

  // A test that failed half-way leaves its server running on the shared port: the next test
  // would otherwise talk to it while its own server cannot bind.
  beforeEach(killChild);

  /** A JSON call that survives the server being down: retried until it answers (not a 5xx). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bodies of several endpoints, read field by field
  async function call(method: string, pathname: string, headers: Record<string, string>, body?: unknown): Promise<{ status: number; body: any }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await fetch(`${base()}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
        if (response.status < 500) return { status: response.status, body: await response.json().catch(() => null) };
      } catch {
        /* down or restarting */
      }
      if (attempt > 600) throw new Error(`${method} ${pathname} did not answer`);
      await sleep(100);
    }
  }

  let openai: FrozenOpenAi | undefined;
  let syncWs = '';
  let syncAccount = '';
  let syncAuth: Record<string, string> = {};

  /**
   * `call` as the sync-crash user, signing in again when the access token has expired: the long
   * runs outlast its 15 minutes.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as `call`
  async function syncCall(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: any }> {
    const answer = await call(method, pathname, syncAuth, body);
    if (answer.status !== 401) return answer;
    const login = await call('POST', '/auth/login', { 'content-type': 'application/json' }, { email: 'sync-crash@example.test', password: 'correct horse battery staple' });
    syncAuth = { authorization: `Bearer ${login.body.accessToken}`, 'content-type': 'application/json' };
    return call(method, pathname, syncAuth, body);
  }
  const syncFrom = utcDay(-(SYNC_DAYS - 1));
  const yesterday = utcDay(-1);

  afterAll(async () => {
    await openai?.close();
  });

  it(`sync: every synced day equals the provider's numbers across ${SYNC_KILLS[engine]} SIGKILLs mid-sync`, async () => {
    const KILLS = SYNC_KILLS[engine];
    // 15 ms per page makes even a whole-window re-sync last a few seconds, so most kills land
    // inside a run instead of just after it (without it, 681 runs went by for 15 kills).
    openai = await startFrozenOpenAi(2, 15);
    child = start();
    await healthy();
    const register = await call('POST', '/auth/register', { 'content-type': 'application/json' }, { email: 'sync-crash@example.test', password: 'correct horse battery staple' });
    syncAuth = { authorization: `Bearer ${register.body.accessToken}`, 'content-type': 'application/json' };
    syncWs = register.body.workspaces[0].id;
    const connected = await call('POST', `/workspaces/${syncWs}/accounts`, syncAuth, { provider: 'openai', displayName: 'OpenAI', credentials: openai.adminKey, baseUrl: openai.baseUrl });
    expect(connected.status).toBe(201);
    syncAccount = connected.body.account.id;
    const runsPath = `/workspaces/${syncWs}/accounts/${syncAccount}/sync-runs`;

    async function run(runId: string): Promise<{ status: string; daysDone: number; daysTotal: number }> {
      const head = (await call('GET', '/health', {})).body.eventStore.headPosition;
      const runs = (await syncCall('GET', `${runsPath}?waitFor=${head}`)).body.items as { id: string; status: string; daysDone: number; daysTotal: number }[];
      return runs.find((r) => r.id === runId) ?? { status: 'running', daysDone: 0, daysTotal: 0 };
    }

    let kills = 0;
    let backfilled = false;
    let runsStarted = 0;
    let waitedForLease = 0;
    const killedAt: string[] = [];
    let last: { status: string } | null = null;
    for (;;) {
      // The backfill first (resumed by a plain "sync now" after a kill), then whole-window re-syncs.
      const body = backfilled ? { from: syncFrom, to: yesterday } : undefined;
      const started = await syncCall('POST', `/workspaces/${syncWs}/accounts/${syncAccount}/sync`, body);
      if (started.body?.state === 'already-running') {
        // The killed run's lease outlives it by up to 15 s; then the account may sync again.
        waitedForLease++;
        await sleep(500);
        continue;
      }
      expect([started.status, started.body?.state]).toEqual([202, 'started']);
      runsStarted++;
      const runId = started.body.runId as string;
      if (kills < KILLS) {
        await sleep(200 + Math.random() * 1500);
        const now = await run(runId);
        if (now.status === 'running') {
          killedAt.push(`${now.daysDone}/${now.daysTotal} days`);
          await kill();
          kills++;
          continue;
        }
      }
      for (;;) {
        last = await run(runId);
        if (last.status !== 'running') break;
        await sleep(200);
      }
      expect(last.status).toBe('succeeded');
      backfilled = true;
      if (kills >= KILLS) break;
    }
    await stop();

    const target = engine === 'pglite' ? dataDir : databaseUrl;
    const usage = query(
      engine,
      target,
      `select day::text as day, model, sum(input_uncached + input_cached_read + cache_write_5m + cache_write_1h + output + reasoning)::text as tokens, sum(requests)::text as requests
         from usage_latest where account_id = '${syncAccount}' and source = 'usage-api' and operation = 'chat/completions'
        group by day, model order by day, model`,
    );
    const billed = query(engine, target, `select day::text as day, sum(amount)::text as amount from cost_latest where account_id = '${syncAccount}' group by day order by day`);
    const actualUsage: Record<string, { tokens: number; requests: number }> = {};
    for (const r of usage) actualUsage[`${r['day']}|${r['model']}`] = { tokens: Number(r['tokens']), requests: Number(r['requests']) };
    const actualBilled: Record<string, string> = {};
    for (const r of billed) actualBilled[r['day']] = new Decimal(r['amount']).toFixed();
    const goldenUsage: Record<string, { tokens: number; requests: number }> = {};
    const goldenBilled: Record<string, string> = {};
    for (let offset = -(SYNC_DAYS - 1); offset <= -1; offset++) {
      const day = utcDay(offset);
      const golden = (openai as FrozenOpenAi).golden(day);
      for (const [model, totals] of golden.models) goldenUsage[`${day}|${model}`] = totals;
      if (!new Decimal(golden.billed).isZero()) goldenBilled[day] = golden.billed;
    }
    expect(actualUsage).toEqual(goldenUsage);
    expect(actualBilled).toEqual(goldenBilled);
    // Nothing recorded twice: the provider's numbers never changed, so no key may hold two
    // observations with the same numbers (every re-read after a kill must have been dropped).
    const [ledger] = query(
      engine,
      target,
      `select count(*)::text as events, count(distinct (stream_id, data::jsonb->>'day', coalesce(data::jsonb->>'requestType', data::jsonb->>'lineItem'),
                (data::jsonb->'tokens')::text, (data::jsonb->'units')::text, data::jsonb->>'amount', data::jsonb->>'final'))::text as distinct_events
         from es_events where stream_id like 'usage-${syncWs}.%' and type in ('UsageObserved.v1', 'CostReported.v1')`,
    );
    expect(Number(ledger['events'])).toBeGreaterThan(0);
    expect(ledger['distinct_events']).toBe(ledger['events']);
    // The history shows no run "running" forever: each killed run was closed as interrupted by the
    // run after it. (A kill can land just after a run ended, so there may be fewer than `kills`.)
    const history = query(engine, target, `select status, coalesce(error_code, '') as code, count(*)::text as n from sync_runs where account_id = '${syncAccount}' group by 1, 2 order by 1, 2`);
    const byOutcome = Object.fromEntries(history.map((r) => [`${r['status']}${r['code'] ? `/${r['code']}` : ''}`, Number(r['n'])]));
    expect(Object.keys(byOutcome).filter((k) => k !== 'succeeded' && k !== 'failed/interrupted')).toEqual([]);
    const interrupted = byOutcome['failed/interrupted'] ?? 0;
    expect(interrupted).toBeLessThanOrEqual(kills);
    console.log(
      `crash safety [${engine}] sync: ${kills} SIGKILLs mid-sync (at ${killedAt.join(', ')}), ${runsStarted} runs started, ${interrupted} closed as interrupted in the history, ${waitedForLease} "already running" answers while a killed run's lease expired, ` +
        `${openai?.requestCount()} provider requests, ${ledger['events']} ledger events, none twice; ${Object.keys(goldenUsage).length} day × model totals and ${Object.keys(goldenBilled).length} billed days equal the organisation's numbers`,
    );
  }, Math.max(600_000, SYNC_KILLS[engine] * 60_000));

  it(`recompute: every estimate equals the SQL recomputation across ${RECOMPUTE_KILLS[engine]} SIGKILLs after a price change`, async () => {
    const KILLS = RECOMPUTE_KILLS[engine];
    expect(syncAccount).not.toBe('');
    child = start();
    await healthy();
    // A fresh token: the one from the sync test may have expired across the restarts.
    const login = await call('POST', '/auth/login', { 'content-type': 'application/json' }, { email: 'sync-crash@example.test', password: 'correct horse battery staple' });
    syncAuth = { authorization: `Bearer ${login.body.accessToken}`, 'content-type': 'application/json' };
    const effectiveFrom = syncFrom;
    // More rows of the repriced model, so a recompute takes several batches (1,000 rows each) and a
    // kill can land in the middle of one: a CSV import (our template) of 150 projects a day.
    const lines = ['date,account_id,model,project,input_tokens,cached_input_tokens,output_tokens,requests'];
    for (let offset = -(SYNC_DAYS - 1); offset <= -1; offset++) {
      for (let p = 0; p < IMPORT_PROJECTS; p++) {
        const n = (offset + SYNC_DAYS) * IMPORT_PROJECTS + p;
        lines.push(`${utcDay(offset)},${syncAccount},gpt-4o-mini-2024-07-18,imp-${p},${1000 + ((n * 37) % 5000)},${(n * 13) % 700},${100 + ((n * 11) % 900)},${1 + (n % 7)}`);
      }
    }
    const imported = await fetch(`${base()}/workspaces/${syncWs}/imports?dryRun=false`, {
      method: 'POST',
      headers: { authorization: syncAuth['authorization'], 'content-type': 'text/csv' },
      body: `${lines.join('\n')}\n`,
    });
    expect(imported.status).toBe(200);
    expect((await imported.json()).applied).toBe(true);
    const states: string[] = [];
    const recomputes: string[] = [];
    let prices = cyclePrices(0);
    for (let cycle = 1; cycle <= KILLS; cycle++) {
      prices = cyclePrices(cycle);
      const applied = await syncCall('POST', `/workspaces/${syncWs}/recomputes?dryRun=false`, {
        provider: 'openai',
        // The dated id: the synced rows are priced by the catalogue's entry for it.
        model: 'gpt-4o-mini-2024-07-18',
        prices: { ...prices, batch: prices },
        effectiveFrom,
      });
      expect({ status: applied.status, started: typeof applied.body?.recomputeId === 'string' }).toEqual({ status: 202, started: true });
      const id = applied.body.recomputeId as string;
      recomputes.push(id);
      // A random moment within about the time a recompute of these rows takes (shorter on
      // PGlite: in process, it recomputes them faster than PostgreSQL over a socket).
      await sleep(Math.random() * (engine === 'pglite' ? 200 : 800));
      const seen = await syncCall('GET', `/workspaces/${syncWs}/recomputes/${id}`);
      states.push(seen.status === 200 ? seen.body.state : 'not projected yet');
      await kill();
      // Resumed after the restart: it ends applied.
      for (let i = 0; ; i++) {
        const progress = (await syncCall('GET', `/workspaces/${syncWs}/recomputes/${id}`)).body;
        expect(progress.lastError ?? null).toBeNull();
        if (progress.state === 'done') break;
        if (i > 1200) throw new Error(`recompute ${id} did not finish: ${JSON.stringify(progress)}`);
        await sleep(100);
      }
    }
    await stop();
    const target = engine === 'pglite' ? dataDir : databaseUrl;
    const [check] = query(engine, target, recomputeCheckSql(syncWs, syncAccount, 'gpt-4o-mini', effectiveFrom, prices));
    expect(Number(check['rows'])).toBeGreaterThan(0);
    expect(check['differing']).toBe('0');
    expect(new Decimal(check['estimated']).toFixed()).toBe(new Decimal(check['expected']).toFixed());
    // Each recompute started once and was activated once.
    const events = query(
      engine,
      target,
      `select split_part(type, '.', 1) as type, data::jsonb->>'recomputeId' as id, count(*)::text as n from es_events
        where type in ('RecomputeStarted.v1', 'CostVersionActivated.v1') and data::jsonb->>'workspaceId' = '${syncWs}' group by 1, 2 order by 1, 2`,
    );
    for (const id of recomputes) {
      expect(events.filter((e) => e['id'] === id).map((e) => [e['type'], e['n']]).sort()).toEqual([['CostVersionActivated', '1'], ['RecomputeStarted', '1']]);
    }
    console.log(
      `crash safety [${engine}] recompute: ${KILLS} SIGKILLs right after a price change (recompute state when killed: ${states.join(', ')}); ` +
        `${check['rows']} estimates equal the SQL recomputation, total ${new Decimal(check['estimated']).toFixed(2)} USD`,
    );
  }, Math.max(600_000, RECOMPUTE_KILLS[engine] * 20_000));
});
