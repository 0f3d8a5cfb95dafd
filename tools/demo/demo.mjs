#!/usr/bin/env node
// `npm run demo`: the product with a populated demo workspace, in about a minute.
//
// Starts local test servers that speak the OpenAI, Anthropic and OpenRouter usage APIs (the same
// ones the connector tests use, serving a synthetic organisation with 90 days of weekday-shaped
// usage and one anomaly day), starts the built product on a fresh embedded database, and through
// the public API: registers a demo user, connects the three accounts (the product backfills 90
// days from the test servers), sends Groq and Perplexity per-request logs through the ingest API,
// records a manual subscription, and sets a price override in the past (a recompute into a new
// cost version). Then it prints where to sign in and keeps running until Ctrl-C.
//
//   --check          seed, verify every account synced and the ledger has data, then stop (exit 0/1)
//   --port <n>       product port (default 3000)
//   --data-dir <d>   database directory (default ./data-demo, emptied first)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const CHECK = args.includes('--check');
const PORT = Number(option('--port', process.env.PORT ?? '3000'));
const DATA_DIR = resolve(option('--data-dir', join(root, 'data-demo')));
const EMAIL = 'demo@example.com';
const PASSWORD = 'demo password 2026';
const DAY_MS = 86_400_000;
const day = (offset) => new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
const ANOMALY_DAY = day(-9);

function log(message) {
  console.log(`demo: ${message}`);
}

/** The provider test servers are TypeScript with path aliases: bundle them once with esbuild. */
async function loadTestServers() {
  const esbuild = require('esbuild');
  const outfile = join(mkdtempSync(join(tmpdir(), 'act-demo-')), 'connectors-testing.cjs');
  await esbuild.build({
    entryPoints: [join(root, 'libs/server/connectors/src/testing.ts')],
    tsconfig: join(root, 'tsconfig.base.json'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile,
    logLevel: 'error',
  });
  return require(outfile);
}

async function startProviders(testing) {
  const servers = {};
  for (const provider of ['openai', 'anthropic', 'openrouter']) {
    const organisation = testing.defaultTestOrganisation(provider);
    organisation.usage = { ...organisation.usage, seed: `demo-${provider}`, dayMultipliers: { [ANOMALY_DAY]: 4 } };
    servers[provider] = await testing.startProviderTestServer({ provider, organisation });
  }
  return servers;
}

function startProduct() {
  const main = join(root, 'dist/apps/api/main.js');
  if (!existsSync(main)) throw new Error('The product is not built: run `npm run demo` (it builds first), or `npm run build`.');
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  return spawn(process.execPath, [main], {
    cwd: root,
    stdio: CHECK ? ['ignore', 'ignore', 'inherit'] : 'inherit',
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: process.env.HOST ?? '127.0.0.1',
      DATA_DIR,
      DATABASE_URL: '',
      CREDENTIAL_KEYS: `demo:${randomBytes(32).toString('base64')}`,
      SYNC_BACKFILL_DAYS: '90',
      AUTH_RATE_LIMIT_PER_MINUTE: '100',
      LOG_LEVEL: CHECK ? 'warn' : 'log',
    },
  });
}

const base = `http://127.0.0.1:${PORT}/api/v1`;
let token = '';

async function api(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const fields = (json?.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new Error(`${method} ${path} → ${response.status}: ${json?.detail ?? text}${fields ? ` (${fields})` : ''}`);
  }
  return json;
}

async function waitForHealth(child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The product exited during start (code ${child.exitCode}).`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('The product did not become healthy within 60 s.');
}

/** Per-request logs in each provider's native usage shape, weekday-shaped, with the anomaly day. */
function requestLogs(provider, model, makeUsage) {
  const records = [];
  for (let offset = -89; offset <= 0; offset++) {
    const date = new Date(Date.now() + offset * DAY_MS);
    const weekend = [0, 6].includes(date.getUTCDay());
    const count = (weekend ? 4 : 12) * (day(offset) === ANOMALY_DAY ? 4 : 1);
    for (let i = 0; i < count; i++) {
      const timestamp = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), 8 + (i % 10), i)).toISOString();
      if (new Date(timestamp) > new Date()) continue;
      records.push({ requestId: `${provider}-${day(offset)}-${i}`, provider, model, timestamp, usage: makeUsage(i) });
    }
  }
  return records;
}

async function ingest(key, records) {
  for (let i = 0; i < records.length; i += 1000) {
    const response = await fetch(`${base}/ingest/usage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ records: records.slice(i, i + 1000) }),
    });
    if (!response.ok) throw new Error(`ingest → ${response.status}: ${await response.text()}`);
  }
}

