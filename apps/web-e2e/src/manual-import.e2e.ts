import type { Locator, Page } from 'playwright-core';
import { useBrowser } from './support/e2e-page';
import { registerInContext, uniqueEmail } from './support/session';
import { utcDay } from './support/usage-seed';

/**
 * Usage without an API, in Chromium against the built product (`/usage/import`): a manual entry
 * is added, changed and deleted in the UI, listed with the `manual` source and its amount, and the
 * overview and the usage explorer follow each change; then a CSV file with two bad rows is
 * checked (every row's problem listed, nothing applied), fixed and imported, and imported again
 * without changing anything. Each test registers its own user, whose workspace gets one
 * self-hosted account through the API.
 */
jest.setTimeout(90_000);

const DAY_MS = 86_400_000;

describe('manual entries and CSV import', () => {
  const e2e = useBrowser({ width: 1280, height: 900 });

  /** A new user signed in in this browser context, with one account (connected through the API). */
  async function workspaceWithAccount(page: Page, name: string, provider: string, displayName: string): Promise<{ workspaceId: string; accountId: string }> {
    const { workspaceId, accessToken } = await registerInContext(page.context(), uniqueEmail(name), { displayName: 'Mia' });
    const connected = await page.context().request.post(`/api/v1/workspaces/${workspaceId}/accounts`, {
      data: { provider, displayName },
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (!connected.ok()) throw new Error(`Connecting the account failed: ${connected.status()} ${await connected.text()}`);
    const accountId = ((await connected.json()) as { account: { id: string } }).account.id;
    return { workspaceId, accountId };
  }

  async function texts(locator: Locator): Promise<string[]> {
    return (await locator.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  async function openImportPage(page: Page): Promise<void> {
    await page.goto('/usage/import');
    await page.getByTestId('import-page').waitFor();
  }

  /** The overview's month to date: an entry's amount is what was billed, so it counts as reconciled. */
  async function overviewShows(page: Page, reconciled: string): Promise<void> {
    await page.goto('/');
    await page.getByTestId('dashboard-reconciled').filter({ hasText: reconciled }).waitFor();
  }

  e2e('adds, changes and deletes a manual entry, listed with the manual source; the overview and the explorer follow', async (page) => {
    const { accountId } = await workspaceWithAccount(page, 'manual-entry', 'custom', 'Self-hosted Llama');
    const today = utcDay(Date.now());
    await openImportPage(page);
    await page.getByTestId('manual-entries-empty').waitFor();

    // Add: a flat monthly subscription, by hand.
    await page.getByTestId('manual-account').click();
    await page.getByTestId(`manual-account-${accountId}`).click();
    expect(await page.getByTestId('manual-day').inputValue()).toBe(today);
    await page.getByTestId('manual-model').fill('gpu-node-rental');
    await page.getByTestId('manual-amount').fill('19.00');
    await page.getByTestId('manual-submit').click();

    const row = page.getByTestId('manual-entry-row').filter({ hasText: 'gpu-node-rental' });
    await row.waitFor();
    expect(await texts(row.getByTestId('manual-entry-day'))).toEqual([today]);
    expect(await texts(row.getByTestId('manual-entry-amount'))).toEqual(['$19.00']);
    expect(await row.getByTestId('manual-entry-source').getAttribute('data-status')).toBe('manual');
    expect(await texts(row.getByTestId('manual-entry-source'))).toEqual(['Manual']);
    expect(await page.getByTestId('manual-entry-row').count()).toBe(1);

    await overviewShows(page, '$19.00');

    // Edit: the form opens on the entry, filled in; its key is not editable.
    await openImportPage(page);
    await row.getByTestId('manual-entry-edit').click();
    await page.getByTestId('manual-entry-card-title').filter({ hasText: 'Change a manual entry' }).waitFor();
    expect(await texts(page.getByTestId('manual-edit-key'))).toEqual([`Self-hosted Llama · ${today} · gpu-node-rental`]);
    expect(await page.getByTestId('manual-amount').inputValue()).toBe('19');
    expect(await page.getByTestId('manual-requests').inputValue()).toBe('');
    expect(await page.getByTestId('manual-model').count()).toBe(0);

    // Emptied of every number: the API refuses it (problem+json), and the form says why.
    await page.getByTestId('manual-amount').fill('');
    await page.getByTestId('manual-requests').fill('0');
    await page.getByTestId('manual-submit').click();
    await page.getByTestId('manual-error-line').filter({ hasText: 'at least one token count or unit above 0, or an amount' }).waitFor();
    expect(await texts(row.getByTestId('manual-entry-amount'))).toEqual(['$19.00']);

    await page.getByTestId('manual-requests').fill('');
    await page.getByTestId('manual-amount').fill('25.50');
    await page.getByTestId('manual-submit').click();
    await row.getByTestId('manual-entry-amount').filter({ hasText: '$25.50' }).waitFor();
    await page.getByTestId('manual-entry-card-title').filter({ hasText: 'Add a manual entry' }).waitFor();
    expect(await page.getByTestId('manual-entry-row').count()).toBe(1);
    expect(await row.getByTestId('manual-entry-source').getAttribute('data-status')).toBe('manual');

    await overviewShows(page, '$25.50');

    // Every change is an event: the explorer shows the latest observation, with the manual source.
    await page.goto(`/usage?from=${today}&to=${today}&groupBy=model`);
    const explorerRow = page.getByTestId('usage-day-row').filter({ hasText: 'gpu-node-rental' });
    await explorerRow.getByTestId('usage-day-open').click();
    await page.getByTestId('usage-events').getByTestId('observation-row').first().waitFor();
    expect(await texts(page.getByTestId('usage-events').getByTestId('observation-source'))).toEqual(['manual']);

    // Delete, after confirming.
    await openImportPage(page);
    await row.getByTestId('manual-entry-delete').click();
    await page.getByTestId('confirm-accept').click();
    await page.getByTestId('manual-entries-empty').waitFor();
    // It no longer counts: the month is back to nothing billed.
    await page.goto('/');
    await page.getByTestId('dashboard-reconciled').filter({ hasText: '$0.00' }).waitFor();
  });

  e2e('imports a CSV file: every bad row listed and nothing applied, then the fixed file, then again without a change', async (page) => {
    const { accountId } = await workspaceWithAccount(page, 'csv-import', 'groq', 'Groq (chat app)');
    const now = Date.now();
    const today = utcDay(now);
    const [d1, d2] = [utcDay(now - 2 * DAY_MS), utcDay(now - DAY_MS)];
    // Groq models the price catalogue knows: the imported usage is priced.
    const header = 'date,account_id,model,input_tokens,output_tokens,requests';
    const good = [
      `${d1},${accountId},llama-3.3-70b-versatile,1200000,340000,520`,
      `${d2},${accountId},llama-3.3-70b-versatile,800000,210000,310`,
    ];
    const badFile = [header, good[0], `2026-02-30,${accountId},llama-3.1-8b-instant,400000,90000,30`, `${d2},${accountId},llama-3.1-8b-instant,12.5,200,3`, good[1]].join('\n') + '\n';
    const fixedFile = [header, good[0], `${d1},${accountId},llama-3.1-8b-instant,400000,90000,30`, `${d2},${accountId},llama-3.1-8b-instant,125000,20000,3`, good[1]].join('\n') + '\n';
    const choose = (content: string) =>
      page.getByTestId('import-file').setInputFiles({ name: 'usage.csv', mimeType: 'text/csv', buffer: Buffer.from(content) });
    const explorer = `/usage?from=${d1}&to=${today}&groupBy=model`;

    await openImportPage(page);
    await choose(badFile);
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.getAttribute('data-valid')).toBe('false');
    expect(await texts(page.getByTestId('import-summary'))).toEqual([
      'Dry run (template): 4 rows read, 2 valid, 2 invalid. Observations: 2 new, 0 changed, 0 unchanged.',
    ]);
    const problems = await page.getByTestId('import-problem').evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')),
    );
    expect(problems).toEqual([
      ['3', 'date', expect.stringContaining('YYYY-MM-DD')],
      ['4', 'input_tokens', expect.stringContaining('whole number')],
    ]);
    expect(await page.getByTestId('import-apply').isDisabled()).toBe(true);

    // Nothing was applied: not even the valid rows.
    await page.goto(explorer);
    await page.getByTestId('usage-empty').waitFor();

    // The fixed file: checked, then imported whole.
    await openImportPage(page);
    await choose(fixedFile);
    await page.locator('[data-testid="import-report"][data-valid="true"]').waitFor();
    expect(await texts(page.getByTestId('import-summary'))).toEqual([
      'Dry run (template): 4 rows read, 4 valid, 0 invalid. Observations: 4 new, 0 changed, 0 unchanged.',
    ]);
    expect(await page.getByTestId('import-problem').count()).toBe(0);
    await page.getByTestId('import-apply').filter({ hasText: 'Import 4 rows' }).click();
    await page.getByTestId('import-done').waitFor();
    expect(await texts(page.getByTestId('import-summary'))).toEqual([
      'Import (template): 4 rows read, 4 valid, 0 invalid. Observations: 4 new, 0 changed, 0 unchanged.',
    ]);

    // The rows are in the usage figures, with the import source.
    await page.goto(explorer);
    await page.getByTestId('usage-total-row').first().waitFor();
    expect((await texts(page.getByTestId('usage-total-group'))).sort()).toEqual(['llama-3.1-8b-instant', 'llama-3.3-70b-versatile']);
    const totals = async () =>
      page.getByTestId('usage-total-row').evaluateAll((rows) => rows.map((row) => row.textContent?.replace(/\s+/g, ' ').trim() ?? '').sort());
    const before = await totals();
    expect(await texts(page.getByTestId('usage-total-estimated'))).toEqual([expect.stringMatching(/^\$[\d,]+\.\d{2}$/), expect.stringMatching(/^\$[\d,]+\.\d{2}$/)]);
    await page.getByTestId('usage-day-row').filter({ hasText: 'llama-3.1-8b-instant' }).first().getByTestId('usage-day-open').click();
    await page.getByTestId('usage-events').getByTestId('observation-row').first().waitFor();
    expect(await texts(page.getByTestId('usage-events').getByTestId('observation-source'))).toEqual(['import']);

    // The same file again: the check says nothing would change, and importing it changes nothing.
    await openImportPage(page);
    await choose(fixedFile);
    await page.getByTestId('import-unchanged').filter({ hasText: 'Every row is already imported' }).waitFor();
    expect(await texts(page.getByTestId('import-summary'))).toEqual([
      'Dry run (template): 4 rows read, 4 valid, 0 invalid. Observations: 0 new, 0 changed, 4 unchanged.',
    ]);
    await page.getByTestId('import-apply').click();
    await page.getByTestId('import-unchanged').filter({ hasText: 'Nothing changed: every row was already imported.' }).waitFor();
    expect(await texts(page.getByTestId('import-summary'))).toEqual([
      'Import (template): 4 rows read, 4 valid, 0 invalid. Observations: 0 new, 0 changed, 4 unchanged.',
    ]);
    await page.getByText('Nothing changed: all 4 rows were already imported.').waitFor();

    await page.goto(explorer);
    await page.getByTestId('usage-total-row').first().waitFor();
    expect(await totals()).toEqual(before);
  });
});
