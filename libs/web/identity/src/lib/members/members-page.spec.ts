import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { MemberDto, WorkspaceRole } from '@act/contracts';
import {
  NO_ANIMATIONS,
  USER_ID,
  allByTestId,
  byTestId,
  call,
  get,
  memberFixture,
  nextRequest,
  signIn,
  text,
  tick,
  type,
} from '../testing/identity-fixtures.testing';
import { MembersPage } from './members-page';

const ME = memberFixture({ userId: USER_ID, email: 'ada@example.test', displayName: 'Ada', role: 'owner' });
const BOB = memberFixture();

describe('MembersPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), NO_ANIMATIONS],
    });
    http = TestBed.inject(HttpTestingController);
  });

  async function render(
    role: WorkspaceRole,
    members: MemberDto[] = [{ ...ME, role }, BOB],
  ): Promise<{ fixture: ComponentFixture<MembersPage>; el: HTMLElement }> {
    await signIn({ role });
    const fixture = TestBed.createComponent(MembersPage);
    fixture.detectChanges();
    (await nextRequest(get('api/v1/workspaces/ws1/members'), 'members')).flush({
      items: members,
      nextCursor: null,
    });
    if (role === 'owner' || role === 'admin') {
      (await nextRequest(get('api/v1/workspaces/ws1/invitations'), 'invitations')).flush({
        items: [
          {
            id: 'inv1',
            email: 'carol@example.test',
            role: 'viewer',
            createdAt: '2026-03-01T00:00:00Z',
            expiresAt: '2026-03-08T00:00:00Z',
            status: 'pending',
          },
          {
            id: 'inv0',
            email: 'old@example.test',
            role: 'viewer',
            createdAt: '2026-01-01T00:00:00Z',
            expiresAt: '2026-01-08T00:00:00Z',
            status: 'accepted',
          },
        ],
        nextCursor: null,
      });
    } else {
      http.expectNone(get('api/v1/workspaces/ws1/invitations'));
    }
    await tick();
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it.each<WorkspaceRole>(['member', 'viewer'])('shows a %s the list without admin actions', async (role) => {
    const { el } = await render(role);

    expect(allByTestId(el, 'member-row')).toHaveLength(2);
    expect(byTestId(el, 'invite-button')).toBeNull();
    expect(byTestId(el, 'member-role-select')).toBeNull();
    expect(byTestId(el, 'member-remove')).toBeNull();
    expect(byTestId(el, 'invitations-table')).toBeNull();
    expect(allByTestId(el, 'member-role').map((e) => e.textContent?.trim())).toEqual([
      role === 'member' ? 'Member' : 'Viewer',
      'Member',
    ]);
  });

  it('gives an owner the actions, except on the last owner, and lists pending invitations only', async () => {
    const { el } = await render('owner');
    const [meRow, bobRow] = allByTestId(el, 'member-row');

    expect(byTestId(el, 'invite-button')).not.toBeNull();
    expect(byTestId(meRow as HTMLElement, 'member-remove')).toBeNull();
    expect(text(meRow as HTMLElement, 'member-role')).toBe('Owner');
    expect(byTestId(bobRow as HTMLElement, 'member-role-select')).not.toBeNull();
    expect(byTestId(bobRow as HTMLElement, 'member-remove')).not.toBeNull();
    expect(allByTestId(el, 'invitation-row').map((row) => row.textContent)).toEqual([
      expect.stringContaining('carol@example.test'),
    ]);
  });

  it('does not let an admin touch an owner', async () => {
    const owner = memberFixture({ userId: 'u-owner', email: 'olga@example.test', role: 'owner' });
    const { el } = await render('admin', [owner, { ...ME, role: 'admin' }, BOB]);
    const [ownerRow] = allByTestId(el, 'member-row');

    expect(byTestId(ownerRow as HTMLElement, 'member-role-select')).toBeNull();
    expect(byTestId(ownerRow as HTMLElement, 'member-remove')).toBeNull();
    expect(allByTestId(el, 'member-remove')).toHaveLength(2);
  });

  it('invites and shows the one-time link with a copy button', async () => {
    const { fixture, el } = await render('owner');
    byTestId<HTMLButtonElement>(el, 'invite-button')?.click();
    await fixture.whenStable();

    type(byTestId(document.body, 'invite-email'), 'dan@example.test');
    await fixture.whenStable();
    byTestId<HTMLButtonElement>(document.body, 'invite-submit')?.click();
    const req = await nextRequest(call('POST', 'api/v1/workspaces/ws1/invitations'), 'invite');
    expect(req.request.body).toEqual({ email: 'dan@example.test', role: 'member' });
    req.flush(
      {
        id: 'inv2',
        email: 'dan@example.test',
        role: 'member',
        createdAt: '2026-03-02T00:00:00Z',
        expiresAt: '2026-03-09T00:00:00Z',
        status: 'pending',
        token: 'tok-dan',
        acceptPath: '/invitations/tok-dan',
        emailed: false,
        position: '17',
      },
      { status: 201, statusText: 'Created' },
    );
    await tick();
    await fixture.whenStable();

    const link = byTestId<HTMLInputElement>(document.body, 'invite-link');
    expect(link?.value).toBe(new URL('invitations/tok-dan', document.baseURI).toString());
    expect(byTestId(document.body, 'invite-copy')?.textContent?.trim()).toBe('Copy');
    expect(text(document.body, 'invite-created')).toMatch(/No e-mail was sent/);

    byTestId<HTMLButtonElement>(document.body, 'invite-done')?.click();
    // The pending list is fetched again to show the new invitation.
    (await nextRequest(get('api/v1/workspaces/ws1/invitations'), 'invitations again')).flush({
      items: [],
      nextCursor: null,
    });
  });

  it('shows the server’s reason inline when the invitation is refused', async () => {
    const { fixture, el } = await render('owner');
    byTestId<HTMLButtonElement>(el, 'invite-button')?.click();
    await fixture.whenStable();
    type(byTestId(document.body, 'invite-email'), 'bob@example.test');
    byTestId<HTMLButtonElement>(document.body, 'invite-submit')?.click();
    (await nextRequest(call('POST', 'api/v1/workspaces/ws1/invitations'), 'invite')).flush(
      {
        title: 'Conflict',
        status: 409,
        detail: 'bob@example.test is already a member.',
        errors: [{ path: 'email', message: 'Already a member.' }],
      },
      { status: 409, statusText: 'Conflict' },
    );
    await tick();
    await fixture.whenStable();

    expect(text(document.body, 'invite-error')).toBe('bob@example.test is already a member.');
    expect(text(document.body, 'invite-email-error')).toBe('Already a member.');
  });

  it('asks before removing a member, then removes', async () => {
    const { fixture, el } = await render('owner');
    const [, bobRow] = allByTestId(el, 'member-row');
    byTestId<HTMLButtonElement>(bobRow as HTMLElement, 'member-remove')?.click();
    await fixture.whenStable();

    expect(text(document.body, 'confirm-dialog')).toContain('Bob will lose access to Acme');
    byTestId<HTMLButtonElement>(document.body, 'confirm-accept')?.click();
    (await nextRequest(call('DELETE', 'api/v1/workspaces/ws1/members/u-bob'), 'remove')).flush({
      position: '20',
    });
    (await nextRequest(get('api/v1/workspaces/ws1/members'), 'members again')).flush({
      items: [ME],
      nextCursor: null,
    });
  });
});
