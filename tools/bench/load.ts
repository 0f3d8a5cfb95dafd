/*
 * Load test: N simulated dashboard users plus steady ingest against the built server, as a separate process.
 *
 *   npx nx build api
 *   node tools/bench/load.ts --quick                 # 50 users, 30 s (a smoke check)
 *   node tools/bench/load.ts                          # 200 users, 180 s
 *   node tools/bench/load.ts --users=200 --seconds=600 --engine=pglite --think-ms=1000 --ingest-ms=1000
 *   node tools/bench/load.ts --url=http://127.0.0.1:3000   # against a server that is already running (uses its database)
 *
 * Node 24 runs this file as it is (type stripping: only erasable TypeScript here, no app imports — the server
 * is the built `dist/apps/api/main.js`, started on its own PostgreSQL database, created and dropped here, or
 * on an embedded PGlite directory). Each user signs in once (`POST /auth/login`, its own session), then loops
 * over what the dashboard loads — month summary, daily series, budgets, alerts, forecast — in parallel like the
 * browser, waits a random think time (0–2× --think-ms), and again. Meanwhile one ingest client sends a batch
 * of request records every --ingest-ms. Every non-2xx answer or network error counts as an error; the exit
 * code is 1 if there was any. Prints latency percentiles per route, throughput, and a Markdown table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

interface Options {
  users: number;
  seconds: number;
  thinkMs: number;
  ingestMs: number;
  ingestBatch: number;
  /** Batches of 1,000 request records sent before the users arrive. */
  seedBatches: number;
  engine: 'postgresql' | 'pglite';
  url: string | null;
  adminUrl: string;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const value = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const number = (name: string, fallback: number): number => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number`);
    return n;
  };
  const engine = value('engine') ?? 'postgresql';
  if (engine !== 'postgresql' && engine !== 'pglite') throw new Error('--engine is postgresql or pglite');
  return {
    users: number('users', quick ? 50 : 200),
    seconds: number('seconds', quick ? 30 : 180),
    thinkMs: number('think-ms', 1000),
    ingestMs: number('ingest-ms', 1000),
    ingestBatch: number('ingest-batch', 20),
    seedBatches: number('seed-batches', quick ? 2 : 5),
    engine,
    url: value('url') ?? null,
    adminUrl: process.env['BENCH_ADMIN_URL'] ?? process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  };
}

const PASSWORD = 'correct horse battery staple';
// Run from the repository root (where `dist/apps/api/main.js` is built).
const root = resolve(process.cwd());

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

interface Server {
  base: string;
  /** The database the spawned server uses (PostgreSQL only), for the final count. */
  databaseUrl: string | null;
  stop(): Promise<void>;
}

async function startServer(options: Options): Promise<Server> {
  if (options.url) return { base: `${options.url.replace(/\/$/, '')}/api/v1`, databaseUrl: null, stop: async () => undefined };
  const main = join(root, 'dist/apps/api/main.js');
  const dataDir = mkdtempSync(join(tmpdir(), 'act-load-'));
  let databaseUrl = '';
  let databaseName = '';
  if (options.engine === 'postgresql') {
    databaseName = `act_load_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new pg.Client(options.adminUrl);
    await admin.connect();
    await admin.query(`create database ${databaseName}`);
    await admin.end();
    const url = new URL(options.adminUrl);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
  }
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      CREDENTIAL_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      // Every user signs in from this one address; the limit is per client address.
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      SYNC_SCHEDULER: 'false',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}/api/v1`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} (built? run: npx nx build api)`);
    try {
      if ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error('the server did not answer /health within 120 s');
    await sleep(200);
  }
  return {
    base,
    databaseUrl: databaseUrl || null,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((done) => (child.exitCode !== null ? done(null) : child.once('exit', done)));
      rmSync(dataDir, { recursive: true, force: true });
      if (databaseName) {
        const admin = new pg.Client(options.adminUrl);
        await admin.connect();
        await admin.query(`drop database if exists ${databaseName} with (force)`);
        await admin.end();
      }
    },
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

interface Sample {
  route: string;
  ms: number;
  ok: boolean;
}

class Recorder {
  readonly samples: Sample[] = [];
  readonly errors = new Map<string, number>();
  recording = true;

