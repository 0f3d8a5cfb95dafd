import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import {
  NO_ANIMATIONS,
  accountFixture,
  allByTestId,
  byTestId,
  call,
  get,
  nextRequest,
  signIn,
  text,
  tick,
  type,
} from '../testing/identity-fixtures.testing';
import { IngestKeysPage } from './ingest-keys-page';

const KEYS = 'api/v1/workspaces/ws1/ingest-keys';

describe('IngestKeysPage', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), NO_ANIMATIONS],
    });
  });

  it('creates a key bound to an account and shows it once, with a copy button', async () => {
    await signIn({ role: 'admin' });
    const fixture = TestBed.createComponent(IngestKeysPage);
    const el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    (await nextRequest(get(KEYS), 'keys')).flush({
      items: [
        {
          id: 'k1',
          name: 'old',
          accountId: 'acc1',
          hint: 'act_ik_…9f3c',
          createdAt: '2026-01-01T00:00:00Z',
          revokedAt: '2026-02-01T00:00:00Z',
        },
      ],
      nextCursor: null,
    });
    (await nextRequest(get('api/v1/workspaces/ws1/accounts'), 'accounts')).flush({
      items: [accountFixture()],
      nextCursor: null,
    });
    await tick();
    await fixture.whenStable();

    expect(text(el, 'ingest-key-hint')).toBe('act_ik_…9f3c');
    expect(text(el, 'ingest-key-status')).toBe('Revoked');
    expect(byTestId(el, 'ingest-key-revoke')).toBeNull();

    byTestId<HTMLButtonElement>(el, 'ingest-key-create')?.click();
    await fixture.whenStable();
    type(byTestId(document.body, 'ingest-key-name'), 'backend');
    await fixture.whenStable();
    byTestId<HTMLButtonElement>(document.body, 'ingest-key-submit')?.click();
    const req = await nextRequest(call('POST', KEYS), 'create');
    // The only active account is preselected.
    expect(req.request.body).toEqual({ accountId: 'acc1', name: 'backend' });
    req.flush(
      {
        id: 'k2',
        name: 'backend',
        accountId: 'acc1',
        hint: 'act_ik_…beef',
        createdAt: '2026-03-01T00:00:00Z',
        revokedAt: null,
        key: 'act_ik_0123_secret-beef',
        position: '50',
      },
      { status: 201, statusText: 'Created' },
    );
    await tick();
    await fixture.whenStable();

    expect(byTestId<HTMLInputElement>(document.body, 'ingest-key-secret')?.value).toBe(
      'act_ik_0123_secret-beef',
    );
    expect(byTestId(document.body, 'ingest-key-copy')).not.toBeNull();
    byTestId<HTMLButtonElement>(document.body, 'ingest-key-done')?.click();
    (await nextRequest(get(KEYS), 'keys again')).flush({ items: [], nextCursor: null });
  });

  it('is not available to a viewer', async () => {
    await signIn({ role: 'viewer' });
    const fixture = TestBed.createComponent(IngestKeysPage);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;

    expect(byTestId(el, 'ingest-keys-forbidden')).not.toBeNull();
    expect(byTestId(el, 'ingest-key-create')).toBeNull();
    expect(allByTestId(el, 'ingest-key-row')).toHaveLength(0);
  });
});
