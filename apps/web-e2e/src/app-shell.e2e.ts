import type { Page } from 'playwright-core';
import { useBrowser } from './support/e2e-page';
import { registerInContext, uniqueEmail } from './support/session';

// What an owner sees; members and viewers do not get Ingest keys and Security log.
const NAV_LABELS = [
  'Overview',
  'Usage',
  'Audit',
  'Forecast',
  'Budgets & alerts',
  'Accounts',
  'Ingest keys',
  'Members',
  'Security log',
  'Prices',
  'Settings',
  'System status',
];

async function signedIn(page: Page): Promise<void> {
  await registerInContext(page.context(), uniqueEmail('shell'));
}

async function text(page: Page, testId: string): Promise<string> {
  return ((await page.getByTestId(testId).first().textContent()) ?? '').trim();
}

async function expectHealthyStatusPage(page: Page): Promise<void> {
  await page.getByTestId('health-status').filter({ hasText: /^\s*ok\s*$/ }).waitFor();
  await page.getByTestId('projections-table').waitFor();
  expect(await text(page, 'health-status')).toBe('ok');
  expect(await page.title()).toBe('System status · AI Cost Tracker');
}

describe('app shell', () => {
  const e2e = useBrowser();

  e2e('sends a signed-out visitor to sign in, and back where they were going afterwards', async (page) => {
    await page.goto('/status');
    await page.waitForURL('**/sign-in?returnUrl=%2Fstatus');
    await page.getByTestId('sign-in-form').waitFor();
    expect(await page.title()).toContain('Sign in');
  });

  e2e('shows the product name and the navigation on /', async (page) => {
    await signedIn(page);
    const response = await page.goto('/');
    expect(response?.status()).toBe(200);

    await page.getByTestId('shell-title').waitFor();
    expect(await text(page, 'shell-title')).toBe('AI Cost Tracker');

    const nav = page.getByTestId('nav');
    await nav.waitFor();
    expect((await nav.locator('a').allTextContents()).map((label) => label.trim())).toEqual(
      NAV_LABELS,
    );
    await page
      .getByTestId('overview-health-text')
      .filter({ hasText: 'Server is healthy' })
      .waitFor();
  });

  e2e('reaches System status through the navigation', async (page) => {
    await signedIn(page);
    await page.goto('/');
    await page.getByTestId('nav-status').click();

    await page.waitForURL('**/status');
    await expectHealthyStatusPage(page);
  });

  e2e('serves client routes on a deep link and a reload', async (page) => {
    await signedIn(page);
    const response = await page.goto('/status');
    expect(response?.status()).toBe(200);
    await expectHealthyStatusPage(page);

    await page.reload();
    await expectHealthyStatusPage(page);

    await page.goto('/settings');
    await page.getByTestId('coming-soon-title').filter({ hasText: 'Settings' }).waitFor();
  });
});

describe('app shell on a narrow screen', () => {
  const e2e = useBrowser({ width: 400, height: 800 });

  e2e('opens the navigation from the menu button', async (page) => {
    await signedIn(page);
    await page.goto('/');
    const navLink = page.getByTestId('nav-status');
    await page.getByTestId('menu-button').click();
    await navLink.waitFor({ state: 'visible' });
    await navLink.click();

    await page.waitForURL('**/status');
    await expectHealthyStatusPage(page);
    await navLink.waitFor({ state: 'hidden' });
  });
});
