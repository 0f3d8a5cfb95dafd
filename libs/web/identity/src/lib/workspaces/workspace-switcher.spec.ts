import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import {
  NO_ANIMATIONS,
  allByTestId,
  byTestId,
  call,
  nextRequest,
  signIn,
  text,
  tick,
  type,
} from '../testing/identity-fixtures.testing';
import { WorkspaceContext } from './workspace-context';
import { WorkspaceSwitcher } from './workspace-switcher';

describe('WorkspaceSwitcher', () => {
  beforeEach(async () => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), NO_ANIMATIONS],
    });
    await signIn({
      workspaces: [
        { id: 'ws1', name: 'Acme', role: 'owner' },
        { id: 'ws2', name: 'Side project', role: 'viewer' },
      ],
    });
  });

  afterEach(() => localStorage.clear());

  async function render() {
    const fixture = TestBed.createComponent(WorkspaceSwitcher);
    await fixture.whenStable();
    byTestId<HTMLButtonElement>(fixture.nativeElement as HTMLElement, 'workspace-switcher')?.click();
    await fixture.whenStable();
    return fixture;
  }

  it('lists the workspaces and switches between them', async () => {
    const fixture = await render();
    const options = allByTestId<HTMLButtonElement>(document.body, 'workspace-option');

    expect(options.map((o) => o.getAttribute('aria-label'))).toEqual([
      'Acme, Owner',
      'Side project, Viewer',
    ]);
    options[1]?.click();
    await fixture.whenStable();

    expect(TestBed.inject(WorkspaceContext).current()?.id).toBe('ws2');
    expect(text(fixture.nativeElement as HTMLElement, 'workspace-current')).toBe('Side project');
  });

  it('creates a workspace and switches to it', async () => {
    const fixture = await render();
    byTestId<HTMLButtonElement>(document.body, 'workspace-new')?.click();
    for (let i = 0; i < 5 && !byTestId(document.body, 'new-workspace-name'); i++) {
      await tick();
      await fixture.whenStable();
    }
    type(byTestId(document.body, 'new-workspace-name'), ' Research ');
    byTestId<HTMLButtonElement>(document.body, 'new-workspace-submit')?.click();
    const req = await nextRequest(call('POST', 'api/v1/workspaces'), 'create workspace');
    expect(req.request.body).toEqual({ name: 'Research' });
    req.flush(
      {
        workspace: { id: 'ws3', name: 'Research', role: 'owner', createdAt: '', memberCount: 1 },
        position: '60',
      },
      { status: 201, statusText: 'Created' },
    );
    await tick();

    expect(TestBed.inject(WorkspaceContext).current()).toEqual({
      id: 'ws3',
      name: 'Research',
      role: 'owner',
    });
  });
});
