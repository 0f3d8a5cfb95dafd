#!/usr/bin/env node
// `npm run demo`: the product with a populated demo workspace, in about a minute.
//
// Starts local test servers that speak the OpenAI, Anthropic and OpenRouter usage APIs (the same
// ones the connector tests use, serving a synthetic organisation with 90 days of weekday-shaped
// usage and one anomaly day), starts the built product on a fresh embedded database, and through
// the public API: registers a demo user, connects the three accounts (the product backfills 90
// days from the test servers; OpenRouter's /activity serves only the last 30 completed days),
// sends Groq and Perplexity per-request logs through the ingest API, records a manual
// subscription, and sets a price in the past (a recompute into a new cost version, waited for).
// Then it verifies through the public API what the demo promises, prints where to sign in and
// keeps running until Ctrl-C.
//
// What the data is built to show (and what the verification checks):
// - weekday pattern: weekends carry less than half a weekday's usage (test servers and logs);
// - one anomaly day (ANOMALY_DAY, 4× the usage): GET …/anomalies reports it as a spike;
// - one price change (PRICE_CHANGE): a negotiated 20% discount on gpt-4o-mini from 45 days ago,
//   recomputed into cost version 2;
// - a reconciled-vs-estimated difference, on purpose (PERPLEXITY): the Perplexity backend asks for
//   the high search-context size, and each request's `usage.cost.total_cost` (what Perplexity
//   billed) includes the high-context request fee ($14 per 1000). The logs do not carry
//   `search_context_size`, so the product estimates the medium fee ($10 per 1000): every
//   Perplexity request is billed $0.004 above its estimate, line by line in the audit.
//   (A second, visible gap: the OpenAI test server bills gpt-4o-mini at list price, so from the
//   price change on, OpenAI's bill is above the discounted estimate — the discount not applied.)
// - Groq and Perplexity traffic (ingested) and the manual subscription in the month summary.
//
//   --check          seed, verify the above, then stop (exit 0, or 1 with every failed property)
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
const STARTED = Date.now();
const day = (offset) => new Date(STARTED + offset * DAY_MS).toISOString().slice(0, 10);
const isWeekend = (d) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
const ANOMALY_DAY = day(-9);
/** The price change: a negotiated 20% discount on the gpt-4o-mini snapshot the usage records, from 45 days ago. */
const PRICE_CHANGE = {
  provider: 'openai',
  model: 'gpt-4o-mini-2024-07-18',
  effectiveFrom: day(-45),
  prices: { input: '0.00000012', output: '0.00000048' },
};
/**
 * The deliberate reconciled-vs-estimated difference (see the header): Perplexity sonar-pro list prices in
 * micro-dollars, and the request fee billed (high search context) vs the one the product estimates (medium,
 * its default when the logs do not say the size).
 */
const PERPLEXITY = { inputMicroUsdPerToken: 3, outputMicroUsdPerToken: 15, billedFeeMicroUsd: 14_000, estimatedFeeMicroUsd: 10_000 };
/** What each connected provider serves, for a truthful sync line. */
const PROVIDER_NOTES = { openrouter: "OpenRouter's /activity serves only the last 30 completed days" };
const NAMES = { openai: 'OpenAI (production org)', anthropic: 'Anthropic (Claude)', openrouter: 'OpenRouter', groq: 'Groq', perplexity: 'Perplexity' };

function log(message) {
  console.log(`demo: ${message}`);
}

function seconds() {
  return ((Date.now() - STARTED) / 1000).toFixed(1);
}

const usd = (value) => `${Number(value) < 0 ? '−' : ''}$${Math.abs(Number(value)).toFixed(2)}`;

