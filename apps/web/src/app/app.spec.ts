import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { SessionResponse } from '@act/contracts';
import { IDENTITY_INTERCEPTORS } from '@act/web/identity';
import { App } from './app';
import { appRoutes } from './app.routes';

const SESSION: SessionResponse = {
  accessToken: 'access-token',
  expiresIn: 900,
  position: '3',
  user: {
    id: 'u1',
    email: 'ada@example.com',
    displayName: 'Ada',
    instanceAdmin: true,
    createdAt: '2026-01-01T00:00:00Z',
  },
  workspaces: [{ id: 'ws1', name: 'Acme', role: 'owner' }],
};

describe('App', () => {
  let http: HttpTestingController;

  beforeEach(async () => {
    await TestBed.configureTestingModule({
      imports: [App],
      providers: [
        provideRouter(appRoutes),
        provideHttpClient(withInterceptors(IDENTITY_INTERCEPTORS)),
        provideHttpClientTesting(),
      ],
    }).compileComponents();
    http = TestBed.inject(HttpTestingController);
  });

  /** The refresh request, once route recognition has reached the guard. */
  async function refreshRequest() {
    for (let i = 0; i < 10; i++) {
      const [request] = http.match('api/v1/auth/refresh');
      if (request) return request;
      await new Promise((resolve) => setTimeout(resolve));
    }
    return http.expectOne('api/v1/auth/refresh');
  }

  /** Lets lazy route chunks and guards settle. */
  async function settle(fixture: { whenStable(): Promise<unknown> }): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve));
      // The overview asks for the month summary, the accounts and the health report;
      // whenStable waits for open requests. Their content does not matter here.
      for (const request of http.match((req) => req.url !== 'api/v1/auth/refresh')) {
        request.flush(null, { status: 500, statusText: 'Internal Server Error' });
      }
    }
    await fixture.whenStable();
  }

  it('sends a signed-out visitor to sign in, keeping the page they asked for', async () => {
    const fixture = TestBed.createComponent(App);
    const router = TestBed.inject(Router);
    const navigation = router.navigateByUrl('/status');
    (await refreshRequest()).flush(null, { status: 401, statusText: 'Unauthorized' });
    await navigation;
    await settle(fixture);

    expect(router.url).toBe('/sign-in?returnUrl=%2Fstatus');
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="sign-in-form"]')).not.toBeNull();
    expect(el.querySelector('[data-testid="shell-title"]')).toBeNull();
  });

  it('renders the shell with the product name once the session is restored', async () => {
    const fixture = TestBed.createComponent(App);
    const router = TestBed.inject(Router);
    const navigation = router.navigateByUrl('/');
    (await refreshRequest()).flush(SESSION);
    await navigation;
    await settle(fixture);

    expect(router.url).toBe('/');
    const title = (fixture.nativeElement as HTMLElement).querySelector(
      '[data-testid="shell-title"]',
    );
    expect(title?.textContent?.trim()).toBe('AI Cost Tracker');
  });

  it('routes every navigation entry inside the shell, and the public pages outside it', () => {
    const shell = appRoutes.find((route) => route.path === '' && route.children);
    const inside = shell?.children?.map((route) => route.path);
    expect(inside).toEqual(
      expect.arrayContaining(['', 'usage', 'status', 'accounts', 'members', 'settings', '**']),
    );
    expect(shell?.canActivate).toHaveLength(1);
    expect(appRoutes.map((route) => route.path)).toEqual(
      expect.arrayContaining(['sign-in', 'register', 'invitations/:token']),
    );
  });
});
