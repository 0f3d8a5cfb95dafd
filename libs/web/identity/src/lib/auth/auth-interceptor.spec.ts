import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { signIn, sessionFixture, tick } from '../testing/identity-fixtures.testing';
import { authInterceptor } from './auth-interceptor';
import { AuthService } from './auth-service';

const ACCOUNTS = 'api/v1/workspaces/ws1/accounts';
const UNAUTHORIZED = { status: 401, statusText: 'Unauthorized' };

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let navigate: jest.SpyInstance;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    const router = TestBed.inject(Router);
    navigate = jest.spyOn(router, 'navigate').mockResolvedValue(true);
    jest.spyOn(router, 'url', 'get').mockReturnValue('/accounts?tab=1');
  });

  afterEach(() => backend.verify());

  it('adds the access token to API requests only', async () => {
    await signIn();
    void firstValueFrom(http.get(ACCOUNTS));
    void firstValueFrom(http.get('https://example.test/api/v1/accounts'));

    expect(backend.expectOne(ACCOUNTS).request.headers.get('Authorization')).toBe('Bearer token-1');
    expect(
      backend.expectOne('https://example.test/api/v1/accounts').request.headers.has('Authorization'),
    ).toBe(false);
  });

  it('does not send the token to, or retry, the session endpoints', async () => {
    await signIn();
    const login = firstValueFrom(http.post('api/v1/auth/login', {}));
    const req = backend.expectOne('api/v1/auth/login');
    expect(req.request.headers.has('Authorization')).toBe(false);
    req.flush({ status: 401, detail: 'Wrong e-mail or password.' }, UNAUTHORIZED);

    await expect(login).rejects.toMatchObject({ status: 401 });
    backend.expectNone('api/v1/auth/refresh');
    expect(navigate).not.toHaveBeenCalled();
  });

  it('refreshes once on a 401 and retries the request with the new token', async () => {
    await signIn();
    const result = firstValueFrom(http.get(ACCOUNTS));
    backend.expectOne(ACCOUNTS).flush(null, UNAUTHORIZED);
    backend.expectOne('api/v1/auth/refresh').flush(sessionFixture({ token: 'token-2' }));
    await tick();
    const retry = backend.expectOne(ACCOUNTS);
    expect(retry.request.headers.get('Authorization')).toBe('Bearer token-2');
    retry.flush({ items: [], nextCursor: null });

    await expect(result).resolves.toEqual({ items: [], nextCursor: null });
    expect(navigate).not.toHaveBeenCalled();
  });

  it('gives up after one retry and sends the user to sign in with a return URL', async () => {
    await signIn();
    const result = firstValueFrom(http.get(ACCOUNTS));
    backend.expectOne(ACCOUNTS).flush(null, UNAUTHORIZED);
    backend.expectOne('api/v1/auth/refresh').flush(sessionFixture({ token: 'token-2' }));
    await tick();
    backend.expectOne(ACCOUNTS).flush(null, UNAUTHORIZED);

    await expect(result).rejects.toMatchObject({ status: 401 });
    // Exactly one refresh: no loop.
    backend.expectNone('api/v1/auth/refresh');
    expect(TestBed.inject(AuthService).signedIn()).toBe(false);
    expect(navigate).toHaveBeenCalledWith(['/sign-in'], {
      queryParams: { returnUrl: '/accounts?tab=1' },
    });
  });

  it('redirects without retrying when the refresh itself is refused', async () => {
    await signIn();
    const result = firstValueFrom(http.get(ACCOUNTS));
    backend.expectOne(ACCOUNTS).flush(null, UNAUTHORIZED);
    backend.expectOne('api/v1/auth/refresh').flush(null, UNAUTHORIZED);

    await expect(result).rejects.toMatchObject({ status: 401 });
    backend.expectNone(ACCOUNTS);
    expect(navigate).toHaveBeenCalledWith(['/sign-in'], {
      queryParams: { returnUrl: '/accounts?tab=1' },
    });
  });

  it('renews once for a burst of 401s', async () => {
    await signIn();
    const first = firstValueFrom(http.get(ACCOUNTS));
    const second = firstValueFrom(http.get('api/v1/workspaces/ws1/members'));
    backend.expectOne(ACCOUNTS).flush(null, UNAUTHORIZED);
    backend.expectOne('api/v1/workspaces/ws1/members').flush(null, UNAUTHORIZED);
    backend.expectOne('api/v1/auth/refresh').flush(sessionFixture({ token: 'token-2' }));
    await tick();
    backend.expectOne(ACCOUNTS).flush({ ok: 1 });
    backend.expectOne('api/v1/workspaces/ws1/members').flush({ ok: 2 });

    await expect(first).resolves.toEqual({ ok: 1 });
    await expect(second).resolves.toEqual({ ok: 2 });
  });

  it('passes other errors through untouched', async () => {
    await signIn();
    const result = firstValueFrom(http.get(ACCOUNTS));
    backend.expectOne(ACCOUNTS).flush({ detail: 'no' }, { status: 403, statusText: 'Forbidden' });

    await expect(result).rejects.toMatchObject({ status: 403 });
    backend.expectNone('api/v1/auth/refresh');
  });
});
