/*
 * Section 8 of `npm run bench`: the real app (createApp, in this process, on its own PostgreSQL database) under
 * autocannon (a child process, 10 connections). A workspace route read by a signed-in user against the trivial
 * `GET /api/v1/health` in the same run.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '@act/server/platform';
import { PgPoolDatabase } from '@act/server/database';
import { UsageQueries } from '@act/server/usage';
import { createApp } from '../../apps/api/src/app/create-app';
import { defaultTestOrganisation, startProviderTestServer, TEST_KEYS, type ProviderTestServer } from '@act/server/connectors/testing';

const run = promisify(execFile);

interface Cannon {
  requests: { average: number };
  latency: Record<string, number>;
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}

async function cannon(url: string, seconds: number, headers: Record<string, string> = {}): Promise<Cannon> {
  const args = ['-c', '10', '-d', String(seconds), '-j', ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]), url];
  const { stdout } = await run(join(process.cwd(), 'node_modules/.bin/autocannon'), args, { maxBuffer: 64 * 2 ** 20 });
  return JSON.parse(stdout) as Cannon;
}

type BenchRow = { section: string; measure: string; value: string; baseline: string; ratio: string; target: string; met: string };

/**
 * Section 6: K accounts (round robin over OpenAI, Anthropic, OpenRouter) connected through the API to the local
 * provider test servers and backfilled (90 days each, the default sync range); waits until every sync run ended.
 */
