/*
 * `npm run bench [-- --quick] [-- --no-write] [-- --only=ingest,rebuild,...]`: the storage and read-side
 * benchmarks of issue 7 (see tools/bench/README.md and docs/benchmarks.md). Bundled and started by run.mjs.
 *
 * Every figure is the median of several repetitions and is shown next to a baseline measured in the same
 * run on the same database (raw INSERT, one set-based SQL statement, the idle case, a trivial route), because
 * the machines these run on are shared and noisy. Each section checks its own result against a reference
 * (row counts and totals) before it reports a speed, and stops the run if they differ.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, totalmem, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { asDeferrableReads, PgPoolDatabase, PgliteDatabase, type SqlDatabase } from '@act/server/database';
import { PostgresEventStore } from '@act/server/event-store';
import { ProjectionRunner } from '@act/server/projections';
import { observeUsage, type UsageLedgerEvent } from '@act/domain/usage';
import { AuditQueries, PriceChanges, RecomputeWorker, RecordUsageHandler, UsageQueries, seedCatalogue, usageLedgerProjection } from '@act/server/usage';
// Read-only reuse of the usage library's test kit (the small real catalogue the ledger specs price with).
import { smallCatalogue } from '../../libs/server/usage/src/lib/testing/ledger-test-kit';
import { table, replaceSection } from './forecast-report';
import { section, fmt, median, pct, machineLine, ratio } from './bench-report';
import { httpBench } from './bench-http';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const WRITE = !args.includes('--no-write');
const ONLY = (args.find((a) => a.startsWith('--only='))?.slice(7).split(',') ?? []).filter(Boolean);
const ADMIN_URL = process.env['BENCH_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

const SIZES: Record<string, number> = QUICK
  ? { ingest: 20_000, rebuild: 20_000, reps: 1, rebuildReps: 1, loadSeconds: 6, recomputeReps: 1, pglite: 8_000, http: 4, syncAccounts: 3 }
  : { ingest: 200_000, rebuild: 500_000, reps: 3, rebuildReps: 1, loadSeconds: 20, recomputeReps: 1, pglite: 20_000, http: 10, syncAccounts: 100 };
const BATCH = 1000;
const WRITERS = 4;
const ACCOUNTS = 40;

/** `--name=N`, when given. */
const numberArg = (name: string): number | undefined => {
  const found = args.find((a) => a.startsWith(`--${name}=`));
  return found === undefined ? undefined : Number(found.slice(name.length + 3));
};
// Issue 7 asks for 1M: `--rebuild-size=1000000` (about 25 min on a loaded 2-core machine, so not the default).
SIZES.rebuild = numberArg('rebuild-size') ?? SIZES.rebuild;
SIZES.rebuildReps = numberArg('rebuild-reps') ?? SIZES.rebuildReps;
SIZES.syncAccounts = numberArg('sync-accounts') ?? SIZES.syncAccounts;
/** Dashboard reads allowed at once (ConnectionGate); the app's default is the number of cores. */
const MAX_READS = numberArg('max-reads') ?? Math.max(2, availableParallelism());
const wanted = (name: string) => ONLY.length === 0 || ONLY.includes(name);

interface Row {
  section: string;
  measure: string;
  value: string;
  baseline: string;
  ratio: string;
  target: string;
  met: string;
}
const results: Row[] = [];
const notes: string[] = [];
function report(row: Row): void {
  results.push(row);
  console.log(`  ${row.section} | ${row.measure}: ${row.value} (baseline ${row.baseline}; ${row.ratio}) target ${row.target} → ${row.met}`);
}
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`Correctness check failed: ${what}`);
  console.log(`  ✓ ${what}`);
}

// ---------------------------------------------------------------------------------------------- databases
const created: string[] = [];
async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
/*
 * --sql-profile: time every statement the libraries send (client side, wall clock, per statement text), to see
 * which statement a slow section spends its time in without pg_stat_statements (not preloaded here).
 */
