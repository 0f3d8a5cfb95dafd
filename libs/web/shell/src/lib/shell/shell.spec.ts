import { BreakpointObserver, BreakpointState } from '@angular/cdk/layout';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { BehaviorSubject } from 'rxjs';
import { NAV_ITEMS } from './nav-items';
import { Shell } from './shell';

@Component({ template: '' })
class BlankPage {}

describe('Shell', () => {
  let narrow: BehaviorSubject<BreakpointState>;

  beforeEach(async () => {
    narrow = new BehaviorSubject<BreakpointState>({ matches: false, breakpoints: {} });
    await TestBed.configureTestingModule({
      imports: [Shell],
      providers: [
        provideRouter(
          NAV_ITEMS.map((item) => ({ path: item.path, component: BlankPage })),
        ),
        {
          provide: BreakpointObserver,
          useValue: { observe: () => narrow.asObservable() },
        },
      ],
    }).compileComponents();
  });

  async function render() {
    const fixture = TestBed.createComponent(Shell);
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('shows the product name', async () => {
    const { el } = await render();
    expect(el.querySelector('[data-testid="shell-title"]')?.textContent?.trim()).toBe(
      'AI Cost Tracker',
    );
  });

  it('renders one navigation link per entry, in order', async () => {
    const { el } = await render();
    const links = Array.from(
      el.querySelectorAll<HTMLAnchorElement>('[data-testid="nav"] a'),
    );

    expect(links.map((a) => a.textContent?.trim())).toEqual([
      'Overview',
      'Usage',
      'Audit',
      'Forecast',
      'Budgets & alerts',
      'Accounts',
      'Prices',
      'Settings',
      'System status',
    ]);
    expect(links.map((a) => a.getAttribute('href'))).toEqual(
      NAV_ITEMS.map((item) => `/${item.path}`),
    );
    expect(links.map((a) => a.dataset['testid'])).toEqual(
      NAV_ITEMS.map((item) => item.testId),
    );
  });

  it('keeps the sidenav open beside the content on wide screens', async () => {
    const { el } = await render();
    const sidenav = el.querySelector('mat-sidenav');

    expect(sidenav?.classList).toContain('mat-drawer-side');
    expect(sidenav?.classList).toContain('mat-drawer-opened');
    expect(el.querySelector('[data-testid="menu-button"]')).toBeNull();
  });

  it('switches to an overlay sidenav with a menu button on narrow screens', async () => {
    narrow.next({ matches: true, breakpoints: {} });
    const { fixture, el } = await render();
    const sidenav = el.querySelector('mat-sidenav');

    expect(sidenav?.classList).toContain('mat-drawer-over');
    expect(sidenav?.classList).not.toContain('mat-drawer-opened');

    el.querySelector<HTMLButtonElement>('[data-testid="menu-button"]')?.click();
    await fixture.whenStable();
    expect(sidenav?.classList).toContain('mat-drawer-opened');

    el.querySelector<HTMLAnchorElement>('[data-testid="nav-usage"]')?.click();
    await fixture.whenStable();
    expect(sidenav?.classList).not.toContain('mat-drawer-opened');
  });
});
