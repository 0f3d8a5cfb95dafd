import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Decimal } from 'decimal.js';
import { type APIRequestContext, type APIResponse, type Browser, type Page, request } from 'playwright-core';
import { launchChromium } from './support/browser';
import { RunningServer, startServer, stopServer } from './support/server';
import { PASSWORD, uniqueEmail } from './support/session';
import { seedUsage, signInContext, utcDay } from './support/usage-seed';
import { ReceivedWebhook, WebhookReceiver, startWebhookReceiver, verifyWebhookSignature } from './support/webhook-receiver';
import { workspaceRoot } from './support/workspace';

/**
 * The budgets journey in Chromium against the built product, on a server of its own that may post
 * webhooks to loopback (WEBHOOK_ALLOW_PRIVATE_NETWORKS=true; the shared server refuses them, as a
 * production one would): sign in, define a budget and a signed webhook channel in the UI, ingest
 * usage past 80% through the ingest API, check the rules from the UI, see the alert and
 * acknowledge it, and check that the local receiver got exactly one alert delivery whose
 * HMAC-SHA256 signature over timestamp + body verifies with the secret the UI showed once. The
 * overview then shows the forecast band against the budget and the budget bar.
 *
 * Screenshot of the budgets page: docs/images/budgets.png with UPDATE_SCREENSHOTS=1, otherwise in
 * a temporary directory.
 */
jest.setTimeout(180_000);

const TIMEOUT_MS = 30_000;

