import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startOpenAiTestServer } from './support/provider-servers';
import { ApiCluster, postgresReachable, type ApiProcess } from './support/scale-out-cluster';

/**
 * Scale-out: three real api processes on one PostgreSQL database. Each background job (the
 * projection runner, the sync scheduler, the alert evaluator, the notification loop) must run
 * in exactly one of them; when the process holding the leases is killed with SIGKILL, the
 * survivors take the work over, and nothing is done twice:
 *
 * - every account is synced by the scheduler once (three schedulers tick every second), each
 *   run records each of its chunks once;
 * - every event is applied to every projection once (`projection_applied`: per process and
 *   version, the events applied add up to the positions covered), and only by lease holders;
 * - every alert is delivered once to the webhook channel (one delivery per alert × channel,
 *   one attempt, one request at the receiver);
 * - ingest through one survivor is readable through the other with `?waitFor=`.
 *
 * Needs PostgreSQL (TEST_DATABASE_URL or the local default); skipped with the reason otherwise.
 */
const reachable = postgresReachable();
const BACKFILL_DAYS = 14;
const CHUNK_DAYS = 5; // 14 days → chunks of 5, 5 and 4

let skipReason: string | null = null;
beforeAll(async () => {
  if (!(await reachable) && process.env['REQUIRE_POSTGRES'] !== '1') skipReason = 'PostgreSQL is not reachable';
});

