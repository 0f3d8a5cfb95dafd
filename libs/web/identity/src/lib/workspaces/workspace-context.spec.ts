import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { WorkspaceSummaryDto } from '@act/contracts';
import { USER_ID, signIn } from '../testing/identity-fixtures.testing';
import { WorkspaceContext } from './workspace-context';

const WORKSPACES: WorkspaceSummaryDto[] = [
  { id: 'ws1', name: 'Acme', role: 'viewer' },
  { id: 'ws2', name: 'Side project', role: 'admin' },
];

describe('WorkspaceContext', () => {
  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
  });

  afterEach(() => localStorage.clear());

  it('has no workspace and no permissions before sign-in', () => {
    const context = TestBed.inject(WorkspaceContext);
    expect(context.current()).toBeNull();
    expect(context.currentId()).toBeUndefined();
    expect(context.can('members:manage')).toBe(false);
  });

  it('starts on the first workspace and answers for its role', async () => {
    await signIn({ workspaces: WORKSPACES });
    const context = TestBed.inject(WorkspaceContext);

    expect(context.current()?.name).toBe('Acme');
    expect(context.role()).toBe('viewer');
    expect(context.can('accounts:manage')).toBe(false);
  });

  it('switches, and remembers the choice per user (only the id is stored)', async () => {
    await signIn({ workspaces: WORKSPACES });
    const context = TestBed.inject(WorkspaceContext);
    context.select('ws2');

    expect(context.current()?.name).toBe('Side project');
    expect(context.can('accounts:manage')).toBe(true);
    expect(context.can('security-log:read')).toBe(true);
    expect(localStorage.getItem(`act.lastWorkspace.${USER_ID}`)).toBe('ws2');
  });

  it('comes back to the last choice after a reload', async () => {
    localStorage.setItem(`act.lastWorkspace.${USER_ID}`, 'ws2');
    await signIn({ workspaces: WORKSPACES });

    expect(TestBed.inject(WorkspaceContext).current()?.id).toBe('ws2');
  });

  it('falls back to the first workspace when the remembered one is gone', async () => {
    localStorage.setItem(`act.lastWorkspace.${USER_ID}`, 'ws-removed');
    await signIn({ workspaces: WORKSPACES });

    expect(TestBed.inject(WorkspaceContext).current()?.id).toBe('ws1');
  });

  it('adopts a workspace just created or joined', async () => {
    await signIn({ workspaces: WORKSPACES });
    const context = TestBed.inject(WorkspaceContext);
    context.adopt({ id: 'ws3', name: 'New', role: 'owner' });

    expect(context.workspaces().map((w) => w.id)).toEqual(['ws1', 'ws2', 'ws3']);
    expect(context.current()?.id).toBe('ws3');
    expect(context.role()).toBe('owner');
  });

  it('reloads memberships from /auth/me (a changed role changes the permissions)', async () => {
    await signIn({ workspaces: WORKSPACES });
    const context = TestBed.inject(WorkspaceContext);
    const reloaded = context.reload();
    TestBed.inject(HttpTestingController)
      .expectOne('api/v1/auth/me')
      .flush({
        user: { id: USER_ID, email: 'ada@example.test', displayName: 'Ada', instanceAdmin: false, createdAt: '' },
        workspaces: [{ id: 'ws1', name: 'Acme', role: 'admin' }],
      });
    await reloaded;

    expect(context.can('members:manage')).toBe(true);
  });
});