async function seed(providers, keys) {
  const session = await api('POST', '/auth/register', { email: EMAIL, password: PASSWORD, displayName: 'Demo' });
  token = session.accessToken;
  const ws = session.workspaces[0].id;
  await api('PATCH', `/workspaces/${ws}`, { name: 'Demo — Acme AI team' });
  const accounts = {};
  const credentials = { openai: keys.openai.admin, anthropic: keys.anthropic.admin, openrouter: keys.openrouter.management };
  const names = { openai: 'OpenAI (production org)', anthropic: 'Anthropic (Claude)', openrouter: 'OpenRouter' };
  const budgets = { openai: '2500', anthropic: '1500', openrouter: '300' };
  for (const provider of ['openai', 'anthropic', 'openrouter']) {
    const { account } = await api('POST', `/workspaces/${ws}/accounts`, {
      provider,
      displayName: names[provider],
      credentials: credentials[provider],
      baseUrl: providers[provider].baseUrl,
      monthlyBudget: budgets[provider],
    });
    accounts[provider] = account.id;
    await api('POST', `/workspaces/${ws}/accounts/${account.id}/sync`);
    log(`connected ${names[provider]}; backfilling 90 days`);
  }
  for (const [provider, model, makeUsage] of [
    ['groq', 'llama-3.3-70b-versatile', (i) => ({ prompt_tokens: 1800 + 37 * i, completion_tokens: 420 + 11 * i, total_tokens: 2220 + 48 * i })],
    [
      'perplexity',
      'sonar-pro',
      (i) => ({ prompt_tokens: 900 + 13 * i, completion_tokens: 650 + 7 * i, total_tokens: 1550 + 20 * i, cost: { total_cost: 0.0135 + i * 0.0001, request_cost: 0.006 } }),
    ],
  ]) {
    const { account } = await api('POST', `/workspaces/${ws}/accounts`, { provider, displayName: provider === 'groq' ? 'Groq' : 'Perplexity', syncEnabled: false });
    accounts[provider] = account.id;
    const key = await api('POST', `/workspaces/${ws}/ingest-keys`, { accountId: account.id, name: `${provider}-backend` });
    await ingest(key.key, requestLogs(provider, model, makeUsage));
    log(`sent 90 days of ${provider} request logs through the ingest API`);
  }
  const { account: seats } = await api('POST', `/workspaces/${ws}/accounts`, { provider: 'custom', displayName: 'ChatGPT Team seats', syncEnabled: false });
  for (const offset of [-60, -30, 0]) {
    const first = day(offset).slice(0, 8) + '01';
    if (first > day(0)) continue;
    await api('POST', `/workspaces/${ws}/manual-entries`, { accountId: seats.id, day: first, model: 'chatgpt-team-seat', amount: '300', currency: 'USD' });
  }
  log('recorded a monthly subscription as manual entries');
  return { ws, accounts };
}

async function priceChange(ws) {
  // A workspace override from 45 days ago: the product recomputes those days into a new cost version.
  try {
    await api('POST', `/workspaces/${ws}/prices`, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      effectiveFrom: day(-45),
      prices: { input: '0.00000018', output: '0.00000072' },
    });
    log('set a negotiated price for gpt-4o-mini from 45 days ago (recomputed into a new cost version)');
  } catch (error) {
    if (CHECK) throw error;
    log(`price override skipped: ${error.message}`);
  }
}

async function waitForSyncs(ws, accounts) {
  const deadline = Date.now() + 120_000;
  for (const provider of ['openai', 'anthropic', 'openrouter']) {
    for (;;) {
      const runs = (await api('GET', `/workspaces/${ws}/accounts/${accounts[provider]}/sync-runs`)).items;
      const last = runs[0];
      if (last && last.status !== 'running') {
        if (last.status !== 'succeeded') throw new Error(`${provider} sync failed: ${last.error?.message}`);
        log(`${provider}: ${last.daysDone}/${last.daysTotal} days synced, ${last.appended} observations`);
        break;
      }
      if (Date.now() > deadline) throw new Error(`${provider} sync still running after 120 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function main() {
  const testing = await loadTestServers();
  const providers = await startProviders(testing);
  const child = startProduct();
  const stop = async (code) => {
    child.kill('SIGTERM');
    await Promise.all(Object.values(providers).map((server) => server.close()));
    if (CHECK) rmSync(DATA_DIR, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  try {
    await waitForHealth(child);
    const { ws, accounts } = await seed(providers, testing.TEST_KEYS);
    await waitForSyncs(ws, accounts);
    await priceChange(ws);
    if (CHECK) {
      const head = (await api('GET', '/health')).eventStore.headPosition;
      const accountsList = (await api('GET', `/workspaces/${ws}/accounts?waitFor=${head}`)).items;
      if (accountsList.length < 6) throw new Error(`expected 6 accounts, found ${accountsList.length}`);
      log(`check passed: ${accountsList.length} accounts, event log at position ${head}`);
      await stop(0);
      return;
    }
    console.log(`\n  AI Cost Tracker demo is running at http://localhost:${PORT}\n  Sign in as ${EMAIL} / ${PASSWORD}\n  (Ctrl-C stops it; the data is in ${DATA_DIR})\n`);
  } catch (error) {
    console.error(`demo: ${error.message}`);
    await stop(1);
  }
}

main();