  /** The answer's text, or null when it was not a 2xx (counted as an error). */
  async call(route: string, url: string, init: RequestInit): Promise<string | null> {
    const started = performance.now();
    let text: string | null = null;
    let problem: string | null = null;
    try {
      const response = await fetch(url, init);
      text = await response.text();
      if (response.status >= 300) problem = `${route} → HTTP ${response.status}: ${text.slice(0, 200)}`;
    } catch (error) {
      problem = `${route} → ${(error as Error).message}`;
    }
    if (this.recording) {
      this.samples.push({ route, ms: performance.now() - started, ok: problem === null });
      if (problem) this.errors.set(problem, (this.errors.get(problem) ?? 0) + 1);
    }
    return problem ? null : text;
  }
}

async function json<T>(base: string, method: string, path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

function records(from: number, count: number, days: string[]): unknown[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const prompt = 400 + (i % 1600);
    const completion = 50 + (i % 400);
    return {
      requestId: `load-${i}`,
      provider: 'openai',
      model: ['gpt-4o-mini-2024-07-18', 'gpt-4o-2024-08-06', 'o3-mini'][i % 3],
      // Spread over the day, but never after now (the ingest refuses requests from the future).
      timestamp: new Date(Math.min(Date.parse(`${days[i % days.length]}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`), Date.now() - 60_000)).toISOString(),
      project: `p${i % 8}`,
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    };
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  console.log(`load: ${options.users} users, ${options.seconds} s, think ${options.thinkMs} ms, ingest ${options.ingestBatch} records every ${options.ingestMs} ms, ${options.url ?? options.engine}`);
  const server = await startServer(options);
  try {
    const { base } = server;
    const email = `load-${randomUUID().slice(0, 8)}@example.test`;
    const registered = await json<{ accessToken: string; workspaces: { id: string }[] }>(base, 'POST', '/auth/register', { email, password: PASSWORD });
    const owner = registered.accessToken;
    const ws = registered.workspaces[0].id;
    const { account } = await json<{ account: { id: string } }>(base, 'POST', `/workspaces/${ws}/accounts`, { provider: 'openai', displayName: 'Load', syncEnabled: false }, owner);
    const { key } = await json<{ key: string }>(base, 'POST', `/workspaces/${ws}/ingest-keys`, { accountId: account.id, name: 'load' }, owner);
    await json(base, 'POST', `/workspaces/${ws}/budgets`, { scope: { kind: 'workspace' }, amount: '5000.00' }, owner);
    await json(base, 'POST', `/workspaces/${ws}/budgets`, { scope: { kind: 'provider', key: 'openai' }, amount: '3000.00' }, owner);

    // Some history for the dashboard: this month and last, as request records through the ingest API.
    const today = new Date();
    const month = today.toISOString().slice(0, 7);
    const days: string[] = [];
    for (let d = 0; d < 45; d++) days.push(new Date(today.getTime() - d * 86_400_000).toISOString().slice(0, 10));
    const seedStarted = performance.now();
    let sent = 0;
    let accepted = 0;
    for (let b = 0; b < options.seedBatches; b++, sent += 1000) {
      accepted += (await json<{ accepted: number }>(base, 'POST', '/ingest/usage', { records: records(sent, 1000, days) }, key)).accepted;
    }
    if (accepted !== sent) throw new Error(`the seed batches were not all accepted (${accepted} of ${sent})`);
    console.log(`load: seeded ${sent.toLocaleString('en')} request records in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

    const recorder = new Recorder();
    // Sign-ins: each user once, all at the same time (password hashing is the expensive part).
    const signInStarted = performance.now();
    const tokens = await Promise.all(
      Array.from({ length: options.users }, async () => {
        const response = await recorder.call('POST /auth/login', `${base}/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        return response ? ((JSON.parse(response) as { accessToken?: string }).accessToken ?? null) : null;
      }),
    );
    const signInSeconds = (performance.now() - signInStarted) / 1000;
    console.log(`load: ${tokens.filter(Boolean).length}/${options.users} users signed in within ${signInSeconds.toFixed(1)} s`);

    const from = days[days.length - 1];
    const dashboard: [string, string][] = [
      ['GET usage/summary', `/workspaces/${ws}/usage/summary?month=${month}`],
      ['GET usage/daily', `/workspaces/${ws}/usage/daily?from=${from}&to=${days[0]}`],
      ['GET budgets', `/workspaces/${ws}/budgets`],
      ['GET alerts', `/workspaces/${ws}/alerts`],
      ['GET forecast', `/workspaces/${ws}/forecast?month=${month}`],
    ];
    const stopAt = Date.now() + options.seconds * 1000;
    let loops = 0;
    const user = async (token: string | null): Promise<void> => {
      if (!token) return;
      const headers = { authorization: `Bearer ${token}` };
      // Users do not all arrive in the same millisecond.
      await sleep(Math.random() * options.thinkMs);
      while (Date.now() < stopAt) {
        await Promise.all(dashboard.map(([route, path]) => recorder.call(route, `${base}${path}`, { headers })));
        loops++;
        await sleep(Math.random() * 2 * options.thinkMs);
      }
    };
    let ingested = 0;
    let nextId = sent;
    const ingest = async (): Promise<void> => {
      while (Date.now() < stopAt) {
        const batch = records(nextId, options.ingestBatch, days.slice(0, 2));
        nextId += options.ingestBatch;
        const response = await recorder.call('POST ingest/usage', `${base}/ingest/usage`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ records: batch }),
        });
        if (response) ingested += (JSON.parse(response) as { accepted: number }).accepted;
        await sleep(options.ingestMs);
      }
    };
    const started = performance.now();
    await Promise.all([...tokens.map(user), ingest()]);
    const elapsed = (performance.now() - started) / 1000;
    recorder.recording = false;

    const routes = [...new Set(recorder.samples.map((s) => s.route))];
    const rows = routes.map((route) => {
      const of = recorder.samples.filter((s) => s.route === route);
      const ms = of.map((s) => s.ms).sort((a, b) => a - b);
      return { route, count: of.length, errors: of.filter((s) => !s.ok).length, p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms[ms.length - 1] ?? 0 };
    });
    const dashboardSamples = recorder.samples.filter((s) => s.route.startsWith('GET '));
    const all = dashboardSamples.map((s) => s.ms).sort((a, b) => a - b);
    const errors = recorder.samples.filter((s) => !s.ok).length;
    const total = recorder.samples.length;
    console.log('\n| route | requests | errors | p50 ms | p95 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.route} | ${r.count} | ${r.errors} | ${r.p50.toFixed(0)} | ${r.p95.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} |`);
    console.log(
      `| all dashboard reads | ${dashboardSamples.length} | ${dashboardSamples.filter((s) => !s.ok).length} | ${percentile(all, 50).toFixed(0)} | ${percentile(all, 95).toFixed(0)} | ${percentile(all, 99).toFixed(0)} | ${(all[all.length - 1] ?? 0).toFixed(0)} |`,
    );
    console.log(
      `\nload: ${options.users} users × ${elapsed.toFixed(0)} s: ${loops} dashboard loads, ${(dashboardSamples.length / elapsed).toFixed(0)} reads/s, ` +
        `${ingested.toLocaleString('en')} records ingested (${(ingested / elapsed).toFixed(0)}/s), ${total} requests, error rate ${((errors / Math.max(1, total)) * 100).toFixed(3)} % (${errors})`,
    );
    for (const [problem, count] of recorder.errors) console.log(`  error ×${count}: ${problem}`);
    if (errors > 0) process.exitCode = 1;
    if (server.databaseUrl) {
      // Nothing lost: every accepted record is counted once in the ledger (the ingest folds request logs into
      // day totals a moment after accepting them).
      const expected = sent + ingested;
      const db = new pg.Client(server.databaseUrl);
      await db.connect();
      let counted = -1;
      for (const deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(500)) {
        const result = await db.query<{ n: string | null }>('select sum(requests)::text as n from usage_latest where workspace_id = $1', [ws]);
        counted = Number(result.rows[0]?.n ?? 0);
        if (counted >= expected) break;
      }
      await db.end();
      console.log(`load: ledger counts ${counted.toLocaleString('en')} requests for ${expected.toLocaleString('en')} accepted records (${counted === expected ? 'none lost or doubled' : 'MISMATCH'})`);
      if (counted !== expected) process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
