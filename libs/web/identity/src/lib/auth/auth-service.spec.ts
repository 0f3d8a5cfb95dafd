import { provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { IDENTITY_INTERCEPTORS } from '../provide-identity';
import { sessionFixture } from '../testing/identity-fixtures.testing';
import { AuthService, refreshDelayMs } from './auth-service';

describe('AuthService', () => {
  let auth: AuthService;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors(IDENTITY_INTERCEPTORS)),
        provideHttpClientTesting(),
      ],
    });
    auth = TestBed.inject(AuthService);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    jest.useRealTimers();
    localStorage.clear();
    sessionStorage.clear();
  });

  it('restores the session from the refresh cookie once, whoever asks', async () => {
    const first = auth.restore();
    const second = auth.restore();
    const req = http.expectOne('api/v1/auth/refresh');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toBeNull();
    req.flush(sessionFixture());

    await expect(first).resolves.toBe(true);
    await expect(second).resolves.toBe(true);
    expect(auth.status()).toBe('signed-in');
    expect(auth.user()?.email).toBe('ada@example.test');
    expect(auth.workspaces()).toEqual([{ id: 'ws1', name: 'Acme', role: 'owner' }]);
    expect(auth.accessToken()).toBe('token-1');
    http.verify();
  });

  it('is signed out when there is no refresh cookie', async () => {
    expect(auth.status()).toBe('restoring');
    const restored = auth.restore();
    http
      .expectOne('api/v1/auth/refresh')
      .flush({ status: 401, title: 'Unauthorized' }, { status: 401, statusText: 'Unauthorized' });

    await expect(restored).resolves.toBe(false);
    expect(auth.status()).toBe('signed-out');
    expect(auth.accessToken()).toBeNull();
  });

  it('shares one refresh between concurrent callers (the server rotates the cookie)', async () => {
    const a = auth.refresh();
    const b = auth.refresh();
    http.expectOne('api/v1/auth/refresh').flush(sessionFixture({ token: 'token-2' }));

    expect(await a).toEqual(await b);
    http.verify();
  });

  it('never writes the access token to web storage or a cookie', async () => {
    const setItem = jest.spyOn(Storage.prototype, 'setItem');
    const login = auth.login({ email: 'ada@example.test', password: 'correct horse battery' });
    http.expectOne('api/v1/auth/login').flush(sessionFixture({ token: 'secret-access-token' }));
    await login;
    const refreshed = auth.refresh();
    http.expectOne('api/v1/auth/refresh').flush(sessionFixture({ token: 'secret-access-token-2' }));
    await refreshed;

    expect(auth.accessToken()).toBe('secret-access-token-2');
    const written = setItem.mock.calls.map((args) => args.join('='));
    expect(written.join('\n')).not.toContain('secret-access-token');
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? '';
        expect(`${key}=${storage.getItem(key)}`).not.toContain('secret-access-token');
      }
    }
    expect(document.cookie).not.toContain('secret-access-token');
    setItem.mockRestore();
  });

  it('refreshes a minute before the access token expires', async () => {
    jest.useFakeTimers();
    const login = auth.login({ email: 'ada@example.test', password: 'correct horse battery' });
    http.expectOne('api/v1/auth/login').flush(sessionFixture({ expiresIn: 900 }));
    await login;

    jest.advanceTimersByTime(839_000);
    http.expectNone('api/v1/auth/refresh');
    jest.advanceTimersByTime(1_000);
    http.expectOne('api/v1/auth/refresh').flush(sessionFixture({ token: 'token-2', expiresIn: 900 }));
    await Promise.resolve();
    await Promise.resolve();

    expect(auth.accessToken()).toBe('token-2');
  });

  it('sends the user to sign in when the scheduled refresh is refused', async () => {
    jest.useFakeTimers();
    const router = TestBed.inject(Router);
    const navigate = jest.spyOn(router, 'navigate').mockResolvedValue(true);
    jest.spyOn(router, 'url', 'get').mockReturnValue('/accounts');
    const login = auth.login({ email: 'ada@example.test', password: 'correct horse battery' });
    http.expectOne('api/v1/auth/login').flush(sessionFixture({ expiresIn: 120 }));
    await login;

    jest.advanceTimersByTime(refreshDelayMs(120));
    http
      .expectOne('api/v1/auth/refresh')
      .flush(null, { status: 401, statusText: 'Unauthorized' });
    for (let i = 0; i < 5; i++) await Promise.resolve();

    expect(auth.status()).toBe('signed-out');
    expect(navigate).toHaveBeenCalledWith(['/sign-in'], {
      queryParams: { returnUrl: '/accounts' },
    });
  });

  it('signs out on the server and locally, even if the server call fails', async () => {
    const router = TestBed.inject(Router);
    const navigate = jest.spyOn(router, 'navigate').mockResolvedValue(true);
    const login = auth.login({ email: 'ada@example.test', password: 'correct horse battery' });
    http.expectOne('api/v1/auth/login').flush(sessionFixture());
    await login;

    const out = auth.logout();
    const req = http.expectOne('api/v1/auth/logout');
    expect(req.request.headers.get('Authorization')).toBe('Bearer token-1');
    req.flush(null, { status: 500, statusText: 'Internal Server Error' });
    await out;

    expect(auth.status()).toBe('signed-out');
    expect(auth.accessToken()).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/sign-in']);
  });

  it('schedules refreshes sensibly for short and long lifetimes', () => {
    expect(refreshDelayMs(900)).toBe(840_000);
    expect(refreshDelayMs(60)).toBe(30_000);
    expect(refreshDelayMs(0)).toBe(0);
  });
});
