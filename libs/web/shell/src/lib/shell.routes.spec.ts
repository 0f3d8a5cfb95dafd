import type { Route } from '@angular/router';
import { NAV_ITEMS } from './shell/nav-items';
import { loadShell, publicRoutes, shellRoutes } from './shell.routes';

async function componentName(path: string, routes = shellRoutes): Promise<string> {
  const route = routes.find((candidate) => candidate.path === path);
  return ((await route?.loadComponent?.()) as { name: string }).name;
}

/** The component of the page a `loadChildren` route shows at its own path. */
async function childComponentName(path: string): Promise<string> {
  const route = shellRoutes.find((candidate) => candidate.path === path);
  const children = (await route?.loadChildren?.()) as Route[];
  return (children.find((child) => child.path === '')?.component as { name: string }).name;
}

describe('shellRoutes', () => {
  it('has a route for every navigation entry', () => {
    const paths = shellRoutes.map((route) => route.path);
    for (const item of NAV_ITEMS) {
      expect(paths).toContain(item.path);
    }
  });

  it('names the page of every placeholder route', () => {
    const placeholders = shellRoutes.filter((route) => route.data);
    expect(placeholders.map((route) => route.data?.['page'])).toEqual(['Settings']);
  });

  it('lazy-loads the usage pages with their own route tables', async () => {
    await expect(childComponentName('')).resolves.toBe('DashboardPage');
    await expect(childComponentName('usage')).resolves.toBe('UsageExplorerPage');
    await expect(childComponentName('audit')).resolves.toBe('AuditPage');
    await expect(childComponentName('prices')).resolves.toBe('PricingPage');
  });

  it('lazy-loads the forecast and budgets & alerts pages from @act/web/budgets', async () => {
    await expect(childComponentName('forecast')).resolves.toBe('ForecastPage');
    await expect(childComponentName('budgets')).resolves.toBe('BudgetsPage');
    const forecast = shellRoutes.find((route) => route.path === 'forecast');
    expect(forecast?.title).toBe('Forecast · AI Cost Tracker');
  });

  it('serves the overview at the root only, and manual entries & import below /usage', async () => {
    expect(shellRoutes.find((route) => route.path === '')?.pathMatch).toBe('full');
    const usage = (await shellRoutes.find((route) => route.path === 'usage')?.loadChildren?.()) as Route[];
    const importRoute = usage.find((child) => child.path === 'import');
    expect(((await importRoute?.loadComponent?.()) as { name: string }).name).toBe('ImportPage');
    expect(importRoute?.title).toMatch(/ · AI Cost Tracker$/);
  });

  it('lazy-loads the real pages', async () => {
    await expect(componentName('status')).resolves.toBe('SystemStatusPage');
    await expect(componentName('settings')).resolves.toBe('ComingSoonPage');
    await expect(componentName('accounts')).resolves.toBe('AccountsPage');
    await expect(componentName('members')).resolves.toBe('MembersPage');
    await expect(componentName('ingest-keys')).resolves.toBe('IngestKeysPage');
    await expect(componentName('security-log')).resolves.toBe('SecurityLogPage');
  });

  it('titles every page with the product name', () => {
    for (const route of [...shellRoutes, ...publicRoutes].filter((r) => r.title)) {
      expect(route.title).toMatch(/ · AI Cost Tracker$/);
    }
  });
});

describe('publicRoutes', () => {
  it('serves sign-in, register and the invitation page outside the shell', async () => {
    expect(publicRoutes.map((route) => route.path)).toEqual([
      'sign-in',
      'register',
      'invitations/:token',
    ]);
    await expect(componentName('sign-in', publicRoutes)).resolves.toBe('SignInPage');
    await expect(componentName('register', publicRoutes)).resolves.toBe('RegisterPage');
    await expect(componentName('invitations/:token', publicRoutes)).resolves.toBe(
      'AcceptInvitationPage',
    );
  });

  it('loads the shell lazily', async () => {
    expect(((await loadShell?.()) as { name: string }).name).toBe('Shell');
  });
});