/** The provider test servers are TypeScript with path aliases: bundle them once with esbuild. */
async function loadTestServers() {
  const esbuild = require('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'act-demo-'));
  const outfile = join(dir, 'connectors-testing.cjs');
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
  try {
    return require(outfile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const fields = (json?.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new Error(`${method} ${path} → ${response.status}: ${json?.detail ?? text}${fields ? ` (${fields})` : ''}`);
  }
  return json;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForHealth(child) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`The product exited during start (code ${child.exitCode}).`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error('The product did not become healthy within 60 s.');
}

/** Requests the ingested backends send on a day: weekday-shaped, 4× on the anomaly day. */
function requestsOn(d) {
  return (isWeekend(d) ? 4 : 12) * (d === ANOMALY_DAY ? 4 : 1);
}

/** Per-request logs in each provider's native usage shape, for the last 90 days (none in the future). */
function requestLogs(provider, model, makeUsage) {
  const records = [];
  for (let offset = -89; offset <= 0; offset++) {
    const d = day(offset);
    for (let i = 0; i < requestsOn(d); i++) {
      const timestamp = `${d}T${String(8 + (i % 10)).padStart(2, '0')}:${String(i).padStart(2, '0')}:00.000Z`;
      if (Date.parse(timestamp) > Date.now()) continue;
      records.push({ requestId: `${provider}-${d}-${i}`, provider, model, timestamp, usage: makeUsage(i) });
    }
  }
  return records;
}

/**
 * Perplexity's native usage for request i: one search, and `cost` as Perplexity bills it — tokens at list
 * price plus the high-context request fee. No `search_context_size`: the product estimates the medium fee
 * (the deliberate difference, see the header). Computed in integer micro-dollars so the amounts are exact.
 */
function perplexityUsage(i) {
  const prompt = 900 + 13 * i;
  const completion = 650 + 7 * i;
  const input = prompt * PERPLEXITY.inputMicroUsdPerToken;
  const output = completion * PERPLEXITY.outputMicroUsdPerToken;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    num_search_queries: 1,
    cost: {
      input_tokens_cost: input / 1e6,
      output_tokens_cost: output / 1e6,
      request_cost: PERPLEXITY.billedFeeMicroUsd / 1e6,
      total_cost: (input + output + PERPLEXITY.billedFeeMicroUsd) / 1e6,
    },
  };
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

/** The first day of this month and of the two before it. */
function subscriptionDays() {
  const now = new Date(STARTED);
  return [2, 1, 0].map((back) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 10));
}

async function seed(providers, keys) {
  const session = await api('POST', '/auth/register', { email: EMAIL, password: PASSWORD, displayName: 'Demo' });
  token = session.accessToken;
  const ws = session.workspaces[0].id;
  await api('PATCH', `/workspaces/${ws}`, { name: 'Demo — Acme AI team' });
  const accounts = {};
  const credentials = { openai: keys.openai.admin, anthropic: keys.anthropic.admin, openrouter: keys.openrouter.management };
  const budgets = { openai: '2500', anthropic: '1500', openrouter: '300' };
  for (const provider of ['openai', 'anthropic', 'openrouter']) {
    const { account } = await api('POST', `/workspaces/${ws}/accounts`, {
      provider,
      displayName: NAMES[provider],
      credentials: credentials[provider],
      baseUrl: providers[provider].baseUrl,
      monthlyBudget: budgets[provider],
    });
    accounts[provider] = account.id;
    await api('POST', `/workspaces/${ws}/accounts/${account.id}/sync`);
    log(`connected ${NAMES[provider]}; backfilling 90 days${PROVIDER_NOTES[provider] ? ` (${PROVIDER_NOTES[provider]})` : ''}`);
  }
  for (const [provider, model, makeUsage] of [
    ['groq', 'llama-3.3-70b-versatile', (i) => ({ prompt_tokens: 1800 + 37 * i, completion_tokens: 420 + 11 * i, total_tokens: 2220 + 48 * i })],
    ['perplexity', 'sonar-pro', perplexityUsage],
  ]) {
    const { account } = await api('POST', `/workspaces/${ws}/accounts`, { provider, displayName: NAMES[provider], syncEnabled: false });
    accounts[provider] = account.id;
    const key = await api('POST', `/workspaces/${ws}/ingest-keys`, { accountId: account.id, name: `${provider}-backend` });
    const records = requestLogs(provider, model, makeUsage);
    await ingest(key.key, records);
    log(`sent 90 days of ${provider} request logs through the ingest API (${records.length} requests)`);
  }
  const { account: seats } = await api('POST', `/workspaces/${ws}/accounts`, { provider: 'custom', displayName: 'ChatGPT Team seats', syncEnabled: false });
  accounts.subscription = seats.id;
  for (const first of subscriptionDays()) {
    await api('POST', `/workspaces/${ws}/manual-entries`, { accountId: seats.id, day: first, model: 'chatgpt-team-seat', amount: '300', currency: 'USD' });
  }
  log('recorded a monthly subscription ($300 on the 1st of each month) as manual entries');
  return { ws, accounts };
}

/** Days of the account's usage in the product (the daily series), for the sync lines. */
async function daysWithUsage(ws, head) {
  const series = await api('GET', `/workspaces/${ws}/usage/daily?from=${day(-120)}&to=${day(0)}&groupBy=account&waitFor=${head}`);
  const days = new Map();
  for (const point of series.points) {
    if (!days.has(point.key)) days.set(point.key, new Set());
    days.get(point.key).add(point.day);
  }
  return (accountId) => days.get(accountId)?.size ?? 0;
}

async function waitForSyncs(ws, accounts) {
  const deadline = Date.now() + 120_000;
  const runs = {};
  for (const provider of ['openai', 'anthropic', 'openrouter']) {
    for (;;) {
      const last = (await api('GET', `/workspaces/${ws}/accounts/${accounts[provider]}/sync-runs`)).items[0];
      if (last && last.status !== 'running') {
        if (last.status !== 'succeeded') throw new Error(`${provider} sync failed: ${last.error?.message}`);
        runs[provider] = last;
        break;
      }
      if (Date.now() > deadline) throw new Error(`${provider} sync still running after 120 s`);
      await sleep(500);
    }
  }
  const head = (await api('GET', '/health')).eventStore.headPosition;
  const usageDays = await daysWithUsage(ws, head);
  for (const provider of ['openai', 'anthropic', 'openrouter']) {
    const run = runs[provider];
    const note = PROVIDER_NOTES[provider] ? ` (${PROVIDER_NOTES[provider]})` : '';
    log(`${provider}: synced ${run.daysDone}/${run.daysTotal} days, ${run.appended} observations, usage on ${usageDays(accounts[provider])} days${note}`);
  }
}

/**
 * The price change: set the price from PRICE_CHANGE.effectiveFrom, then wait (bounded) for the recompute it
 * starts to finish and its cost version to become the active one. Throws with what went wrong.
 */
async function priceChange(ws) {
  const applied = await api('POST', `/workspaces/${ws}/prices`, PRICE_CHANGE);
  if (!applied.recompute && !applied.queuedBehind) {
    throw new Error(
      `the price for ${PRICE_CHANGE.provider}/${PRICE_CHANGE.model} from ${PRICE_CHANGE.effectiveFrom} repriced no recorded usage ` +
        `(rowsChanged ${applied.rowsChanged}, no recompute started): does the model match the usage?`,
    );
  }
  // One recompute per workspace at a time: a change made meanwhile is queued, and gets its own version later.
  const deadline = Date.now() + 60_000;
  let progress;
  let version;
  for (;;) {
    if (applied.recompute) {
      progress = await api('GET', `/workspaces/${ws}/recomputes/${applied.recompute.recomputeId}`);
    }
    const versions = (await api('GET', `/workspaces/${ws}/cost-versions`)).items;
    version = versions.find((v) => (applied.recompute ? v.version === applied.recompute.version : v.causes.some((c) => c.priceSetId === applied.priceSetId)));
    if (version?.status === 'active' && (!progress || progress.state === 'done')) break;
    if (Date.now() > deadline) {
      const state = progress
        ? `recompute ${progress.recomputeId} is ${progress.state}, ${progress.rowsDone}/${progress.rowsTotal} rows${progress.lastError ? `, last error: ${progress.lastError}` : ''}`
        : `queued behind recompute ${applied.queuedBehind}`;
      throw new Error(`the price change's recompute did not finish within 60 s (${state}; cost version ${version ? `${version.version} is ${version.status}` : 'not created'})`);
    }
    await sleep(250);
  }
  const summary = await api('GET', `/workspaces/${ws}/usage/summary?month=${day(0).slice(0, 7)}`);
  if (summary.currentCostVersion !== version.version) {
    throw new Error(`the recompute finished but the summary reads cost version ${summary.currentCostVersion}, not ${version.version}`);
  }
  log(
    `price change: a negotiated price for ${PRICE_CHANGE.model} from ${PRICE_CHANGE.effectiveFrom} (20% off list); ` +
      `cost version ${version.version} active, recompute done (${version.rowsChanged} rows repriced, ${usd(version.delta)})`,
  );
  return version.version;
}

/** Each property the demo promises, verified through the public API. Returns the failures (logs each result). */
async function verify(ws, accounts, costVersion) {
  const head = (await api('GET', '/health')).eventStore.headPosition;
  const checks = {
    async accounts() {
      const list = (await api('GET', `/workspaces/${ws}/accounts?waitFor=${head}`)).items;
      if (list.length < 6) throw new Error(`expected 6 accounts, found ${list.length}`);
      return `${list.length} accounts`;
    },
    async 'weekday pattern'() {
      // Complete days only (not today, nor yesterday whose late data may still grow), without the anomaly day
      // and the subscription (a manual entry on the 1st is not usage).
      const series = await api('GET', `/workspaces/${ws}/usage/daily?from=${day(-89)}&to=${day(-2)}&groupBy=provider&waitFor=${head}`);
      const totals = new Map();
      for (const p of series.points) {
        if (p.key === 'custom' || p.day === ANOMALY_DAY) continue;
        totals.set(p.day, (totals.get(p.day) ?? 0) + Number(p.estimated));
      }
      const mean = (list) => list.reduce((a, b) => a + b, 0) / list.length;
      const weekdays = [...totals].filter(([d]) => !isWeekend(d)).map(([, v]) => v);
      const weekends = [...totals].filter(([d]) => isWeekend(d)).map(([, v]) => v);
      if (weekdays.length < 20 || weekends.length < 8) throw new Error(`too few days in the daily series: ${weekdays.length} weekdays, ${weekends.length} weekend days`);
      const ratio = mean(weekdays) / mean(weekends);
      const line = `weekday mean ${usd(mean(weekdays))}/day vs weekend ${usd(mean(weekends))}/day (×${ratio.toFixed(2)}, ${weekdays.length}+${weekends.length} days)`;
      if (!(ratio >= 1.5)) throw new Error(`${line}: expected weekdays at least 1.5× weekends`);
      return line;
    },
    async 'anomaly day'() {
      const report = await api('GET', `/workspaces/${ws}/anomalies?days=14&waitFor=${head}`);
      const flagged = report.items.filter((a) => a.day === ANOMALY_DAY && a.kind === 'spike' && a.scope.kind === 'account');
      if (flagged.length === 0) {
        const days = [...new Set(report.items.map((a) => a.day))].join(', ') || 'none';
        throw new Error(`${ANOMALY_DAY} is not reported as a spike of any account (days reported from ${report.from} to ${report.through}: ${days})`);
      }
      return `${ANOMALY_DAY} reported as a spike: ${flagged.map((a) => `${a.scope.label} ${usd(a.cost)} vs ${usd(a.expected)} expected`).join(', ')}`;
    },
    async 'price change'() {
      if (costVersion === undefined) throw new Error('no new cost version (see the price change error above)');
      const versions = (await api('GET', `/workspaces/${ws}/cost-versions`)).items;
      const active = versions.filter((v) => v.status === 'active').map((v) => v.version);
      if (active.length !== 1 || active[0] !== costVersion || costVersion < 2) {
        throw new Error(`expected cost version ${costVersion} (≥ 2) to be the one active, active: ${active.join(', ') || 'none'}`);
      }
      return `cost version ${costVersion} active (${versions.length} versions)`;
    },
    async 'reconciled vs estimated'() {
      const d = day(-3);
      const audit = await api('GET', `/workspaces/${ws}/audit?month=${d.slice(0, 7)}&waitFor=${head}`);
      const cell = audit.cells.find((c) => c.accountId === accounts.perplexity && c.day === d);
      if (!cell) throw new Error(`the audit of ${d.slice(0, 7)} has no Perplexity cell on ${d}`);
      const requests = requestsOn(d);
      const expected = (requests * (PERPLEXITY.billedFeeMicroUsd - PERPLEXITY.estimatedFeeMicroUsd)) / 1e6;
      const line = `Perplexity on ${d}: billed ${cell.reconciled}, estimated ${cell.estimated}, difference ${cell.difference}`;
      if (cell.reconciled === null || cell.estimated === null || cell.difference === null || Number(cell.reconciled) === Number(cell.estimated)) {
        throw new Error(`${line}: expected billed ≠ estimated`);
      }
      if (Math.abs(Number(cell.difference) - expected) > 1e-9) {
        throw new Error(`${line}: expected the high-vs-medium search fee, ${requests} requests × $0.004 = $${expected.toFixed(3)}`);
      }
      return `${line} (${requests} requests × $0.004: high search-context fee billed, medium estimated)`;
    },
    async 'month summary'() {
      // The month of yesterday: on the 1st, this month has no complete day of request logs yet.
      const month = day(-1).slice(0, 7);
      const summary = await api('GET', `/workspaces/${ws}/usage/summary?month=${month}&waitFor=${head}`);
      const provider = (key) => summary.byProvider.find((r) => r.key === key);
      const groq = provider('groq');
      const perplexity = provider('perplexity');
      const seats = summary.byAccount.find((r) => r.key === accounts.subscription);
      const missing = [];
      if (!(Number(groq?.estimated) > 0)) missing.push(`Groq (${JSON.stringify(groq ?? null)})`);
      if (!(Number(perplexity?.estimated) > 0 && Number(perplexity?.reconciled) > 0)) missing.push(`Perplexity (${JSON.stringify(perplexity ?? null)})`);
      if (!seats || ![seats.estimated, seats.reconciled].some((v) => Number(v) === 300)) missing.push(`the $300 subscription (${JSON.stringify(seats ?? null)})`);
      if (missing.length) throw new Error(`the ${month} summary lacks ${missing.join(', ')}`);
      return `${month}: Groq ${usd(groq.estimated)} estimated, Perplexity ${usd(perplexity.estimated)} estimated / ${usd(perplexity.reconciled)} billed, subscription ${usd(300)}`;
    },
  };
  const failures = [];
  for (const [name, check] of Object.entries(checks)) {
    try {
      log(`verified ${name}: ${await check()}`);
    } catch (error) {
      failures.push(name);
      console.error(`demo: NOT VERIFIED ${name}: ${error.message}`);
    }
  }
  return failures;
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
    let costVersion;
    try {
      costVersion = await priceChange(ws);
    } catch (error) {
      // Visible in every mode: without it the Cost versions page shows only version 1.
      console.error(`demo: PRICE CHANGE FAILED: ${error.message}`);
    }
    log(`workspace populated in ${seconds()} s`);
    const failures = await verify(ws, accounts, costVersion);
    if (CHECK) {
      if (failures.length) throw new Error(`check failed: ${failures.length} of 6 properties not verified (${failures.join(', ')})`);
      log(`check passed: 6 of 6 properties verified in ${seconds()} s`);
      await stop(0);
      return;
    }
    if (failures.length) console.error(`demo: WARNING: ${failures.length} of 6 properties not verified (${failures.join(', ')}); the demo keeps running.`);
    console.log(`\n  AI Cost Tracker demo is running at http://localhost:${PORT}\n  Sign in as ${EMAIL} / ${PASSWORD}\n  (Ctrl-C stops it; the data is in ${DATA_DIR})\n`);
  } catch (error) {
    console.error(`demo: ${error.message}`);
    await stop(1);
  }
}

main();
