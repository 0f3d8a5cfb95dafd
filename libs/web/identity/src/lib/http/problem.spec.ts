import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { FormControl, FormGroup } from '@angular/forms';
import { apiPath, apiUrl, isApiUrl } from './api';
import { applyProblem, describeError } from './problem';

function problem(status: number, body: unknown, headers?: HttpHeaders): HttpErrorResponse {
  return new HttpErrorResponse({ status, error: body, headers });
}

describe('applyProblem', () => {
  function form() {
    return new FormGroup({
      email: new FormControl(''),
      password: new FormControl(''),
    });
  }

  it('puts field errors on the matching controls and returns the detail', () => {
    const f = form();
    const message = applyProblem(
      f,
      problem(400, {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request has invalid fields.',
        errors: [
          { path: 'password', message: 'Use at least 12 characters.' },
          { path: '/email', message: 'Enter an e-mail address.' },
          { path: 'isAdmin', message: 'Unknown field isAdmin.' },
        ],
      }),
    );

    expect(f.controls.password.getError('server')).toBe('Use at least 12 characters.');
    expect(f.controls.email.getError('server')).toBe('Enter an e-mail address.');
    // A field the form does not have is still said, at form level.
    expect(message).toBe('The request has invalid fields. Unknown field isAdmin.');
  });

  it('clears a server error as soon as the user edits the field', () => {
    const f = form();
    applyProblem(f, problem(409, { detail: 'Taken.', errors: [{ path: 'email', message: 'Taken.' }] }));
    expect(f.controls.email.hasError('server')).toBe(true);
    f.controls.email.setValue('other@example.test');
    expect(f.controls.email.hasError('server')).toBe(false);
  });
});

describe('describeError', () => {
  it('explains an unreachable server, a refusal and rate limiting', () => {
    expect(describeError(problem(0, null))).toMatch(/could not be reached/);
    expect(describeError(problem(403, null))).toMatch(/role/);
    expect(
      describeError(problem(429, null, new HttpHeaders({ 'Retry-After': '30' }))),
    ).toBe('Too many attempts. Try again in 30 seconds.');
    expect(describeError(problem(422, { detail: 'Sent to bob@example.test.' }))).toBe(
      'Sent to bob@example.test.',
    );
  });
});

describe('API URLs', () => {
  it('recognises our API by relative path only', () => {
    expect(isApiUrl('api/v1/auth/me')).toBe(true);
    expect(isApiUrl('/api/v1/workspaces')).toBe(true);
    expect(isApiUrl('https://api.example.test/api/v1/x')).toBe(false);
    expect(isApiUrl('api/v10/x')).toBe(false);
    expect(apiPath('api/v1/workspaces/ws1?limit=2')).toBe('workspaces/ws1');
  });

  it('encodes every segment', () => {
    expect(apiUrl('invitations', 'a/b?c')).toBe('api/v1/invitations/a%2Fb%3Fc');
  });
});
