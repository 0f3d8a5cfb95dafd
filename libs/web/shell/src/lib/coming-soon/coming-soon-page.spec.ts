import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { ComingSoonPage } from './coming-soon-page';

describe('ComingSoonPage', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'usage', component: ComingSoonPage, data: { page: 'Usage' } },
          {
            path: 'budgets',
            component: ComingSoonPage,
            data: { page: 'Budgets & alerts' },
          },
          { path: 'unnamed', component: ComingSoonPage },
        ]),
      ],
    });
  });

  it.each([
    ['/usage', 'Usage'],
    ['/budgets', 'Budgets & alerts'],
  ])('names the page from the route data at %s', async (url, page) => {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, ComingSoonPage);
    const el = harness.routeNativeElement as HTMLElement;

    expect(el.querySelector('[data-testid="coming-soon-title"]')?.textContent?.trim()).toBe(
      page,
    );
    expect(el.querySelector('[data-testid="coming-soon-message"]')?.textContent).toContain(
      `${page} is not available yet`,
    );
  });

  it('still reads sensibly without route data', async () => {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl('/unnamed', ComingSoonPage);
    const el = harness.routeNativeElement as HTMLElement;

    expect(el.querySelector('[data-testid="coming-soon-title"]')?.textContent?.trim()).toBe(
      'This page',
    );
  });
});
