import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePort } from './support/server';
import { apiMain, workspaceRoot } from './support/workspace';

/**
 * Crash safety: the real server process is killed with SIGKILL at random moments while a
 * client ingests per-request usage (re-sending every batch it has no answer for, as a client
 * should), then restarted. At the end every day total must equal the golden sum of the
 * requests to the token, and every request must be counted exactly once.
 *
 * CRASH_KILLS (default 10; the long run is CRASH_KILLS=200) sets how many times it is killed.
 * Results of long runs go into docs/reliability.md.
 */
const KILLS_ALL = Number(process.env['CRASH_KILLS'] ?? '10');
// The embedded database takes several seconds to reopen after a kill: fewer kills in the default run.
const PGLITE_KILLS = Number(process.env['CRASH_KILLS'] ?? '3');
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
  }, 600_000);
});