describe('scale-out: three api processes on one PostgreSQL', () => {
  let cluster: ApiCluster;
  let openai: Awaited<ReturnType<typeof startOpenAiTestServer>>;
  let receiver: Server;
  let receiverUrl = '';
  const hits: string[] = [];

  beforeAll(async () => {
    if (skipReason) return;
    receiver = createServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on('end', () => {
        hits.push(String(request.headers['x-act-delivery']));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    openai = await startOpenAiTestServer();
    cluster = new ApiCluster({
      SYNC_SCHEDULER: 'true',
      SYNC_TICK_SECONDS: '1',
      SYNC_INTERVAL_MINUTES: '60',
      SYNC_BACKFILL_DAYS: String(BACKFILL_DAYS),
      SYNC_CHUNK_DAYS: String(CHUNK_DAYS),
      SYNC_LOOKBACK_DAYS: '3',
      ALERT_EVALUATION_SECONDS: '1',
      NOTIFY_POLL_INTERVAL_MS: '100',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      EVENT_POLL_INTERVAL_MS: '50',
      LOG_LEVEL: 'log',
    });
    await cluster.createDatabase();
  }, 120_000);

  afterAll(async () => {
    if (skipReason) return;
    await cluster?.dispose();
    await openai?.server.close();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  it('runs each background job once, survives a SIGKILL of the lease holder, and does nothing twice', async () => {
    if (skipReason) {
      console.warn(`scale-out e2e skipped: ${skipReason}`);
      return;
    }
    const started = Date.now();
    // The first process creates the schema (and imports the price catalogue); the others join a ready database.
    const first = await cluster.start('api-1');
    const [second, third] = await Promise.all([cluster.start('api-2'), cluster.start('api-3')]);
    const startedMs = Date.now() - started;

    // --- A workspace, spread over the three processes ------------------------------------------
    const register = await call(first, 'POST', '/auth/register', { email: `scale-${randomUUID().slice(0, 8)}@example.test`, password: 'correct horse battery staple' });
    const token: string = register.accessToken;
    const ws: string = register.workspaces[0].id;
    const api = (p: ApiProcess, method: string, url: string, body?: unknown) => call(p, method, url, body, token);

    await api(second, 'POST', `/workspaces/${ws}/channels`, { kind: 'webhook', name: 'Ops', url: receiverUrl });
    await api(third, 'POST', `/workspaces/${ws}/budgets`, { name: 'Tiny', scope: { kind: 'workspace' }, amount: '0.01' });
    const groq = (await api(first, 'POST', `/workspaces/${ws}/accounts`, { provider: 'groq', displayName: 'Groq' })).account.id as string;
    const ingestKey = (await api(second, 'POST', `/workspaces/${ws}/ingest-keys`, { accountId: groq, name: 'scale' })).key as string;
    const openaiAccount = async (p: ApiProcess, name: string) =>
      (await api(p, 'POST', `/workspaces/${ws}/accounts`, { provider: 'openai', displayName: name, credentials: openai.keys.openai.admin, baseUrl: openai.server.baseUrl })).account.id as string;
    const accounts = [await openaiAccount(first, 'OpenAI one'), await openaiAccount(second, 'OpenAI two'), await openaiAccount(third, 'OpenAI three')];
    let sent = 0;
    const ingest = async (p: ApiProcess, count: number) => {
      const records = Array.from({ length: count }, (_, i) => ({
        requestId: `scale-${sent + i}`,
        provider: 'groq',
        model: 'llama-3.3-70b-versatile',
        timestamp: new Date(Date.now() - (i % 3) * 60_000).toISOString(),
        usage: { prompt_tokens: 20_000, completion_tokens: 5_000, total_tokens: 25_000 },
      }));
      sent += count;
      const reply = await call(p, 'POST', '/ingest/usage', { records }, ingestKey);
      expect(reply).toMatchObject({ accepted: count, duplicates: 0, rejected: 0 });
      return reply.position as string;
    };
    await ingest(third, 40);

    // --- Phase 1: everything settles, each job in one process -----------------------------------
    await until('the three scheduled syncs to succeed', async () => (await succeededRuns()).length >= accounts.length);
    await until('an alert delivered to the webhook', async () => (await cluster.query(`select 1 from notification_deliveries where status = 'delivered' and purpose = 'alert'`)).length > 0);
    await until('the read models at the head', atHead);
    const leasesBefore = await liveLeases();
    expect(Object.keys(leasesBefore).sort()).toEqual(['alert-evaluator', 'notifications', 'projections', 'recompute-worker', 'sync-scheduler']);
    const victim = cluster.byHolder(leasesBefore['projections']);
    expect(victim).toBeDefined();
    if (!victim) return;
    const heldByVictim = Object.entries(leasesBefore).filter(([, holder]) => cluster.byHolder(holder) === victim).map(([name]) => name);
    const appliedBefore = await appliedByProcess();
    const deliveredBeforeKill = Number(
      (await cluster.query<{ n: string }>(`select count(*)::text as n from notification_deliveries where purpose = 'alert' and status = 'delivered'`))[0].n,
    );
    // Until now only the holder of the projections lease applied events (a process started
    // before the others may have driven the catalogue import itself; that is the same process).
    expect(Object.keys(appliedBefore)).toEqual([leasesBefore['projections']]);

    // --- The holder dies ---------------------------------------------------------------------------
    // Frozen first (SIGSTOP: no heartbeat, its pid still exists — as if its host were cut off), so
    // the survivors can only take over through the leases' expiry; then SIGKILLed once they have.
    // (A holder on the same host whose pid is gone is taken over without waiting: JobLease's spec.)
    const killedAt = Date.now();
    cluster.freeze(victim);
    // Read once it is frozen: from here on it cannot have applied anything.
    const appliedByVictim = (await appliedByProcess())[leasesBefore['projections']];
    const survivors = cluster.alive().filter((p) => p !== victim);
    expect(survivors).toHaveLength(2);

    // New work after the kill: ingest through one survivor, read it through the other.
    const position = await ingest(survivors[0], 30);
    let waitForTries = 0;
    await until('read-your-writes through the other survivor', async () => {
      waitForTries++;
      const response = await fetch(`${survivors[1].base}/workspaces/${ws}/budgets?waitFor=${position}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      return response.status === 200;
    });
    const takeoverMs = Date.now() - killedAt;
    await cluster.kill(victim);
    expect(cluster.alive()).toEqual(survivors);
    // A new account is synced by the new scheduler; a new budget raises an alert the new notification loop sends.
    accounts.push(await openaiAccount(survivors[1], 'OpenAI four'));
    await api(survivors[0], 'POST', `/workspaces/${ws}/budgets`, { name: 'Groq only', scope: { kind: 'account', key: groq }, amount: '0.01' });
    await until('the fourth account synced', async () => (await succeededRuns()).length >= accounts.length);
    await until('the new alert delivered, nothing left to send', async () => {
      const [row] = await cluster.query<{ delivered: string; open: string }>(
        `select count(*) filter (where status = 'delivered')::text as delivered, count(*) filter (where status <> 'delivered')::text as open
           from notification_deliveries where workspace_id = $1 and purpose = 'alert'`,
        [ws],
      );
      return Number(row.delivered) > deliveredBeforeKill && row.open === '0';
    });
    await until('the read models at the head again', atHead);
    const leasesAfter = await liveLeases();
    // Every job has a live holder again, and none of them is the dead process.
    expect(Object.keys(leasesAfter).sort()).toEqual(Object.keys(leasesBefore).sort());
    for (const [name, holder] of Object.entries(leasesAfter)) expect([name, survivors.includes(cluster.byHolder(holder) as ApiProcess)]).toEqual([name, true]);

    // --- Nothing twice ---------------------------------------------------------------------------
    // One scheduled run per account (the interval is an hour), each chunk recorded once.
    const runs = await cluster.query<{ account_id: string; runs: string; kinds: string }>(
      `select account_id, count(*)::text as runs, string_agg(distinct kind, ',') as kinds from sync_runs where workspace_id = $1 group by account_id order by account_id`,
      [ws],
    );
    expect(runs).toEqual([...accounts].sort().map((id) => ({ account_id: id, runs: '1', kinds: 'scheduled' })));
    const chunks = await cluster.query<{ run_id: string; chunks: string; distinct_chunks: string }>(
      `select data->>'runId' as run_id, count(*)::text as chunks, count(distinct data->>'from')::text as distinct_chunks
         from es_events where type = 'SyncChunkRecorded' group by 1`,
    );
    expect(chunks).toHaveLength(accounts.length);
    for (const c of chunks) expect(c).toMatchObject({ chunks: '3', distinct_chunks: '3' });

    // Every event applied once per projection version: per version, the events the processes
    // applied add up to the log positions it covers (no position applied twice, by one process or two).
    const coverage = await cluster.query<{ name: string; applied: string; covered: string; holders: string }>(
      `select v.name, coalesce(sum(a.events), 0)::text as applied,
              (select count(*) from es_events e where e.global_position <= v.checkpoint)::text as covered,
              count(a.holder)::text as holders
         from projection_versions v left join projection_applied a on a.name = v.name and a.version = v.version
        where v.status = 'active' group by v.name, v.version, v.checkpoint order by v.name`,
    );
    expect(coverage.map((c) => c.name)).toEqual(expect.arrayContaining(['event_type_stats', 'usage_ledger', 'sync_runs', 'budgets']));
    for (const c of coverage) expect({ name: c.name, applied: c.applied }).toEqual({ name: c.name, applied: c.covered });
    // After the freeze, only survivors applied anything; the victim's share stopped where it froze.
    const appliedAfter = await appliedByProcess();
    expect(appliedAfter[leasesBefore['projections']]).toBe(appliedByVictim);
    expect(Object.keys(appliedAfter).filter((h) => h !== leasesBefore['projections']).every((h) => survivors.includes(cluster.byHolder(h) as ApiProcess))).toBe(true);

    // Every request ingested once.
    const [{ n }] = await cluster.query<{ n: string }>('select count(*)::text as n from ingest_requests where account_id = $1', [groq]);
    expect(Number(n)).toBe(sent);

    // One delivery per alert × channel, one attempt, one request at the receiver.
    const deliveries = await cluster.query<{ alert_id: string; n: string; attempts: string; status: string }>(
      `select alert_id, channel_id, count(*)::text as n, max(attempts)::text as attempts, string_agg(status, ',') as status
         from notification_deliveries where workspace_id = $1 and purpose = 'alert' group by alert_id, channel_id`,
      [ws],
    );
    expect(deliveries.length).toBeGreaterThan(deliveredBeforeKill);
    for (const d of deliveries) expect(d).toMatchObject({ n: '1', attempts: '1', status: 'delivered' });
    expect(hits.length).toBe(deliveries.length);
    expect(new Set(hits).size).toBe(hits.length);

    console.log(
      `scale-out: 3 processes up in ${startedMs} ms; froze then killed ${victim.name} (held ${heldByVictim.join(', ')}); ` +
        `read-your-writes through a survivor ${takeoverMs} ms after the freeze (${waitForTries} tries); ${accounts.length} accounts synced once, ` +
        `${coverage.length} projections applied once, ${deliveries.length} alert deliveries once; total ${Date.now() - started} ms`,
    );

    async function succeededRuns() {
      return cluster.query(`select run_id from sync_runs where workspace_id = $1 and status = 'succeeded'`, [ws]);
    }
  }, 170_000);

  async function atHead(): Promise<boolean> {
    const [row] = await cluster.query<{ behind: string }>(
      `select count(*)::text as behind from projection_versions where status = 'active'
          and checkpoint < (select coalesce(max(global_position), 0) from es_events)`,
    );
    return row.behind === '0';
  }

  async function liveLeases(): Promise<Record<string, string>> {
    const rows = await cluster.query<{ name: string; holder: string }>('select name, holder from job_leases where expires_at >= now() order by name');
    return Object.fromEntries(rows.map((r) => [r.name, r.holder]));
  }

  async function appliedByProcess(): Promise<Record<string, string>> {
    const rows = await cluster.query<{ holder: string; events: string }>('select holder, sum(events)::text as events from projection_applied group by holder');
    return Object.fromEntries(rows.map((r) => [r.holder, r.events]));
  }
});

async function call(p: ApiProcess, method: string, url: string, body?: unknown, bearer?: string) {
  const response = await fetch(`${p.base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${url} on ${p.name}: HTTP ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

async function until(what: string, check: () => Promise<boolean>, boundMs = 60_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
