import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { InvitationPreviewDto } from '@act/contracts';
import {
  byTestId,
  call,
  get,
  nextRequest,
  signIn,
  text,
  tick,
} from '../testing/identity-fixtures.testing';
import { WorkspaceContext } from '../workspaces/workspace-context';
import { AcceptInvitationPage } from './accept-invitation-page';

const PREVIEW: InvitationPreviewDto = {
  workspaceName: 'Acme',
  email: 'bob@example.test',
  role: 'member',
  expiresAt: '2026-12-01T00:00:00Z',
  status: 'pending',
};

describe('AcceptInvitationPage', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'invitations/:token', component: AcceptInvitationPage }]),
        provideHttpClient(),
        provideHttpClientTesting(),
      ],
    });
  });

  async function open(url: string, preview: object = PREVIEW, status = 200) {
    const harness = await RouterTestingHarness.create();
    const navigation = harness.navigateByUrl(url);
    (await nextRequest(get('api/v1/invitations/tok-1'), 'preview')).flush(preview, {
      status,
      statusText: status === 200 ? 'OK' : 'Not Found',
    });
    await navigation;
    await tick();
    await harness.fixture.whenStable();
    return { harness, el: harness.routeNativeElement as HTMLElement };
  }

  it('previews the invitation and offers sign-in or sign-up with the token carried along', async () => {
    const restored = signedOut();
    const { el } = await open('/invitations/tok-1');
    await restored;

    expect(text(el, 'invitation-workspace')).toBe('Acme');
    expect(text(el, 'invitation-role')).toBe('Member');
    expect(text(el, 'invitation-email')).toBe('bob@example.test');
    expect(byTestId(el, 'invitation-accept')).toBeNull();
    expect(byTestId(el, 'invitation-sign-in')?.getAttribute('href')).toBe('/sign-in?invitation=tok-1');
    expect(byTestId(el, 'invitation-register')?.getAttribute('href')).toBe('/register?invitation=tok-1');
  });

  it('accepts for a signed-in user and switches to the workspace', async () => {
    await signIn({ workspaces: [{ id: 'ws-own', name: 'Mine', role: 'owner' }] });
    const { harness, el } = await open('/invitations/tok-1');
    byTestId<HTMLButtonElement>(el, 'invitation-accept')?.click();
    (await nextRequest(call('POST', 'api/v1/invitations/tok-1/accept'), 'accept')).flush(
      { workspace: { id: 'ws1', name: 'Acme', role: 'member' }, position: '40' },
      { status: 201, statusText: 'Created' },
    );
    await tick();
    await harness.fixture.whenStable();

    expect(text(el, 'invitation-accepted')).toContain('Acme');
    expect(TestBed.inject(WorkspaceContext).current()).toEqual({ id: 'ws1', name: 'Acme', role: 'member' });
  });

  it('accepts without a second click when coming back from sign-in', async () => {
    await signIn();
    await open('/invitations/tok-1?accept=1');
    (await nextRequest(call('POST', 'api/v1/invitations/tok-1/accept'), 'auto accept')).flush({
      workspace: { id: 'ws9', name: 'Acme', role: 'member' },
      position: '41',
    });
  });

  it('shows why the invitation cannot be accepted', async () => {
    await signIn();
    const { harness, el } = await open('/invitations/tok-1');
    byTestId<HTMLButtonElement>(el, 'invitation-accept')?.click();
    (await nextRequest(call('POST', 'api/v1/invitations/tok-1/accept'), 'accept')).flush(
      { status: 422, detail: 'This invitation was sent to bob@example.test.' },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    await tick();
    await harness.fixture.whenStable();

    expect(text(el, 'invitation-accept-error')).toBe('This invitation was sent to bob@example.test.');
  });

  it('says so when the invitation is no longer open', async () => {
    await signIn();
    const { el } = await open('/invitations/tok-1', { ...PREVIEW, status: 'expired' });

    expect(text(el, 'invitation-status')).toMatch(/expired/);
    expect(byTestId(el, 'invitation-accept')).toBeNull();
  });

  it('explains an unknown link', async () => {
    await signIn();
    const { el } = await open('/invitations/tok-1', { status: 404, detail: 'No such invitation.' }, 404);

    expect(text(el, 'invitation-error')).toBe('No such invitation.');
  });
});

/** Restores no session (no refresh cookie). */
async function signedOut(): Promise<void> {
  const { AuthService } = await import('../auth/auth-service');
  const restored = TestBed.inject(AuthService).restore();
  TestBed.inject(HttpTestingController)
    .expectOne('api/v1/auth/refresh')
    .flush(null, { status: 401, statusText: 'Unauthorized' });
  await restored;
}
