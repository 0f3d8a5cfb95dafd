import { NAV_ITEMS } from './shell/nav-items';
import { shellRoutes } from './shell.routes';

describe('shellRoutes', () => {
  it('has a route for every navigation entry', () => {
    const paths = shellRoutes.map((route) => route.path);
    for (const item of NAV_ITEMS) {
      expect(paths).toContain(item.path);
    }
  });

  it('names the page of every placeholder route', () => {
    const placeholders = shellRoutes.filter((route) => route.data);
    expect(placeholders.map((route) => route.data?.['page'])).toEqual([
      'Usage',
      'Audit',
      'Forecast',
      'Budgets & alerts',
      'Accounts',
      'Prices',
      'Settings',
    ]);
  });

  it('lazy-loads the real pages', async () => {
    const overview = shellRoutes.find((route) => route.path === '');
    const status = shellRoutes.find((route) => route.path === 'status');
    const usage = shellRoutes.find((route) => route.path === 'usage');

    expect(((await overview?.loadComponent?.()) as { name: string }).name).toBe(
      'OverviewPage',
    );
    expect(((await status?.loadComponent?.()) as { name: string }).name).toBe(
      'SystemStatusPage',
    );
    expect(((await usage?.loadComponent?.()) as { name: string }).name).toBe(
      'ComingSoonPage',
    );
  });
});
