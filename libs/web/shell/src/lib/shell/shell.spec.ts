import { BreakpointObserver, BreakpointState } from '@angular/cdk/layout';
import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { SessionResponse, WorkspaceRole } from '@act/contracts';
import { AuthService } from '@act/web/identity';
import { BehaviorSubject } from 'rxjs';
import { NAV_ITEMS } from './nav-items';
import { Shell } from './shell';

@Component({ template: '' })
class BlankPage {}

function session(role: WorkspaceRole): SessionResponse {
  return {
    accessToken: 'access-token',
    expiresIn: 900,
    position: '1',
    user: {
      id: 'u1',
      email: 'ada@example.com',
      displayName: 'Ada',
      instanceAdmin: false,
      createdAt: '2026-01-01T00:00:00Z',
    },
    workspaces: [{ id: 'ws1', name: 'Acme', role }],
  };
}

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
        provideHttpClient(),
        provideHttpClientTesting(),
        {
          provide: BreakpointObserver,
          useValue: { observe: () => narrow.asObservable() },
        },
      ],
    }).compileComponents();
  });


  async function signIn(role: WorkspaceRole): Promise<void> {
    const restored = TestBed.inject(AuthService).restore();
    TestBed.inject(HttpTestingController).expectOne('api/v1/auth/refresh').flush(session(role));
    await restored;
  }

  async function render() {
    const fixture = TestBed.createComponent(Shell);
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  function navLabels(el: HTMLElement): string[] {
    return Array.from(el.querySelectorAll<HTMLAnchorElement>('[data-testid="nav"] a')).map(
      (a) => a.textContent?.trim() ?? '',
    );
  }

  it('shows the product name', async () => {
    await signIn('owner');
    const { el } = await render();
    expect(el.querySelector('[data-testid="shell-title"]')?.textContent?.trim()).toBe(
      'AI Cost Tracker',
    );
  });

  it('renders one navigation link per entry, in order, for an owner', async () => {
    await signIn('owner');
    const { el } = await render();
    const links = Array.from(
      el.querySelectorAll<HTMLAnchorElement>('[data-testid="nav"] a'),
    );

    expect(navLabels(el)).toEqual([
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
    ]);
    expect(links.map((a) => a.getAttribute('href'))).toEqual(
      NAV_ITEMS.map((item) => `/${item.path}`),
    );
    expect(links.map((a) => a.dataset['testid'])).toEqual(
      NAV_ITEMS.map((item) => item.testId),
    );
  });

  it.each<WorkspaceRole>(['member', 'viewer'])(
    'hides the admin-only entries from a %s',
    async (role) => {
      await signIn(role);
      const { el } = await render();

      expect(navLabels(el)).not.toContain('Ingest keys');
      expect(navLabels(el)).not.toContain('Security log');
      expect(navLabels(el)).toContain('Accounts');
      expect(navLabels(el)).toContain('Members');
    },
  );

  it('shows the workspace switcher and the user menu in the toolbar', async () => {
    await signIn('admin');
    const { fixture, el } = await render();
    // The toolbar menus load lazily, beside the first page.
    await new Promise((resolve) => setTimeout(resolve));
    await fixture.whenStable();

    expect(el.querySelector('[data-testid="workspace-current"]')?.textContent?.trim()).toBe(
      'Acme',
    );
    expect(el.querySelector('[data-testid="user-menu"]')).not.toBeNull();
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
