import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type APIRequestContext, type Page, request } from 'playwright-core';
import { baseUrl, useBrowser } from './support/e2e-page';
import { SeededWorkspace, seedUsage, signInContext } from './support/usage-seed';
import { workspaceRoot } from './support/workspace';

/**
 * The usage pages in Chromium against the built product, on one workspace seeded through the API
 * before the tests (accounts, ingest keys, per-request usage since the start of last month, a
 * manual entry); each test signs its own browser in as that user: the dashboard, the usage
 * explorer with a CSV export, the audit with its chips, drill-down and month close, and a price
 * override from preview to a finished recompute (last, as it reprices the workspace).
 *
 * The dashboard test also takes the README's screenshot (1280×800). It lands in
 * docs/images/dashboard.png with UPDATE_SCREENSHOTS=1, otherwise in a temporary directory, so a
 * plain run leaves the repository untouched.
 */
// Each test seeds its own workspace first (about two months of usage through the API).
jest.setTimeout(90_000);

describe('usage pages', () => {
  const e2e = useBrowser({ width: 1280, height: 800 });
  let api: APIRequestContext;
  let seed: SeededWorkspace;

  beforeAll(async () => {
    api = await request.newContext({ baseURL: baseUrl() });
    seed = await seedUsage(api, 'usage-pages');
  });

  afterAll(async () => {
    await api?.dispose();
  });

  async function signedIn(page: Page): Promise<void> {
    await signInContext(page.context().request, seed.email);
  }

  async function texts(page: Page, testId: string): Promise<string[]> {
    return (await page.getByTestId(testId).allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  e2e('the dashboard shows month-to-date totals, the charts, top accounts and what needs attention', async (page) => {
    await signedIn(page);
    await page.goto('/');
    await page.getByTestId('dashboard-page').waitFor();

    const estimated = page.getByTestId('dashboard-estimated');
    await estimated.filter({ hasText: /\$\d/ }).waitFor();
    // Some usage is unpriced, so the estimate is a lower bound and says so.
    expect(await estimated.textContent()).toMatch(/^\s*at least \$[\d,]+\.\d{2}\s*$/);
    expect(await page.getByTestId('dashboard-reconciled').textContent()).toMatch(/\$[\d,]+\.\d{2}/);
    expect(await page.getByTestId('dashboard-unpriced').getAttribute('data-status')).toBe('unpriced');
    expect(Number(await page.getByTestId('dashboard-unpriced').getAttribute('data-count'))).toBeGreaterThan(0);
    expect(await page.getByTestId('dashboard-pending').getAttribute('data-status')).toBe('pending');

    // Both charts are drawn (ngx-charts SVG), on the chart route's own animation provider.
    await page.getByTestId('dashboard-by-provider').locator('svg path.arc').first().waitFor();
    await page.getByTestId('dashboard-by-model').locator('svg path.bar').first().waitFor();
    expect(await texts(page, 'chart-legend-name')).toEqual(expect.arrayContaining(['OpenAI', 'Groq']));
    expect(await texts(page, 'top-account-name')).toEqual(
      expect.arrayContaining(['OpenAI production', 'Groq (chat app)', 'Self-hosted Llama']),
    );

    await page.getByTestId('overview-health-text').filter({ hasText: 'Server is healthy' }).waitFor();
    // Let the chart animations finish before the picture.
    await page.waitForTimeout(1200);
    const target =
      process.env['UPDATE_SCREENSHOTS'] === '1'
        ? path.join(workspaceRoot, 'docs/images/dashboard.png')
        : path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'act-e2e-dashboard-')), 'dashboard.png');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    await page.screenshot({ path: target });
    expect(fs.statSync(target).size).toBeGreaterThan(10_000);
    console.log(`web-e2e: dashboard screenshot saved to ${target}`);

    await page.getByTestId('dashboard-explore').click();
    await page.waitForURL(/\/usage\?from=\d{4}-\d{2}-01&to=.*&groupBy=account/);
    await page.getByTestId('usage-total-row').first().waitFor();
  });

  e2e('the usage explorer filters by range and group, drills down and exports a CSV file', async (page) => {
    await signedIn(page);
    await page.goto(`/usage?from=${seed.lastMonth}-01&to=${seed.today}&groupBy=provider`);
    await page.getByTestId('usage-total-row').first().waitFor();
    expect(await texts(page, 'usage-total-group')).toEqual(expect.arrayContaining(['OpenAI', 'Groq']));
    await page.getByTestId('usage-chart').locator('svg path.bar').first().waitFor();

    // Group by model: the URL and the table follow.
    await page.getByTestId('usage-group-by-model').click();
    await page.waitForURL(/groupBy=model/);
    await page.getByTestId('usage-total-group').filter({ hasText: 'gpt-4o-mini' }).waitFor();
    expect(await texts(page, 'usage-total-group')).toEqual(expect.arrayContaining(['gpt-4o-mini', 'gpt-4o', 'llama-3.3-70b-versatile']));

    // Narrow the range to this month only.
    await page.getByTestId('usage-from').fill(`${seed.thisMonth}-01`);
    await page.getByTestId('usage-from').dispatchEvent('change');
    await page.waitForURL(new RegExp(`from=${seed.thisMonth}-01`));
    await page.waitForFunction(
      (month) => Array.from(document.querySelectorAll('[data-testid="usage-day"]')).every((cell) => cell.textContent?.trim().startsWith(month)),
      seed.thisMonth,
    );

    // Drill down: the observations behind a day of a model.
    const row = page.getByTestId('usage-day-row').filter({ hasText: 'gpt-4o-mini' }).first();
    await row.getByTestId('usage-day-open').click();
    await page.getByTestId('usage-events').getByTestId('observation-row').first().waitFor();
    expect(await texts(page, 'observation-source')).toContain('request-log');
    expect(await page.getByTestId('observation-model').first().textContent()).toContain('gpt-4o-mini');

    // Export: fetched with the bearer token, handed to the browser as a download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('usage-export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const file = await download.path();
    const csv = fs.readFileSync(file, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toMatch(/,/);
    expect(lines.length).toBeGreaterThan(0);
    expect(csv).toContain('gpt-4o-mini');
    expect(csv).not.toContain(`${seed.lastMonth}-0`);
  });

  e2e('the audit shows status chips per account and day, drills down to a cell and closes last month', async (page) => {
    await signedIn(page);
    await page.goto(`/audit?month=${seed.thisMonth}`);
    await page.getByTestId('audit-matrix').waitFor();
    await page.getByTestId('cost-status-legend').waitFor();

    const statuses = async () =>
      new Set(await page.getByTestId('audit-cell').evaluateAll((cells) => cells.map((cell) => (cell as HTMLElement).dataset['status'])));
    // Today's request logs are not final and hold a model without a price; the subscription's amount counts as billed.
    const thisMonthStatuses = await statuses();
    expect([...thisMonthStatuses]).toEqual(expect.arrayContaining(['unpriced', 'reconciled']));
    // Earlier days of the month (if any) are final and estimated; today's logs of priced models are pending.
    expect(thisMonthStatuses.has('estimated') || thisMonthStatuses.has('pending')).toBe(true);
    expect(await texts(page, 'audit-account')).toEqual(expect.arrayContaining(['OpenAI production', 'Groq (chat app)', 'Self-hosted Llama']));

    // Last month: every day estimated from final request logs; drill into one cell.
    await page.getByTestId('audit-prev-month').click();
    await page.waitForURL(new RegExp(`month=${seed.lastMonth}`));
    await page.locator(`[data-testid="audit-cell"][data-day="${seed.lastMonth}-10"][data-status="manual"]`).waitFor();
    const openaiRow = page.getByTestId('audit-row').filter({ hasText: 'OpenAI production' });
    const cell = openaiRow.locator(`[data-testid="audit-cell"][data-day="${seed.lastMonth}-05"]`);
    expect(await cell.getAttribute('data-status')).toBe('estimated');
    await cell.click();
    const detail = page.getByTestId('audit-detail');
    await detail.getByTestId('audit-line-row').first().waitFor();
    expect(await detail.getByTestId('audit-line-name').allTextContents()).toEqual(expect.arrayContaining(['gpt-4o-mini', 'gpt-4o']));
    await detail.getByTestId('observation-row').first().waitFor();
    expect(await detail.getByTestId('observation-source').first().textContent()).toBe('request-log');
    expect(await detail.getByTestId('observation-price-version').first().textContent()).toMatch(/catalogue from \d{4}-\d{2}-\d{2}/);
    await detail.getByTestId('observation-raw').first().locator('summary').click();
    // Request logs keep what the day total was folded from.
    expect(await detail.getByTestId('observation-raw').first().textContent()).toContain('"requests"');

    // Close last month (an owner, after confirming): its figures are frozen.
    await page.getByTestId('audit-close-month').click();
    await page.getByTestId('confirm-accept').click();
    await page.getByTestId('audit-closed').waitFor();
    expect(await page.getByTestId('audit-closed').textContent()).toContain('is closed');
    expect(await page.getByTestId('audit-close-month').count()).toBe(0);
  });

  e2e('pricing: search the catalogue, preview an override per month and model, apply it and follow the recompute', async (page) => {
    await signedIn(page);
    await page.goto('/prices');
    await page.getByTestId('prices-search').fill('gpt-4o-mini');
    await page.locator('[data-testid="price-row"][data-provider="openai"][data-model="gpt-4o-mini"]').click();
    await page.getByTestId('price-history-row').first().waitFor();
    expect(await texts(page, 'price-history-source')).toContain('Catalogue');

    // The form is filled in from the selection; a negotiated rate from the start of last month.
    expect(await page.getByTestId('override-model').inputValue()).toBe('gpt-4o-mini');
    expect(await page.getByTestId('override-provider').inputValue()).toBe('openai');
    await page.getByTestId('override-effective-from').fill(`${seed.lastMonth}-01`);
    await page.getByTestId('override-price-input').fill('0.3');
    await page.getByTestId('override-price-output').fill('1.2');
    await page.getByTestId('override-preview').click();

    const preview = page.getByTestId('override-preview-result');
    await preview.waitFor();
    expect(await page.getByTestId('override-preview-delta').textContent()).toMatch(/^\+\$[\d,]+\.\d{2}$/);
    const months = await preview.getByTestId('override-preview-month').allTextContents();
    expect(months.join(' ')).toContain(seed.lastMonth);
    expect(months.join(' ')).toContain(seed.thisMonth);
    expect((await preview.getByTestId('override-preview-model').allTextContents()).join(' ')).toContain('gpt-4o-mini');

    await page.getByTestId('override-apply').click();
    await page.locator('[data-testid="recompute-progress"][data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('recompute-progress-text').textContent()).toMatch(/Done: cost version 2 is current/);

    // The new version is listed, and the history shows the override.
    await page.getByTestId('cost-version-row').filter({ hasText: 'active' }).filter({ hasText: /^\s*2/ }).first().waitFor();
    await page.getByTestId('price-history-source').filter({ hasText: 'Workspace override' }).first().waitFor();
    await page.getByTestId('cost-version-row').filter({ hasText: 'active' }).first().click();
    await page.getByTestId('cost-version-delta').filter({ hasText: 'gpt-4o-mini' }).first().waitFor();

    // Both versions stay readable: the overview reads version 1 on request.
    await page.getByTestId('nav-overview').click();
    const estimated = page.getByTestId('dashboard-estimated');
    await estimated.filter({ hasText: /\$\d/ }).waitFor();
    const current = (await estimated.textContent())?.trim();
    await page.getByTestId('dashboard-version').selectOption('1');
    await page.waitForFunction(
      (before) => document.querySelector('[data-testid="dashboard-estimated"]')?.textContent?.trim() !== before,
      current,
    );
    expect((await estimated.textContent())?.trim()).not.toBe(current);
  });

  e2e('accounts: Sync now reads the provider usage API and the run shows in the history', async (page) => {
    await signedIn(page);
    await page.goto('/accounts');
    const openai = page.getByTestId('account-row').filter({ hasText: 'OpenAI production' });
    await openai.getByTestId('account-sync-now').click();
    const history = page.getByTestId('sync-history');
    await history.waitFor();
    // The local OpenAI test server answers the backfill; the history follows the run until it ends.
    const run = history.locator('[data-testid="sync-run"][data-status="succeeded"]').first();
    await run.waitFor({ timeout: 60_000 });
    expect(await run.getByTestId('sync-run-outcome').textContent()).toMatch(/\d+ new observations from \d+ requests/);
    // Groq has no usage API: its usage comes through the ingest API.
    const groq = page.getByTestId('account-row').filter({ hasText: 'Groq (chat app)' });
    expect(await groq.getByTestId('account-sync-now').count()).toBe(0);
  });
});
