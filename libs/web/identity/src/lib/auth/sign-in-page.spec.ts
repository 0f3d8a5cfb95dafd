import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import {
  byTestId,
  sessionFixture,
  text,
  tick,
  type,
} from '../testing/identity-fixtures.testing';
import { SignInPage } from './sign-in-page';

@Component({ template: 'landed' })
class Landing {}

describe('SignInPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'sign-in', component: SignInPage },
          { path: 'accounts', component: Landing },
          { path: 'invitations/:token', component: Landing },
        ]),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  async function open(url = '/sign-in?returnUrl=%2Faccounts') {
    const harness = await RouterTestingHarness.create(url);
    const el = harness.routeNativeElement as HTMLElement;
    return { harness, el };
  }

  it('checks the e-mail address as the user types', async () => {
    const { harness, el } = await open();
    type(byTestId(el, 'sign-in-email'), 'ada@');
    await harness.fixture.whenStable();

    expect(text(el, 'sign-in-email-error')).toMatch(/valid e-mail/);

    type(byTestId(el, 'sign-in-email'), 'ada@example.test');
    await harness.fixture.whenStable();
    expect(byTestId(el, 'sign-in-email-error')).toBeNull();
  });

  it('does not call the API with an incomplete form', async () => {
    const { harness, el } = await open();
    byTestId<HTMLButtonElement>(el, 'sign-in-submit')?.click();
    await harness.fixture.whenStable();

    http.expectNone('api/v1/auth/login');
    expect(text(el, 'sign-in-password-error')).toBe('Required.');
  });

  it('shows the server’s reason inline when the credentials are refused', async () => {
    const { harness, el } = await open();
    type(byTestId(el, 'sign-in-email'), 'ada@example.test');
    type(byTestId(el, 'sign-in-password'), 'not the password');
    byTestId<HTMLButtonElement>(el, 'sign-in-submit')?.click();

    const req = http.expectOne('api/v1/auth/login');
    expect(req.request.body).toEqual({ email: 'ada@example.test', password: 'not the password' });
    req.flush(
      { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Wrong e-mail or password.' },
      { status: 401, statusText: 'Unauthorized' },
    );
    await tick();
    await harness.fixture.whenStable();

    expect(text(el, 'sign-in-error')).toBe('Wrong e-mail or password.');
    expect(TestBed.inject(Router).url).toBe('/sign-in?returnUrl=%2Faccounts');
  });

  it('goes to the return URL after signing in', async () => {
    const { harness, el } = await open();
    type(byTestId(el, 'sign-in-email'), 'ada@example.test');
    type(byTestId(el, 'sign-in-password'), 'correct horse battery');
    byTestId<HTMLButtonElement>(el, 'sign-in-submit')?.click();
    http.expectOne('api/v1/auth/login').flush(sessionFixture());
    await tick();
    await harness.fixture.whenStable();

    expect(TestBed.inject(Router).url).toBe('/accounts');
  });

  it('carries an invitation through sign-in and back to the accept page', async () => {
    const { harness, el } = await open('/sign-in?invitation=tok-123');
    expect(byTestId(el, 'sign-in-invitation-note')).not.toBeNull();
    expect(byTestId<HTMLAnchorElement>(el, 'sign-in-register-link')?.getAttribute('href')).toBe(
      '/register?invitation=tok-123',
    );

    type(byTestId(el, 'sign-in-email'), 'bob@example.test');
    type(byTestId(el, 'sign-in-password'), 'correct horse battery');
    byTestId<HTMLButtonElement>(el, 'sign-in-submit')?.click();
    http.expectOne('api/v1/auth/login').flush(sessionFixture());
    await tick();
    await harness.fixture.whenStable();

    expect(TestBed.inject(Router).url).toBe('/invitations/tok-123?accept=1');
  });
});