const SQL_PROFILE = args.includes('--sql-profile');
const sqlTimes = new Map<string, { ms: number; calls: number }>();
function recordSql(sql: string, ms: number): void {
  const key = sql.replace(/\s+/g, ' ').trim().slice(0, 110);
  const e = sqlTimes.get(key) ?? { ms: 0, calls: 0 };
  e.ms += ms;
  e.calls++;
  sqlTimes.set(key, e);
}
function profiled<T extends SqlDatabase>(db: T): T {
  if (!SQL_PROFILE) return db;
  const wrap = <E extends { query: SqlDatabase['query'] }>(x: E): E =>
    new Proxy(x, {
      get(target, prop, receiver) {
        if (prop === 'query') {
          return async (sql: string, params?: readonly unknown[]) => {
            const t = performance.now();
            try {
              return await target.query(sql, params);
            } finally {
              recordSql(sql, performance.now() - t);
            }
          };
        }
        if (prop === 'transaction') return (work: (tx: unknown) => Promise<unknown>) => (target as unknown as SqlDatabase).transaction((tx) => work(wrap(tx)));
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  return wrap(db);
}
function printSqlProfile(): void {
  if (!SQL_PROFILE) return;
  const top = [...sqlTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20);
  console.log('\nSQL profile (client-side wall time per statement text, top 20):');
  for (const [sql, e] of top) console.log(`${(e.ms / 1000).toFixed(2).padStart(8)} s ${String(e.calls).padStart(6)} calls  ${sql}`);
}

async function freshPostgres(poolSize = 24): Promise<{ db: PgPoolDatabase; url: string }> {
  const name = `bench_${randomBytes(5).toString('hex')}`;
  await admin(`create database ${name}`);
  created.push(name);
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return { db: PgPoolDatabase.open(url, { max: poolSize, maxConcurrentReads: MAX_READS, applicationName: 'act-bench' }), url };
}
async function dropAll(): Promise<void> {
  for (const name of created.splice(0)) await admin(`drop database if exists ${name} with (force)`).catch(() => undefined);
}

// ---------------------------------------------------------------------------------------------- data
/*
 * Observation i: 2 models × 10 projects × 40 accounts = 800 distinct usage keys per day, days counted from `start`.
 * So N events are N distinct (workspace, day, account, requestType) rows spread over N / 800 days, and a month
 * holds ~24,800 rows (800 groups in the month summary): the shape of a busy workspace, not a worst case.
 */
const MODELS = ['gpt-4o-mini', 'gpt-4o'] as const;
const PROJECTS = 10;
const KEYS_PER_DAY = MODELS.length * PROJECTS * ACCOUNTS;
const DATA_START = '2026-01-01';
const QUERY_MONTH = '2026-01';
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
function observation(i: number, start = DATA_START, prefix = 'acc'): UsageLedgerEvent {
  const day = addDays(start, Math.floor(i / KEYS_PER_DAY));
  const result = observeUsage({
    workspaceId: 'ws1',
    accountId: `${prefix}${Math.floor(i / (MODELS.length * PROJECTS)) % ACCOUNTS}`,
    day,
    provider: 'openai',
    model: MODELS[i % MODELS.length],
    operation: 'chat/completions',
    project: `p${Math.floor(i / MODELS.length) % PROJECTS}`,
    tokens: { inputUncached: 1000 + (i % 977), output: 100 + (i % 313) },
    units: { requests: 1 + (i % 7) },
    source: 'usage-api',
    observedAt: `${addDays(day, 1)}T01:00:00.000Z`,
    final: true,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}
function generate(n: number, start = DATA_START, prefix = 'acc', offset = 0): UsageLedgerEvent[] {
  const out: UsageLedgerEvent[] = [];
  for (let i = 0; i < n; i++) out.push(observation(offset + i, start, prefix));
  return out;
}
/** Batches of ≤ BATCH events of one stream (account-month), dealt to WRITERS writers by account. */
function batchesFor(events: readonly UsageLedgerEvent[]): { streamId: string; events: UsageLedgerEvent[]; from: number }[][] {
  const byStream = new Map<string, UsageLedgerEvent[]>();
  for (const e of events) {
    const id = `usage-${e.data.workspaceId}.${e.data.accountId}.${e.data.day.slice(0, 7)}`;
    const list = byStream.get(id) ?? [];
    list.push(e);
    byStream.set(id, list);
  }
  const writers: { streamId: string; events: UsageLedgerEvent[]; from: number }[][] = Array.from({ length: WRITERS }, () => []);
  let s = 0;
  for (const [streamId, list] of byStream) {
    for (let i = 0; i < list.length; i += BATCH) writers[s % WRITERS].push({ streamId, events: list.slice(i, i + BATCH), from: i });
    s++;
  }
  return writers;
}

let prices: { model: string; input: string; output: string }[] = [];
function loadPrices(): void {
  const catalogue = JSON.parse(smallCatalogue(['gpt-4o-mini', 'gpt-4o'])) as Record<string, { input_cost_per_token: number; output_cost_per_token: number }>;
  prices = Object.entries(catalogue).map(([model, p]) => ({ model, input: String(p.input_cost_per_token), output: String(p.output_cost_per_token) }));
}
const priceValues = (list = prices) => list.map((p) => `('${p.model}', ${p.input}::numeric, ${p.output}::numeric)`).join(', ');

// ---------------------------------------------------------------------------------------------- helpers
const now = () => performance.now();
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = now();
  const value = await work();
  return { ms: now() - t, value };
}
function rssSampler(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}
async function scalar(db: SqlDatabase, sql: string): Promise<string> {
  const [row] = await db.query<{ v: string }>(sql);
  return String(row?.v ?? '');
}

const RAW_TABLE = `create table if not exists bench_raw_events (
  global_position bigint generated always as identity primary key,
  event_id uuid not null unique, stream_id text not null, stream_position bigint not null,
  type text not null, data jsonb not null, metadata jsonb not null default '{}',
  recorded_at timestamptz not null default now(), unique (stream_id, stream_position))`;

async function rawInsert(db: SqlDatabase, batch: { streamId: string; events: UsageLedgerEvent[]; from: number }): Promise<void> {
  const params: unknown[] = [];
  const values: string[] = [];
  batch.events.forEach((e, k) => {
    const p = params.length;
    values.push(`($${p + 1}::uuid, $${p + 2}, $${p + 3}::bigint, $${p + 4}, $${p + 5}::jsonb, '{}'::jsonb)`);
    params.push(e.id, batch.streamId, batch.from + k, e.type, JSON.stringify(e.data));
  });
  await db.query(
    `insert into bench_raw_events (event_id, stream_id, stream_position, type, data, metadata) values ${values.join(', ')} on conflict do nothing`,
    params,
  );
}

async function storeAppend(store: PostgresEventStore, writers: ReturnType<typeof batchesFor>, revisions: Map<string, bigint>, expectNew: boolean): Promise<number> {
  let appended = 0;
  await Promise.all(
    writers.map(async (batches) => {
      for (const b of batches) {
        const expected = revisions.get(b.streamId);
        const r = await store.appendToStream(b.streamId, b.events, { expectedRevision: b.from === 0 && expectNew ? 'no_stream' : (expected ?? 'any') });
        if (expectNew) revisions.set(b.streamId, r.nextExpectedRevision);
        appended += r.appended;
      }
    }),
  );
  return appended;
}

// ---------------------------------------------------------------------------------------------- 1. ingest
async function ingestBench(db: SqlDatabase, store: PostgresEventStore, engine: string, n: number, reps: number): Promise<void> {
  console.log(`\n[1] ingest (${engine}): ${n.toLocaleString('en')} UsageObserved events, batches of ${BATCH}, ${WRITERS} writers, ${reps} repetition(s)`);
  const events = generate(n);
  const writers = batchesFor(events);
  await db.exec(RAW_TABLE);
  const es: number[] = [];
  const raw: number[] = [];
  const dup: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    await db.exec('truncate es_events, es_streams restart identity; truncate bench_raw_events restart identity');
    await seedCatalogue(store, { content: smallCatalogue(['gpt-4o-mini', 'gpt-4o']), today: '2026-11-01' });
    const base = Number(await scalar(db, 'select count(*)::text as v from es_events'));
    const runRaw = async () => raw.push((await timed(() => Promise.all(writers.map(async (bs) => { for (const b of bs) await rawInsert(db, b); })))).ms);
    const revisions = new Map<string, bigint>();
    const runEs = async () => {
      const t = await timed(() => storeAppend(store, writers, revisions, true));
      check(t.value === n, `event store appended ${n} events (rep ${rep + 1})`);
      es.push(t.ms);
    };
    // Alternate the order so neither side always runs on a warmer cache.
    if (rep % 2 === 0) { await runRaw(); await runEs(); } else { await runEs(); await runRaw(); }
    check(Number(await scalar(db, 'select count(*)::text as v from bench_raw_events')) === n, `raw INSERT stored ${n} rows`);
    const again = await timed(() => storeAppend(store, writers, revisions, false));
    check(again.value === 0, 'all-duplicate re-send appended 0 events');
    check(Number(await scalar(db, 'select count(*)::text as v from es_events')) === base + n, `es_events still holds ${base + n} rows after the re-send`);
    dup.push(again.ms);
  }
  await db.exec('drop table bench_raw_events');
  const esRate = (n / median(es)) * 1000;
  const rawRate = (n / median(raw)) * 1000;
  const dupRate = (n / median(dup)) * 1000;
  report({ section: `1 ingest (${engine})`, measure: 'appendToStream, idempotent ids', value: `${fmt(esRate)} ev/s`, baseline: `raw INSERT … ON CONFLICT ${fmt(rawRate)} rows/s`, ratio: ratio(esRate / rawRate), target: '≥ 70% of raw', met: esRate / rawRate >= 0.7 ? 'met' : 'missed' });
  report({ section: `1 ingest (${engine})`, measure: 'all-duplicate re-send', value: `${fmt(dupRate)} ev/s, 0 added`, baseline: `first insert ${fmt(esRate)} ev/s`, ratio: `${(dupRate / esRate).toFixed(1)}×`, target: '≥ 2× faster, 0 rows', met: dupRate / esRate >= 2 ? 'met' : 'missed' });
  ingestFigures.set(engine, esRate);
}
const ingestFigures = new Map<string, number>();

async function recordUsageBench(db: SqlDatabase, store: PostgresEventStore, n: number): Promise<void> {
  // The command handler the HTTP ingest and sync use: loads (and folds) the whole account-month stream per call.
  const events = generate(n, '2031-01-01', 'rec');
  const handler = new RecordUsageHandler(store);
  const writers = batchesFor(events);
  const t = await timed(() => Promise.all(writers.map(async (bs) => { let a = 0; for (const b of bs) a += (await handler.handle(b.events)).appended; return a; })));
  const appended = t.value.reduce((a, b) => a + b, 0);
  check(appended === n, `RecordUsageHandler appended ${n} events`);
  const again = await timed(() => Promise.all(writers.map(async (bs) => { let a = 0; for (const b of bs) a += (await handler.handle(b.events)).appended; return a; })));
  check(again.value.reduce((a, b) => a + b, 0) === 0, 'RecordUsageHandler re-send appended 0 events');
  const rate = (n / t.ms) * 1000;
  const base = ingestFigures.get('postgresql') ?? rate;
  report({ section: '1 ingest (postgresql)', measure: `RecordUsageHandler.handle (${fmt(n)} ev, ${fmt(n / ACCOUNTS)}/stream)`, value: `${fmt(rate)} ev/s; re-send ${fmt((n / again.ms) * 1000)} ev/s`, baseline: `appendToStream ${fmt(base)} ev/s`, ratio: ratio(rate / base), target: 'info', met: '–' });
}

/** The rebuild input: the catalogue, then n observations appended in chunks (never all in memory at once). */
async function loadCorpus(db: SqlDatabase, store: PostgresEventStore, n: number): Promise<void> {
  console.log(`\n[2] loading the rebuild corpus: ${n.toLocaleString('en')} events`);
  await db.exec('truncate es_events, es_streams restart identity');
  await seedCatalogue(store, { content: smallCatalogue(['gpt-4o-mini', 'gpt-4o']), today: '2026-11-01' });
  const CHUNK = 40_000;
  let appended = 0;
  const t = await timed(async () => {
    for (let at = 0; at < n; at += CHUNK) {
      const writers = batchesFor(generate(Math.min(CHUNK, n - at), DATA_START, 'acc', at));
      const counts = await Promise.all(writers.map(async (bs) => { let a = 0; for (const b of bs) a += (await store.appendToStream(b.streamId, b.events)).appended; return a; }));
      appended += counts.reduce((a, b) => a + b, 0);
    }
  });
  check(appended === n, `corpus of ${n} events appended`);
  notes.push(`Rebuild corpus: ${fmt(n)} events appended in ${(t.ms / 1000).toFixed(1)} s (${fmt((n / t.ms) * 1000)} ev/s, event generation included), ${fmt(n / KEYS_PER_DAY)} days of 800 usage keys each.`);
}

// ---------------------------------------------------------------------------------------------- 2. rebuild
function rollupSql(target: string, priceList = prices): string {
  return `create table ${target} as
    select distinct on (workspace_id, day, account_id, request_type)
           workspace_id, day, account_id, request_type, e.model, input, output, requests,
           input * p.pin + output * p.pout as estimated
      from (select data->>'workspaceId' as workspace_id, (data->>'day')::date as day, data->>'accountId' as account_id,
                   data->>'requestType' as request_type, data->>'model' as model,
                   (data->'tokens'->>'inputUncached')::bigint as input, (data->'tokens'->>'output')::bigint as output,
                   (data->'units'->>'requests')::bigint as requests, data->>'observedAt' as observed_at, global_position
              from es_events where type = 'UsageObserved.v1') e
      join (values ${priceValues(priceList)}) p(model, pin, pout) on p.model = e.model
     order by workspace_id, day, account_id, request_type, observed_at desc, global_position desc`;
}

interface Totals { rows: string; input: string; output: string; requests: string; estimated: string }
async function projectionTotals(db: SqlDatabase, schema = 'public'): Promise<Totals> {
  const [u] = await db.query<Totals>(`select count(*)::text as rows, sum(input_uncached)::text as input, sum(output)::text as output, sum(requests)::text as requests, '' as estimated from "${schema}".usage_latest`);
  const est = await scalar(db, `select round(coalesce(sum(estimated), 0), 9)::text as v from "${schema}".cost_estimates where valid_to is null`);
  return { ...u, estimated: est };
}
async function sqlTotals(db: SqlDatabase, t: string): Promise<Totals> {
  const [u] = await db.query<Totals>(`select count(*)::text as rows, sum(input)::text as input, sum(output)::text as output, sum(requests)::text as requests, round(sum(estimated), 9)::text as estimated from ${t}`);
  return u;
}

async function rebuildBench(db: SqlDatabase, store: PostgresEventStore, runner: ProjectionRunner, engine: string, n: number, reps: number): Promise<void> {
  console.log(`\n[2] projection rebuild (${engine}): ${n.toLocaleString('en')} events, ${reps} repetition(s)`);
  const head = await store.headPosition();
  // The active version (created empty by initialize) is marked caught up, so runOnce drives only the
  // rebuild: exactly the path of POST /admin/projections/usage_ledger/rebuild, measured alone.
  await db.query(`update projection_versions set checkpoint = $1 where name = 'usage_ledger' and status = 'active'`, [String(head)]);
  const times: number[] = [];
  const rss: number[] = [];
  let last: Totals | undefined;
  for (let rep = 0; rep < reps; rep++) {
    const sampler = rssSampler();
    const t = await timed(async () => {
      const v = await runner.rebuild('usage_ledger');
      while (await runner.runOnce()) {
        /* replay until switched */
      }
      return v;
    });
    rss.push(sampler.stop());
    const [active] = await db.query<{ version: number; schema_name: string; last_error: string | null }>(`select version, schema_name, last_error from projection_versions where name = 'usage_ledger' and status = 'active'`);
    check(active.version === t.value.version && !active.last_error, `rebuild v${t.value.version} switched in without error`);
    times.push(t.ms);
    last = await projectionTotals(db);
  }
  const sqlTimes: number[] = [];
  for (let rep = 0; rep < Math.max(reps, 2); rep++) {
    await db.exec('drop table if exists bench_rollup');
    sqlTimes.push((await timed(() => db.exec(rollupSql('bench_rollup')))).ms);
  }
  const ref = await sqlTotals(db, 'bench_rollup');
  check(JSON.stringify(last) === JSON.stringify(ref), `read model totals equal the SQL rollup (${ref.rows} rows, ${ref.input} input tokens, $${ref.estimated})`);
  const rate = (n / median(times)) * 1000;
  const sqlRate = (n / median(sqlTimes)) * 1000;
  const scaled = (1_000_000 / rate).toFixed(0);
  report({ section: `2 rebuild (${engine})`, measure: `rebuild ${fmt(n)} events`, value: `${(median(times) / 1000).toFixed(1)} s, ${fmt(rate)} ev/s, peak RSS ${(Math.max(...rss) / 2 ** 20).toFixed(0)} MiB`, baseline: `one SQL statement ${(median(sqlTimes) / 1000).toFixed(1)} s (${fmt(sqlRate)} ev/s)`, ratio: ratio(rate / sqlRate), target: '1M ≤ 10 s, ≥ 40% of SQL, < 1 GiB', met: `${rate / sqlRate >= 0.4 ? 'ratio met' : 'ratio missed'}; 1M ≈ ${scaled} s ⇒ ${Number(scaled) <= 10 ? 'met' : 'missed'}; RSS ${Math.max(...rss) < 2 ** 30 ? 'met' : 'missed'}` });
  rebuildFigures.set(engine, rate);
}
const rebuildFigures = new Map<string, number>();

// ---------------------------------------------------------------------------------------------- 3 + 5. queries and lag under load
async function loadBench(db: SqlDatabase, store: PostgresEventStore, runner: ProjectionRunner, seconds: number): Promise<void> {
  console.log(`\n[3+5] dashboard queries and append-to-visible lag: 10 readers + ingest writer + lag probe for ${seconds} s`);
  const usage = new UsageQueries(db);
  const audit = new AuditQueries(db);
  const queries: Record<string, () => Promise<unknown>> = {
    'month summary': () => usage.monthSummary('ws1', QUERY_MONTH),
    'daily series by model': () => usage.dailySeries('ws1', { from: `${QUERY_MONTH}-01`, to: `${QUERY_MONTH}-31`, groupBy: 'model' }),
    'audit month': () => audit.month('ws1', QUERY_MONTH),
  };
  // Correctness first: the month summary equals the SQL rollup of October.
  const summary = await usage.monthSummary('ws1', QUERY_MONTH);
  const ref = await scalar(db, `select round(sum(estimated), 9)::text as v from bench_rollup where day >= '${QUERY_MONTH}-01' and day < '${QUERY_MONTH}-01'::date + interval '1 month'`);
  check(Number(summary.estimated).toFixed(9) === Number(ref).toFixed(9), `month summary estimated $${summary.estimated} equals the SQL rollup ($${ref})`);
  const series = await usage.dailySeries('ws1', { from: `${QUERY_MONTH}-01`, to: `${QUERY_MONTH}-31`, groupBy: 'model' });
  const seriesSum = series.points.reduce((a, p) => a + Number(p.estimated), 0);
  check(Math.abs(seriesSum - Number(ref)) < 1e-6, `daily series sums to the same total ($${seriesSum.toFixed(6)})`);

  // Idle baseline: one reader, nothing else running.
  const idle: Record<string, number[]> = {};
  for (const [name, q] of Object.entries(queries)) {
    idle[name] = [];
    for (let i = 0; i < 15; i++) idle[name].push((await timed(q)).ms);
  }
  runner.start();
  const idleLag: number[] = [];
  let lagSeq = 0;
  const lagProbe = async () => {
    const r = await store.appendToStream('usage-ws1.lag.2030-01', generate(20, '2030-01-01', 'lag', 20 * lagSeq++));
    const t = now();
    await runner.waitForPosition(r.position, 10_000); // a timeout counts as 10 s
    return now() - t;
  };
  for (let i = 0; i < 10; i++) idleLag.push(await lagProbe());

  const stop = now() + seconds * 1000;
  const lat: Record<string, number[]> = Object.fromEntries(Object.keys(queries).map((k) => [k, []]));
  // The same calls without their wait for a connection slot (the read cap): the server-side time.
  const served: Record<string, number[]> = Object.fromEntries(Object.keys(queries).map((k) => [k, []]));
  const slotWait = new AsyncLocalStorage<{ ms: number }>();
  const gate = (db as PgPoolDatabase).gate;
  const acquire = gate.acquire.bind(gate);
  gate.acquire = async () => {
    const t = now();
    const release = await acquire();
    const waited = slotWait.getStore();
    if (waited) waited.ms += now() - t;
    return release;
  };
  let ingested = 0;
  const names = Object.keys(queries);
  const readers = Array.from({ length: 10 }, async (_, r) => {
    for (let i = r; now() < stop; i++) {
      const name = names[i % names.length];
      const waited = { ms: 0 };
      // Marked as the app's middleware marks dashboard GETs: they wait behind writes for connections.
      const ms = (await slotWait.run(waited, () => timed(() => asDeferrableReads(queries[name])))).ms;
      lat[name].push(ms);
      served[name].push(ms - waited.ms);
    }
  });
  const writer = (async () => {
    // A steady 1,000 events/s (250 every 250 ms): more than the projection can keep up with would make the
    // lag grow without bound, which the catch-up figures of section 2 already describe.
    for (let k = 0; now() < stop; k++) {
      const next = now() + 250;
      const batch = generate(250, '2030-01-01', 'load', k * 250);
      // One stream per batch keeps the writer free of revision bookkeeping; the content is new each time.
      await store.appendToStream(`usage-ws1.load${k}.2030-01`, batch);
      ingested += batch.length;
      const wait = next - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  const lag: number[] = [];
  const probe = (async () => {
    while (now() < stop) lag.push(await lagProbe());
  })();
  const t0 = now();
  await Promise.all([...readers, writer, probe]);
  const loadSecs = (now() - t0) / 1000;
  await runner.stop();
  const rows = Number(await scalar(db, 'select count(*)::text as v from usage_latest'));
  notes.push(`Load phase: ${fmt(ingested / loadSecs)} ev/s ingested in the background while 10 readers ran; read model at ${fmt(rows)} usage rows.`);
  for (const name of names) {
    const p95 = pct(lat[name], 95);
    notes.push(`${name} under load without the wait for a read slot (server-side): p50 / p95 ${pct(served[name], 50).toFixed(1)} / ${pct(served[name], 95).toFixed(1)} ms.`);
    report({ section: '3 queries (postgresql)', measure: `${name} p50 / p95 (${lat[name].length} calls)`, value: `${pct(lat[name], 50).toFixed(1)} / ${p95.toFixed(1)} ms`, baseline: `idle ${pct(idle[name], 50).toFixed(1)} / ${pct(idle[name], 95).toFixed(1)} ms`, ratio: ratio(p95 / pct(idle[name], 95), 'p95 load/idle'), target: 'p95 ≤ 10 ms at 10M', met: p95 <= 10 ? 'met (at this size)' : 'missed' });
  }
  const lp95 = pct(lag, 95);
  report({ section: '5 lag (postgresql)', measure: `append → waitForPosition p50 / p95 (${lag.length} probes)`, value: `${pct(lag, 50).toFixed(0)} / ${lp95.toFixed(0)} ms`, baseline: `idle ${pct(idleLag, 50).toFixed(0)} / ${pct(idleLag, 95).toFixed(0)} ms`, ratio: ratio(lp95 / Math.max(1, pct(idleLag, 95)), 'p95 load/idle'), target: 'p95 ≤ 500 ms', met: lp95 <= 500 ? 'met' : 'missed' });
}

// ---------------------------------------------------------------------------------------------- 5b. lag across processes
/**
 * Read-your-writes across api processes: two pools on one fresh database stand for two processes. The first holds
 * the projection loop (the lease holder); the second appends and waits for its own write (`waitForPosition`), as
 * an api process that is not the holder does after an ingest. With LISTEN/NOTIFY (the default on PostgreSQL)
 * against polling alone (the production intervals: 250 ms for the log, 50 ms for the checkpoints), in one run.
 */
async function crossProcessLagBench(probes: number): Promise<void> {
  console.log(`\n[5b] append-to-visible across two processes: ${probes} probes, with LISTEN and polling only`);
  const lags = new Map<'listen' | 'poll', number[]>();
  for (const mode of ['poll', 'listen'] as const) {
    const { db: holderPool, url } = await freshPostgres(4);
    const otherPool = PgPoolDatabase.open(url, { max: 4, applicationName: 'act-bench' });
    // The polling baseline: the same databases without `listen`, as PGlite offers none.
    const cannotListen = (db: PgPoolDatabase): SqlDatabase => ({
      driver: db.driver,
      query: (sql, params) => db.query(sql, params),
      transaction: (work) => db.transaction(work),
      exec: (script) => db.exec(script),
      close: () => db.close(),
    });
    const [holderDb, otherDb] = mode === 'listen' ? [holderPool, otherPool] : [cannotListen(holderPool), cannotListen(otherPool)];
    const holderStore = new PostgresEventStore(holderDb, { pollIntervalMs: 250 });
    await holderStore.migrate();
    await holderStore.listenForOtherProcesses();
    const otherStore = new PostgresEventStore(otherDb, { pollIntervalMs: 250 });
    const holder = new ProjectionRunner(holderDb, holderStore, [usageLedgerProjection], { logger: quiet, lease: false });
    const other = new ProjectionRunner(otherDb, otherStore, [usageLedgerProjection], { logger: quiet, lease: false });
    await holder.initialize();
    await other.initialize();
    holder.start();
    const measured: number[] = [];
    try {
      for (let i = 0; i < probes; i++) {
        // Off the poll's beat, as requests arrive.
        await new Promise((resolve) => setTimeout(resolve, 20 + (i * 37) % 100));
        const started = now();
        const appended = await otherStore.appendToStream(`usage-ws1.xp.2031-01`, generate(1, '2031-01-01', 'xp', i));
        if (!(await other.waitForPosition(appended.position, 10_000))) throw new Error(`Probe ${i} was not visible in the other process after 10 s (${mode})`);
        measured.push(now() - started);
      }
      const [{ n }] = await otherPool.query<{ n: string }>(`select count(*)::text as n from usage_latest where account_id like 'xp%'`);
      check(Number(n) === probes, `every probe is in the read model (${n} of ${probes}, ${mode})`);
    } finally {
      await holder.stop();
      await other.stop();
      await otherPool.close();
      await holderPool.close();
    }
    lags.set(mode, measured);
  }
  const listen = lags.get('listen') ?? [];
  const poll = lags.get('poll') ?? [];
  const p95 = pct(listen, 95);
  report({ section: '5 lag across processes (postgresql)', measure: `append in one process → visible there, projected by another, p50 / p95 (${listen.length} probes)`, value: `${pct(listen, 50).toFixed(1)} / ${p95.toFixed(1)} ms with LISTEN`, baseline: `polling only ${pct(poll, 50).toFixed(1)} / ${pct(poll, 95).toFixed(1)} ms`, ratio: ratio(pct(poll, 95) / Math.max(0.1, p95), 'p95 polling/LISTEN'), target: 'p95 ≤ 500 ms', met: p95 <= 500 ? 'met' : 'missed' });
}

// ---------------------------------------------------------------------------------------------- 4. recompute
async function recomputeBench(db: SqlDatabase, store: PostgresEventStore, runner: ProjectionRunner, reps: number): Promise<void> {
  const worker = new RecomputeWorker(db, store, { logger: quiet, batchSize: 5000, autoStart: false });
  await worker.migrate();
  const drain = async () => {
    for (let i = 0; i < 1_000_000; i++) {
      const a = await runner.runOnce();
      const b = await worker.runOnce();
      if (!a && !b) break;
    }
    // Nothing moves any more: say why if it stopped on an error (the runner backs off a failed version).
    const failed = await db.query<{ last_error: string }>(`select last_error from projection_versions where last_error is not null`);
    if (failed.length > 0) throw new Error(`projection failed: ${failed[0].last_error.slice(0, 500)}`);
    const stuck = await db.query<{ state: string; last_error: string | null; rows_done: number; rows_total: number }>(
      `select state, last_error, rows_done, rows_total from cost_recompute_progress where state <> 'done'`,
    );
    if (stuck.length > 0) throw new Error(`recompute did not finish: ${JSON.stringify(stuck[0]).slice(0, 500)}`);
  };
  await drain();
  const touched = Number(await scalar(db, `select count(*)::text as v from cost_estimates where valid_to is null and model = 'gpt-4o-mini'`));
  console.log(`\n[4] recompute after a price change on gpt-4o-mini: ${fmt(touched)} observations in scope, ${reps} repetition(s)`);
  const times: number[] = [];
  const sqlTimes: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const input = (0.0000003 + rep * 0.0000001).toFixed(7);
    const output = (0.0000012 + rep * 0.0000002).toFixed(7);
    const t = await timed(async () => {
      const applied = await new PriceChanges(store, db).apply('ws1', { provider: 'openai', model: 'gpt-4o-mini', prices: { input, output }, effectiveFrom: DATA_START });
      await drain();
      return applied;
    });
    times.push(t.ms);
    const newPrices = prices.map((p) => (p.model === 'gpt-4o-mini' ? { ...p, input, output } : p));
    const s = await timed(() => db.exec(`update bench_rollup r set estimated = r.input * p.pin + r.output * p.pout from (values ${priceValues(newPrices)}) p(model, pin, pout) where p.model = r.model and r.model = 'gpt-4o-mini'`));
    sqlTimes.push(s.ms);
    const got = await scalar(db, `select round(coalesce(sum(estimated), 0), 9)::text as v from cost_estimates where valid_to is null and account_id like 'acc%'`);
    const want = await scalar(db, `select round(sum(estimated), 9)::text as v from bench_rollup`);
    check(got === want, `after recompute ${rep + 1} (${fmt(t.value.rowsChanged)} rows changed) the current estimates total $${got} = SQL recomputation $${want}`);
    const summary = await new UsageQueries(db).monthSummary('ws1', QUERY_MONTH);
    check(summary.costVersion === rep + 2, `month summary reads cost version ${rep + 2}`);
  }
  const rate = (touched / median(times)) * 1000;
  const scaled = (1_000_000 / rate);
  report({ section: '4 recompute (postgresql)', measure: `price change → new cost version, ${fmt(touched)} rows`, value: `${(median(times) / 1000).toFixed(1)} s (${fmt(rate)} rows/s)`, baseline: `SQL UPDATE ${(median(sqlTimes) / 1000).toFixed(2)} s`, ratio: ratio(median(sqlTimes) / median(times)), target: '1M ≤ 15 s', met: `1M ≈ ${scaled.toFixed(0)} s ⇒ ${scaled <= 15 ? 'met' : 'missed'}` });
}

// ---------------------------------------------------------------------------------------------- 7. PGlite
async function pgliteBench(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'act-bench-pglite-'));
  const db = await PgliteDatabase.open(join(dir, 'db'));
  try {
    const store = new PostgresEventStore(db, { pollIntervalMs: 20 });
    await store.migrate();
    await ingestBench(db, store, 'pglite', n, 1);
    const runner = new ProjectionRunner(db, store, [usageLedgerProjection], { logger: quiet, batchSize: 500 });
    await runner.initialize();
    await rebuildBench(db, store, runner, 'pglite', n, 1);
    const native = { ingest: ingestFigures.get('postgresql'), rebuild: rebuildFigures.get('postgresql') };
    const lite = { ingest: ingestFigures.get('pglite'), rebuild: rebuildFigures.get('pglite') };
    for (const key of ['ingest', 'rebuild'] as const) {
      const a = native[key];
      const b = lite[key];
      if (!a || !b) continue;
      report({ section: '7 PGlite vs PostgreSQL', measure: `${key} ev/s (PGlite at ${fmt(n)} events)`, value: `${fmt(b)} ev/s`, baseline: `PostgreSQL ${fmt(a)} ev/s`, ratio: `PostgreSQL ${(a / b).toFixed(1)}× faster`, target: 'within 3×', met: a / b <= 3 ? 'met' : 'missed' });
    }
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A section that fails (a check, an error) is reported as failed and the run goes on with the next one. */
async function isolated(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, ' ').slice(0, 400);
    console.error(`  ✗ ${name}: ${message}`);
    report({ section: name, measure: 'FAILED', value: message.replace(/\|/g, '/'), baseline: '–', ratio: '–', target: '–', met: 'failed' });
  }
}

// ---------------------------------------------------------------------------------------------- main
async function main(): Promise<void> {
  const started = now();
  loadPrices();
  const [pgVersion] = await (async () => {
    const c = new pg.Client({ connectionString: ADMIN_URL });
    await c.connect();
    const r = await c.query<{ v: string }>(`select current_setting('server_version') as v`);
    await c.end();
    return [r.rows[0].v];
  })();
  console.log(`bench: ${QUICK ? 'quick' : 'full'} mode; PostgreSQL ${pgVersion}; ${cpus().length} cores; sizes ${JSON.stringify(SIZES)}; dashboard reads at once: ${MAX_READS}`);
  try {
    const { db: rawDb } = await freshPostgres();
    const db = profiled(rawDb);
    const store = new PostgresEventStore(db, { pollIntervalMs: 20 });
    await store.migrate();
    // The ingest section leaves the log holding the catalogue and the last repetition's events: the rebuild input
    // when the sizes agree (quick mode); otherwise loadCorpus appends the larger rebuild corpus.
    if (wanted('ingest')) await ingestBench(db, store, 'postgresql', SIZES.ingest, SIZES.reps);
    const runner = new ProjectionRunner(db, store, [usageLedgerProjection], { logger: quiet, batchSize: 500 });
    await runner.initialize();
    if (wanted('rebuild') || wanted('queries') || wanted('recompute')) {
      if (SIZES.rebuild !== SIZES.ingest || !wanted('ingest')) await loadCorpus(db, store, SIZES.rebuild);
      await rebuildBench(db, store, runner, 'postgresql', SIZES.rebuild, SIZES.rebuildReps);
    }
    if (wanted('queries')) await isolated('3+5 queries and lag', () => loadBench(db, store, runner, SIZES.loadSeconds));
    if (wanted('recompute')) await isolated('4 recompute', () => recomputeBench(db, store, runner, SIZES.recomputeReps));
    if (wanted('lag')) await isolated('5 lag across processes', () => crossProcessLagBench(QUICK ? 30 : 100));
    if (wanted('ingest')) await isolated('1 ingest (RecordUsageHandler)', () => recordUsageBench(db, store, QUICK ? 4_000 : 20_000));
    await db.close();
    if (wanted('pglite')) await isolated('7 PGlite', () => pgliteBench(SIZES.pglite));
    if (wanted('http') || wanted('sync')) {
      const fresh = await freshPostgres(10);
      await fresh.db.close();
      await isolated('6+8 sync and HTTP', async () => {
      const http = await httpBench(fresh.url, SIZES.http, QUICK ? 2 : 5, wanted('sync') || ONLY.length === 0 ? { accounts: SIZES.syncAccounts, appendRate: ingestFigures.get('postgresql') } : undefined);
      for (const row of http.rows) report(row);
      notes.push(...http.notes);
      });
    }
  } finally {
    await dropAll();
  }
  printSqlProfile();
  const elapsed = (now() - started) / 1000;
  const header = ['section', 'measure', 'value (median)', 'baseline (same run)', 'ratio', 'target', 'met?'];
  const body = results.map((r) => [r.section, r.measure, r.value, r.baseline, r.ratio, r.target, r.met]);
  const md = table(header, body);
  console.log(`\n${md}\n`);
  for (const n of notes) console.log(`- ${n}`);
  console.log(`\nbench: done in ${elapsed.toFixed(0)} s`);
  if (WRITE) {
    const command = `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`;
    replaceSection('docs/benchmarks.md', QUICK ? 'bench-quick' : 'bench-full', section({
      title: QUICK ? 'Quick run (smoke check, scaled down)' : 'Full run',
      command,
      machine: machineLine(pgVersion, cpus().length, totalmem(), loadavg()[0]),
      sizes: SIZES,
      elapsedSeconds: elapsed,
      table: md,
      notes,
    }));
  }
}

main().catch(async (error) => {
  console.error(error);
  await dropAll();
  process.exit(1);
});