async function syncBench(base: string, token: string, wsId: string, accounts: number, appendRate: number | undefined): Promise<BenchRow> {
  console.log(`\n[6] sync backfill: ${accounts} accounts × 90 days from the local provider test servers`);
  const servers: Record<string, ProviderTestServer> = {};
  const credentials = { openai: TEST_KEYS.openai.admin, anthropic: TEST_KEYS.anthropic.admin, openrouter: TEST_KEYS.openrouter.management } as const;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  try {
    for (const provider of ['openai', 'anthropic', 'openrouter'] as const) {
      servers[provider] = await startProviderTestServer({ provider, organisation: defaultTestOrganisation(provider) });
    }
    const ids: string[] = [];
    for (let i = 0; i < accounts; i++) {
      const provider = (['openai', 'anthropic', 'openrouter'] as const)[i % 3];
      const { account } = (await call('POST', `/workspaces/${wsId}/accounts`, { provider, displayName: `${provider} ${i}`, credentials: credentials[provider], baseUrl: servers[provider].baseUrl })) as { account: { id: string } };
      ids.push(account.id);
    }
    const started = performance.now();
    for (const id of ids) await call('POST', `/workspaces/${wsId}/accounts/${id}/sync`);
    let appended = 0;
    let days = 0;
    for (const id of ids) {
      for (;;) {
        const runs = (await call('GET', `/workspaces/${wsId}/accounts/${id}/sync-runs`))['items'] as { status: string; daysDone: number; daysTotal: number; appended: number; error?: { message: string } }[];
        const last = runs[0];
        if (last && last.status !== 'running' && last.status !== 'queued') {
          if (last.status !== 'succeeded' || last.daysDone !== last.daysTotal) throw new Error(`sync of ${id}: ${last.status} ${last.daysDone}/${last.daysTotal} ${last.error?.message ?? ''}`);
          appended += last.appended;
          days += last.daysDone;
          break;
        }
        if (performance.now() - started > 600_000) throw new Error('sync backfill still running after 10 min');
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const secs = (performance.now() - started) / 1000;
    if (appended <= 0) throw new Error('sync appended nothing');
    console.log(`  ✓ ${accounts} sync runs succeeded, ${days} account-days, ${appended} observations appended`);
    const rate = appended / secs;
    return {
      section: '6 sync (postgresql)',
      measure: `backfill ${accounts} accounts × 90 days (${days} account-days)`,
      value: `${secs.toFixed(1)} s, ${(days / secs).toFixed(0)} account-days/s, ${Math.round(rate).toLocaleString('en')} obs/s`,
      baseline: appendRate ? `appendToStream ${Math.round(appendRate).toLocaleString('en')} ev/s` : '–',
      ratio: appendRate ? `${(rate / appendRate).toFixed(3)}×` : '–',
      target: '100 accounts: report',
      met: `100 accounts ≈ ${((secs / accounts) * 100 / 60).toFixed(1)} min`,
    };
  } finally {
    for (const server of Object.values(servers)) await server.close();
  }
}

export async function httpBench(databaseUrl: string, seconds: number, ingestBatches: number, sync?: { accounts: number; appendRate?: number }): Promise<{ rows: { section: string; measure: string; value: string; baseline: string; ratio: string; target: string; met: string }[]; notes: string[] }> {
  console.log(`\n[8] HTTP: createApp on PostgreSQL, autocannon -c 10 -d ${seconds} per route`);
  const dir = mkdtempSync(join(tmpdir(), 'act-bench-http-'));
  mkdirSync(join(dir, 'web'));
  writeFileSync(join(dir, 'web', 'index.html'), '<!doctype html><title>AI Cost Tracker</title>');
  const app = await createApp(
    loadConfig({ DATA_DIR: join(dir, 'db'), DATABASE_URL: databaseUrl, WEB_DIST_DIR: join(dir, 'web'), LOG_LEVEL: 'error', EVENT_POLL_INTERVAL_MS: '20' }),
  );
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
  const notes: string[] = [];
  try {
    const post = async (path: string, body: unknown, token?: string) => {
      const r = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const reg = await post('/auth/register', { email: 'bench@example.com', password: 'correct horse battery staple' });
    if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
    const token = String(reg.body['accessToken']);
    const ws = await post('/workspaces', { name: 'Bench' }, token);
    if (ws.status !== 201) throw new Error(`create workspace: ${ws.status} ${JSON.stringify(ws.body)}`);
    const wsId = String((ws.body['workspace'] as { id: string }).id);
    const auth = { authorization: `Bearer ${token}` };
    // Data for the summary: an OpenAI account with an ingest key, request logs sent through POST /ingest/usage.
    const account = await post(`/workspaces/${wsId}/accounts`, { provider: 'openai', displayName: 'bench', syncEnabled: false }, token);
    if (account.status !== 201) throw new Error(`connect account: ${account.status} ${JSON.stringify(account.body)}`);
    const accountId = String((account.body['account'] as { id: string }).id);
    const key = await post(`/workspaces/${wsId}/ingest-keys`, { accountId, name: 'bench' }, token);
    if (key.status !== 201) throw new Error(`ingest key: ${key.status} ${JSON.stringify(key.body)}`);
    let position = String(ws.body['position']);
    let records = 0;
    const ingestStarted = performance.now();
    for (let b = 0; b < ingestBatches; b++) {
      const batch = Array.from({ length: 1000 }, (_, k) => {
        const i = b * 1000 + k;
        const prompt = 500 + (i % 1500);
        return {
          requestId: `bench-${i}`,
          provider: 'openai',
          model: i % 2 === 0 ? 'gpt-4o-mini-2024-07-18' : 'gpt-4o-2024-08-06',
          timestamp: `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`,
          project: `p${i % 10}`,
          usage: { prompt_tokens: prompt, completion_tokens: 100 + (i % 300), total_tokens: prompt + 100 + (i % 300) },
        };
      });
      const sent = await post('/ingest/usage', { records: batch }, String(key.body['key']));
      if (sent.status !== 200 || sent.body['accepted'] !== 1000) throw new Error(`ingest: ${sent.status} ${JSON.stringify(sent.body).slice(0, 300)}`);
      records += 1000;
      position = String(sent.body['position']);
    }
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    notes.push(`HTTP set-up: ${records.toLocaleString('en')} request records sent through \`POST /api/v1/ingest/usage\` (batches of 1,000, one client) in ${ingestSeconds.toFixed(1)} s = ${Math.round(records / ingestSeconds).toLocaleString('en')} records/s, folded into day totals (28 days × 2 models × 10 projects).`);
    // The month-summary endpoint (libs/server/reporting) is being added by another change; use it when present.
    const summaryPath = `/workspaces/${wsId}/usage/summary?month=2026-10`;
    const probe = await fetch(`${base}${summaryPath}&waitFor=${position}`, { headers: auth });
    const hasSummary = probe.status === 200;
    const dataPath = hasSummary ? summaryPath : `/workspaces/${wsId}/members`;
    const first = await fetch(`${base}${dataPath}${dataPath.includes('?') ? '&' : '?'}waitFor=${position}`, { headers: auth });
    if (first.status !== 200) throw new Error(`GET ${dataPath}: ${first.status} ${await first.text()}`);
    if (hasSummary) {
      // Correctness: the endpoint answers what the query object answers on the same database.
      const body = (await first.json()) as { estimated: string; counts: { rows?: number } };
      const db = PgPoolDatabase.open(databaseUrl, { max: 1 });
      const direct = await new UsageQueries(db).monthSummary(wsId, '2026-10');
      await db.close();
      if (body.estimated !== direct.estimated || Number(body.estimated) <= 0) throw new Error(`HTTP summary ${body.estimated} ≠ direct ${direct.estimated}`);
      console.log(`  ✓ GET …/usage/summary estimated $${body.estimated} equals UsageQueries.monthSummary on the same database`);
    }
    if (!hasSummary) {
      notes.push(
        `HTTP: \`GET /api/v1/workspaces/{ws}/usage/summary\` does not exist yet (it answered ${probe.status}); section 8 measures the signed-in, workspace-scoped \`GET /api/v1/workspaces/{ws}/members\` (JWT guard, workspace fold, read model) instead, and the month summary itself is measured by direct calls in section 3.`,
      );
    }
    // Warm up both routes, then alternate them.
    await cannon(`${base}/health`, 2);
    await cannon(`${base}${dataPath}`, 2, auth);
    const health: Cannon[] = [];
    const data: Cannon[] = [];
    for (let rep = 0; rep < 2; rep++) {
      health.push(await cannon(`${base}/health`, Math.ceil(seconds / 2)));
      data.push(await cannon(`${base}${dataPath}`, Math.ceil(seconds / 2), auth));
    }
    for (const r of [...health, ...data]) {
      if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) throw new Error(`autocannon saw non-2xx/errors: ${JSON.stringify({ non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts })}`);
    }
    console.log(`  ✓ every response was 2xx (${[...health, ...data].reduce((a, r) => a + r['2xx'], 0)} requests)`);
    const avg = (rs: Cannon[], f: (r: Cannon) => number) => rs.map(f).sort((a, b) => a - b)[Math.floor((rs.length - 1) / 2)];
    const rps = avg(data, (r) => r.requests.average);
    const hRps = avg(health, (r) => r.requests.average);
    const p97 = avg(data, (r) => r.latency['p97_5']);
    const hP97 = avg(health, (r) => r.latency['p97_5']);
    const label = hasSummary ? 'month summary' : 'workspace members (summary route absent)';
    const syncRow = sync ? [await syncBench(base, token, wsId, sync.accounts, sync.appendRate)] : [];
    return {
      rows: [
        ...syncRow,
        {
          section: '8 HTTP (postgresql)',
          measure: `${label}, 10 connections`,
          value: `${Math.round(rps).toLocaleString('en')} req/s, p50 ${avg(data, (r) => r.latency['p50'])} ms, p97.5 ${p97} ms`,
          baseline: `GET /health ${Math.round(hRps).toLocaleString('en')} req/s, p97.5 ${hP97} ms`,
          ratio: `${(rps / hRps).toFixed(2)}× of health`,
          target: 'report',
          met: '–',
        },
      ],
      notes: [...notes, 'HTTP latency: autocannon reports p97.5, not p95; it is the figure shown.'],
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