describe('budgets journey', () => {
  let server: RunningServer;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let api: APIRequestContext;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    server = await startServer({
      env: {
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
        // Deliveries go out promptly; the scheduled evaluation stays out of the way (the test checks now).
        NOTIFY_POLL_INTERVAL_MS: '200',
        ALERT_EVALUATION_SECONDS: '3600',
      },
    });
    api = await request.newContext({ baseURL: server.baseUrl });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.dispose();
    if (server) await stopServer(server);
    await receiver?.close();
  });

  async function ok(response: APIResponse, what: string): Promise<Record<string, unknown>> {
    if (!response.ok()) throw new Error(`${what} failed: ${response.status()} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }

  /** Waits for a condition the server reaches by itself (delivery by the outbox loop), with a deadline. */
  async function eventually<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      const value = await probe();
      if (value !== null) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  function alertWebhooks(): ReceivedWebhook[] {
    return receiver.received.filter((w) => (JSON.parse(w.body) as { type: string }).type === 'alert.raised');
  }

  it('defines a budget, raises and acknowledges the 80% alert, and delivers one signed webhook', async () => {
    // A fresh user and workspace, an account and an ingest key: set up through the API.
    const email = uniqueEmail('budgets-journey');
    const session = await ok(await api.post('/api/v1/auth/register', { data: { email, password: PASSWORD, displayName: 'Bea' } }), 'Registering');
    const auth = { authorization: `Bearer ${String(session['accessToken'])}` };
    const ws = `/api/v1/workspaces/${(session['workspaces'] as { id: string }[])[0]?.id}`;
    const account = ((await ok(await api.post(`${ws}/accounts`, { data: { provider: 'groq', displayName: 'Groq (chat app)' }, headers: auth }), 'Connecting')) as { account: { id: string } }).account;
    const key = (await ok(await api.post(`${ws}/ingest-keys`, { data: { accountId: account.id, name: 'journey' }, headers: auth }), 'Creating a key'))['key'] as string;

    const now = Date.now();
    const today = utcDay(now);
    const thisMonth = today.slice(0, 7);
    let batch = 0;
    /** Today's usage of a priced model; cost is linear in the tokens, so `scale` scales the spend. */
    async function ingest(scale: number): Promise<string> {
      batch += 1;
      const records = [
        {
          requestId: `journey-${batch}`,
          provider: 'groq',
          model: 'llama-3.3-70b-versatile',
          timestamp: new Date(now - 60_000).toISOString(),
          usage: { prompt_tokens: 1_000_000 * scale, completion_tokens: 200_000 * scale },
        },
      ];
      const answer = await ok(await api.post('/api/v1/ingest/usage', { data: { records }, headers: { authorization: `Bearer ${key}` } }), 'Ingesting');
      if (answer['rejected'] !== 0) throw new Error(`Ingest rejected records: ${JSON.stringify(answer['errors'])}`);
      return answer['position'] as string;
    }
    const first = await ingest(10);
    const summary = await ok(await api.get(`${ws}/usage/summary?month=${thisMonth}&waitFor=${first}`, { headers: auth }), 'Reading the summary');
    const spent = new Decimal(summary['estimated'] as string);
    expect(spent.gt(0)).toBe(true);
    // The budget: spend is 40% of it now, 88% after the second batch (1.2 × the first).
    const amount = spent.times(2.5).toDecimalPlaces(2, Decimal.ROUND_UP);

    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page: Page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    try {
      await signInContext(page.context().request, email);
      await page.goto('/budgets');
      await page.getByTestId('budgets-page').waitFor();

      // Define the budget in the UI (whole workspace, default thresholds 50/80/100).
      await page.getByTestId('budget-new').click();
      expect(await page.getByTestId('budget-thresholds').inputValue()).toBe('50, 80, 100');
      await page.getByTestId('budget-name').fill('Monthly AI spend');
      await page.getByTestId('budget-amount').fill(amount.toFixed(2));
      await page.getByTestId('budget-save').click();
      const bar = page.getByTestId('budget-bar').filter({ hasText: 'Monthly AI spend' });
      await bar.waitFor();
      expect(await bar.getByTestId('budget-bar-percent').textContent()).toMatch(/^(39\.\d|40\.0)%$/);

      // A generic webhook channel for threshold alerts of warning and above; the secret shows once.
      await page.getByTestId('channel-new').click();
      await page.getByTestId('channel-kind').selectOption('webhook');
      await page.getByTestId('channel-name-input').fill('Local receiver');
      await page.getByTestId('channel-url').fill(receiver.url);
      await page.getByTestId('channel-min-severity').selectOption('warning');
      for (const kind of ['forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage', 'low-credit']) {
        await page.getByTestId(`channel-kind-${kind}`).locator('input').uncheck();
      }
      await page.getByTestId('channel-save').click();
      const secret = await page.getByTestId('channel-secret').inputValue();
      expect(secret).toMatch(/^whsec_/);
      await page.getByTestId('channel-row').filter({ hasText: 'Local receiver' }).waitFor();

      // Test-send from the UI: the receiver gets a signed test message.
      await page.getByTestId('channel-row').filter({ hasText: 'Local receiver' }).getByTestId('channel-test').click();
      await page.getByTestId('channel-message').filter({ hasText: 'Test message delivered' }).waitFor();
      const test = receiver.received.find((w) => (JSON.parse(w.body) as { type: string }).type === 'test');
      expect(test && verifyWebhookSignature(secret, test)).toBe(true);

      // More usage: past 80% of the budget.
      const second = await ingest(12);
      const budgets = await ok(await api.get(`${ws}/budgets?waitFor=${second}`, { headers: auth }), 'Reading budgets');
      expect((budgets['items'] as { percentUsed: number }[])[0]?.percentUsed).toBeGreaterThanOrEqual(80);

      // Check the rules now, from the UI (a check skipped while read models catch up is retried).
      await eventually('an evaluation that ran', async () => {
        await page.getByTestId('alerts-evaluate').click();
        const text = await page.getByTestId('alerts-evaluation').textContent();
        return text && text.startsWith('Checked') ? text : (await page.waitForTimeout(300), null);
      });
      // The check reads the budgets again: the bar shows the new spend.
      await page.getByTestId('budget-bar').filter({ hasText: 'Monthly AI spend' }).and(page.locator('[data-tone="warning"]')).waitFor();
      expect(await bar.getByTestId('budget-bar-percent').textContent()).toMatch(/^8[5-9]\.\d%$/);
      const alert = page.getByTestId('alert-row').filter({ hasText: '80% of the monthly budget reached' });
      await alert.waitFor();
      expect(await alert.getAttribute('data-status')).toBe('open');
      expect(await page.getByTestId('alert-row').filter({ hasText: '50% of the monthly budget reached' }).count()).toBe(1);
      expect(await page.getByTestId('alert-row').filter({ hasText: '100% of the monthly budget' }).count()).toBe(0);

      // Acknowledge it in the UI.
      await alert.getByTestId('alert-ack').click();
      await page.locator('[data-testid="alert-row"][data-status="acknowledged"]').filter({ hasText: '80% of the monthly budget reached' }).waitFor();
      expect(await alert.getByTestId('alert-ack').count()).toBe(0);

      // The outbox delivered the 80% alert (warning) to the receiver; the 50% one (info) is below the channel's minimum.
      const delivered = await eventually('the alert delivery', async () => {
        const answer = await ok(await api.get(`${ws}/deliveries`, { headers: auth }), 'Reading deliveries');
        const items = (answer['items'] as { purpose: string; status: string }[]).filter((d) => d.purpose === 'alert');
        return items.length > 0 && items.every((d) => d.status === 'delivered') && alertWebhooks().length > 0 ? items : null;
      });
      expect(delivered).toHaveLength(1);
      const webhooks = alertWebhooks();
      expect(webhooks).toHaveLength(1);
      const [webhook] = webhooks as [ReceivedWebhook];
      expect(verifyWebhookSignature(secret, webhook)).toBe(true);
      expect(verifyWebhookSignature(`${secret}x`, webhook)).toBe(false);
      const body = JSON.parse(webhook.body) as { type: string; alert?: { kind: string; title: string } };
      expect(body.alert?.kind).toBe('budget-threshold');
      expect(body.alert?.title).toContain('80%');

      // The delivery history in the UI shows it with its attempt.
      await page.getByTestId('channel-row').filter({ hasText: 'Local receiver' }).getByTestId('channel-history').click();
      await page.locator('[data-testid="delivery-row"][data-purpose="alert"][data-status="delivered"]').waitFor();
      expect(await page.getByTestId('delivery-attempt').first().textContent()).toMatch(/#1 .* delivered \(HTTP 200/);

      // Exactly one, also later: another evaluation raises nothing new, and once the dispatcher has
      // had several more rounds the receiver still holds one alert delivery.
      const again = await ok(await api.post(`${ws}/alerts/evaluate`, { headers: auth }), 'Evaluating again');
      expect(again).toMatchObject({ skipped: null, raised: 0 });
      await page.waitForTimeout(3_000);
      expect(alertWebhooks()).toHaveLength(1);
      const afterwards = await ok(await api.get(`${ws}/deliveries`, { headers: auth }), 'Reading deliveries again');
      expect((afterwards['items'] as { purpose: string }[]).filter((d) => d.purpose === 'alert')).toHaveLength(1);

      const target =
        process.env['UPDATE_SCREENSHOTS'] === '1'
          ? path.join(workspaceRoot, 'docs/images/budgets.png')
          : path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'act-e2e-budgets-')), 'budgets.png');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      await page.getByTestId('channel-history').first().click();
      await page.getByTestId('budgets-section').scrollIntoViewIfNeeded();
      await page.screenshot({ path: target });
      console.log(`web-e2e: budgets screenshot saved to ${target}`);

      // The overview: the forecast band against the budget, the budget bar, no open alert left.
      await page.goto('/');
      await page.getByTestId('dashboard-page').waitFor();
      const forecast = page.getByTestId('dashboard-forecast');
      await forecast.locator('svg path.line').first().waitFor({ state: 'attached' });
      // The 80% and 95% bands (ranges) and the budget as a reference line.
      await forecast.locator('svg path.area').first().waitFor({ state: 'attached' });
      await forecast.locator('.ref-line').first().waitFor({ state: 'attached' });
      expect(await forecast.locator('.ref-line').textContent()).toContain('Budget $');
      const dashBar = page.getByTestId('dashboard-budgets').getByTestId('budget-bar').filter({ hasText: 'Monthly AI spend' });
      expect(await dashBar.getByTestId('budget-bar-percent').textContent()).toMatch(/^(8[0-9]|9[0-9])\.\d%$/);
      expect(await dashBar.getAttribute('data-tone')).toBe('warning');
      // Active alerts: the acknowledged 80% one without a button, the 50% one still to acknowledge.
      const acknowledged = page.getByTestId('dashboard-alerts').locator('[data-testid="alert-row"][data-status="acknowledged"]');
      await acknowledged.filter({ hasText: '80% of the monthly budget reached' }).waitFor();
      expect(await acknowledged.getByTestId('alert-ack').count()).toBe(0);
      const open = page.getByTestId('dashboard-alerts').locator('[data-testid="alert-row"][data-status="open"]');
      expect(await open.filter({ hasText: '50% of the monthly budget reached' }).getByTestId('alert-ack').count()).toBe(1);
      expect(await page.getByTestId('dashboard-alerts').getByTestId('alert-list-empty').count()).toBe(0);

      // Acknowledge the other one right here.
      await open.filter({ hasText: '50% of the monthly budget reached' }).getByTestId('alert-ack').click();
      await acknowledged.filter({ hasText: '50% of the monthly budget reached' }).waitFor();
      await page.getByTestId('dashboard-alerts').getByTestId('alert-ack').waitFor({ state: 'detached' });

      // The forecast page: the workspace series, flagged (all of the usage is from today), and the budget's crossing.
      await page.getByTestId('dashboard-forecast-link').click();
      await page.getByTestId('forecast-row').first().waitFor();
      expect(await page.getByTestId('forecast-flag').first().textContent()).toContain('the interval is wide on purpose');
      await page.getByTestId('forecast-chart').locator('svg path.area').first().waitFor({ state: 'attached' });
      expect(await page.getByTestId('forecast-budget').filter({ hasText: 'Monthly AI spend' }).textContent()).toContain(`of $${amount.toFixed(2)}`);
      await page.getByTestId('forecast-group-by').selectOption('account');
      await page.getByTestId('forecast-label').filter({ hasText: 'Groq (chat app)' }).waitFor();
      await page.goto('/');
      await page.getByTestId('dashboard-budgets').waitFor();

      // A picture of the overview's budgets row, outside the repository (docs/images/dashboard.png is the usage pages' own).
      await page.getByTestId('dashboard-budgets').scrollIntoViewIfNeeded();
      await page.waitForTimeout(1200); // the chart animations, for the picture only
      const overview = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'act-e2e-overview-')), 'overview-budgets.png');
      await page.screenshot({ path: overview });
      console.log(`web-e2e: overview screenshot saved to ${overview}`);

      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('marks a spike of an account on the usage chart, with its severity', async () => {
    // Two months of weekday-shaped usage, then yesterday ten times the usual on the OpenAI account.
    const seed = await seedUsage(api, 'budgets-anomaly');
    const auth = { authorization: `Bearer ${seed.accessToken}` };
    const ws = `/api/v1/workspaces/${seed.workspaceId}`;
    const key = (await ok(await api.post(`${ws}/ingest-keys`, { data: { accountId: seed.accounts.openai, name: 'spike' }, headers: auth }), 'Creating a key'))['key'] as string;
    const yesterday = utcDay(Date.now() - 86_400_000);
    const records = [
      {
        requestId: `spike-${yesterday}`,
        provider: 'openai',
        model: 'gpt-4o',
        timestamp: `${yesterday}T18:00:00.000Z`,
        usage: { prompt_tokens: 20_000_000, completion_tokens: 4_000_000 },
      },
    ];
    const answer = await ok(await api.post('/api/v1/ingest/usage', { data: { records }, headers: { authorization: `Bearer ${key}` } }), 'Ingesting the spike');
    expect(answer['rejected']).toBe(0);

    const context = await browser.newContext({ baseURL: server.baseUrl, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    try {
      await signInContext(page.context().request, seed.email);
      const from = utcDay(Date.now() - 20 * 86_400_000);
      await page.goto(`/usage?from=${from}&to=${seed.today}&groupBy=account`);
      await page.getByTestId('usage-chart').locator('svg path.bar').first().waitFor();
      const spike = page.locator(`[data-testid="usage-anomaly"][data-kind="spike"]`).filter({ hasText: 'OpenAI production' });
      await spike.first().waitFor();
      const label = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${yesterday}T00:00:00Z`));
      expect(await spike.first().textContent()).toContain(`▲ ${label} · OpenAI production`);
      expect(['warning', 'critical']).toContain(await spike.first().getAttribute('data-severity'));
      // The day's tick on the chart carries the mark too.
      expect(await page.getByTestId('usage-chart').locator('g.tick text').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining(`${label} ▲`)]));
    } finally {
      await context.close();
    }
  });
});
