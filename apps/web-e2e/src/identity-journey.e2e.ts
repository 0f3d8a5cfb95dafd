import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { baseUrl } from './support/e2e-page';
import { PASSWORD, uniqueEmail } from './support/session';

/**
 * The identity issue's journey in Chromium: an owner registers, invites a member, who accepts in
 * a second browser; the owner connects an OpenAI account and tests it against the local OpenAI
 * test server; a viewer sees none of the admin actions.
 */
describe('identity journey', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
  });

  async function newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
    const context = await browser.newContext({ baseURL: baseUrl(), viewport });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => {
      throw error;
    });
    return page;
  }

  async function register(page: Page, email: string, displayName?: string): Promise<void> {
    await page.getByTestId('register-email').fill(email);
    if (displayName) await page.getByTestId('register-display-name').fill(displayName);
    await page.getByTestId('register-password').fill(PASSWORD);
    await page.getByTestId('register-submit').click();
  }

  async function invite(owner: Page, email: string, role: 'member' | 'viewer'): Promise<string> {
    await owner.getByTestId('invite-button').click();
    await owner.getByTestId('invite-email').fill(email);
    await owner.getByTestId('invite-role').click();
    await owner.getByTestId(`invite-role-${role}`).click();
    await owner.getByTestId('invite-submit').click();
    const link = owner.getByTestId('invite-link');
    await link.waitFor();
    const value = (await link.inputValue().catch(async () => (await link.textContent()) ?? '')).trim();
    await owner.getByTestId('invite-done').click();
    expect(value).toMatch(/\/invitations\/[\w-]{64}$/);
    return new URL(value, baseUrl()).pathname;
  }

  async function acceptAsNewUser(path: string, email: string): Promise<Page> {
    const page = await newPage();
    await page.goto(path);
    await page.getByTestId('invitation-preview').waitFor();
    expect(await page.getByTestId('invitation-workspace').textContent()).toContain("Olivia's workspace");
    await page.getByTestId('invitation-register').click();
    await page.getByTestId('register-invitation-note').waitFor();
    await register(page, email);
    await page.getByTestId('workspace-current').filter({ hasText: "Olivia's workspace" }).waitFor();
    return page;
  }

  it('register → invite → accept in a second browser → connect an account → test it; a viewer sees no admin action', async () => {
    const owner = await newPage();
    await owner.goto('/register');
    await register(owner, uniqueEmail('olivia'), 'Olivia');
    await owner.getByTestId('workspace-current').filter({ hasText: "Olivia's workspace" }).waitFor();

    await owner.getByTestId('nav-members').click();
    await owner.getByTestId('members-page').waitFor();
    const memberEmail = uniqueEmail('max');
    const memberLink = await invite(owner, memberEmail, 'member');
    await owner.getByTestId('invitation-row').filter({ hasText: memberEmail }).waitFor();

    const member = await acceptAsNewUser(memberLink, memberEmail);
    await owner.reload();
    await owner.getByTestId('member-row').filter({ hasText: memberEmail }).waitFor();

    await owner.getByTestId('nav-accounts').click();
    await owner.getByTestId('account-connect').click();
    await owner.getByTestId('connect-provider').click();
    await owner.getByTestId('connect-provider-openai').click();
    await owner.getByTestId('connect-provider-help').filter({ hasText: /Admin key/i }).waitFor();
    await owner.getByTestId('connect-name').fill('OpenAI production');
    await owner.getByTestId('connect-credentials').fill(process.env['E2E_OPENAI_ADMIN_KEY'] as string);
    await owner.getByTestId('connect-base-url').fill(process.env['E2E_OPENAI_BASE_URL'] as string);
    await owner.getByTestId('connect-submit').click();
    const row = owner.getByTestId('account-row').filter({ hasText: 'OpenAI production' });
    await row.waitFor();
    expect(await row.getByTestId('account-credential-hint').textContent()).toMatch(/sk-admin-…\w{4}/);
    await row.getByTestId('account-test').click();
    await row.locator('[data-testid="account-test-result"][data-result="ok"]').waitFor();

    // The member reads accounts but may not change them.
    await member.goto('/accounts');
    await member.getByTestId('account-row').filter({ hasText: 'OpenAI production' }).waitFor();
    expect(await member.getByTestId('account-connect').count()).toBe(0);

    await owner.getByTestId('nav-members').click();
    const viewerEmail = uniqueEmail('vera');
    const viewerLink = await invite(owner, viewerEmail, 'viewer');
    const viewer = await acceptAsNewUser(viewerLink, viewerEmail);
    await viewer.goto('/accounts');
    await viewer.getByTestId('account-row').filter({ hasText: 'OpenAI production' }).waitFor();
    for (const adminOnly of ['account-connect', 'account-test', 'account-actions']) {
      expect(`${adminOnly}: ${await viewer.getByTestId(adminOnly).count()}`).toBe(`${adminOnly}: 0`);
    }
    await viewer.goto('/members');
    await viewer.getByTestId('member-row').first().waitFor();
    for (const adminOnly of ['invite-button', 'member-role-select', 'member-remove']) {
      expect(`${adminOnly}: ${await viewer.getByTestId(adminOnly).count()}`).toBe(`${adminOnly}: 0`);
    }
    expect(await viewer.getByTestId('nav-security-log').count()).toBe(0);
    expect(await viewer.getByTestId('nav-ingest-keys').count()).toBe(0);
  }, 90_000);
});
