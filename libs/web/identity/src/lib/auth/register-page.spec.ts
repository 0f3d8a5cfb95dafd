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
  get,
  nextRequest,
  sessionFixture,
  text,
  tick,
  type,
} from '../testing/identity-fixtures.testing';
import { RegisterPage } from './register-page';

@Component({ template: 'home' })
class Home {}

describe('RegisterPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: 'register', component: RegisterPage },
          { path: '', component: Home },
        ]),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  async function open(url = '/register') {
    const harness = await RouterTestingHarness.create(url);
    return { harness, el: harness.routeNativeElement as HTMLElement };
  }

  function fill(el: HTMLElement, email: string, password: string): void {
    type(byTestId(el, 'register-email'), email);
    type(byTestId(el, 'register-password'), password);
  }

  it('counts the password length live against the 12-character minimum', async () => {
    const { harness, el } = await open();
    expect(text(el, 'register-password-hint')).toMatch(/At least 12 characters/);

    type(byTestId(el, 'register-password'), 'tiny');
    await harness.fixture.whenStable();
    expect(text(el, 'register-password-error')).toBe('At least 12 characters (8 more).');

    type(byTestId(el, 'register-password'), 'a long passphrase');
    await harness.fixture.whenStable();
    expect(byTestId(el, 'register-password-error')).toBeNull();
    expect(text(el, 'register-password-hint')).toBe('17 characters: long enough.');
  });

  it('shows the server’s field errors on the fields and its detail above the form', async () => {
    const { harness, el } = await open();
    fill(el, 'ada@example.test', 'correct horse battery');
    byTestId<HTMLButtonElement>(el, 'register-submit')?.click();
    http.expectOne('api/v1/auth/register').flush(
      {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: 'An account with this e-mail already exists. Sign in instead.',
        errors: [{ path: 'email', message: 'This e-mail is already registered.' }],
      },
      { status: 409, statusText: 'Conflict' },
    );
    await tick();
    await harness.fixture.whenStable();

    expect(text(el, 'register-error')).toBe(
      'An account with this e-mail already exists. Sign in instead.',
    );
    expect(text(el, 'register-email-error')).toBe('This e-mail is already registered.');
  });

  it('registers and lands on the home page', async () => {
    const { harness, el } = await open();
    fill(el, ' ada@example.test ', 'correct horse battery');
    type(byTestId(el, 'register-display-name'), 'Ada');
    byTestId<HTMLButtonElement>(el, 'register-submit')?.click();
    const req = http.expectOne('api/v1/auth/register');
    expect(req.request.body).toEqual({
      email: 'ada@example.test',
      password: 'correct horse battery',
      displayName: 'Ada',
    });
    req.flush(sessionFixture(), { status: 201, statusText: 'Created' });
    await tick();
    await harness.fixture.whenStable();

    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('joins the inviting workspace: shows it, prefills the address, sends the token', async () => {
    const { harness, el } = await open('/register?invitation=tok-9');
    (await nextRequest(get('api/v1/invitations/tok-9'), 'invitation preview')).flush({
      workspaceName: 'Acme',
      email: 'bob@example.test',
      role: 'member',
      expiresAt: '2026-12-01T00:00:00Z',
      status: 'pending',
    });
    await tick();
    await harness.fixture.whenStable();

    expect(text(el, 'register-invitation-note')).toContain('Acme');
    expect(byTestId<HTMLInputElement>(el, 'register-email')?.value).toBe('bob@example.test');

    type(byTestId(el, 'register-password'), 'correct horse battery');
    byTestId<HTMLButtonElement>(el, 'register-submit')?.click();
    const req = http.expectOne('api/v1/auth/register');
    expect(req.request.body).toEqual({
      email: 'bob@example.test',
      password: 'correct horse battery',
      invitationToken: 'tok-9',
    });
  });
});
