import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { signIn } from '../testing/identity-fixtures.testing';
import { authGuard, guestGuard } from './auth-guard';
import { safeReturnUrl } from './return-url';

@Component({ template: '' })
class Blank {}

describe('authGuard and guestGuard', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'sign-in', component: Blank, canActivate: [guestGuard] },
          { path: 'accounts', component: Blank, canActivate: [authGuard] },
          { path: '', component: Blank, canActivate: [authGuard] },
        ]),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
  });

  async function signedOut(): Promise<void> {
    const http = TestBed.inject(HttpTestingController);
    const navigation = TestBed.inject(Router).navigateByUrl('/accounts?tab=keys');
    await new Promise((resolve) => setTimeout(resolve));
    http.expectOne('api/v1/auth/refresh').flush(null, { status: 401, statusText: 'Unauthorized' });
    await navigation;
  }

  it('sends a signed-out visitor to sign in, keeping the return URL', async () => {
    await signedOut();
    expect(TestBed.inject(Router).url).toBe('/sign-in?returnUrl=%2Faccounts%3Ftab%3Dkeys');
  });

  it('lets a signed-in user through', async () => {
    await signIn();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/accounts');
    expect(router.url).toBe('/accounts');
  });

  it('sends a signed-in user away from the sign-in page to the return URL', async () => {
    await signIn();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/sign-in?returnUrl=%2Faccounts');
    expect(router.url).toBe('/accounts');
  });
});

describe('safeReturnUrl', () => {
  it.each([
    ['/accounts?x=1', '/accounts?x=1'],
    [null, '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['/sign-in?returnUrl=/x', '/'],
  ])('%s → %s', (input, expected) => {
    expect(safeReturnUrl(input)).toBe(expected);
  });
});
