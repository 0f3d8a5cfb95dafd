import { HttpRequest, provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { SecurityLogEntryDto } from '@act/contracts';
import {
  allByTestId,
  byTestId,
  nextRequest,
  signIn,
  tick,
} from '../testing/identity-fixtures.testing';
import { SecurityLogPage } from './security-log-page';

function entry(subject: string): SecurityLogEntryDto {
  return {
    at: '2026-03-01T10:00:00Z',
    kind: 'member-joined',
    actor: { userId: 'u1', email: 'ada@example.test' },
    subject,
    detail: { role: 'member' },
  };
}

const isLog = (req: HttpRequest<unknown>) =>
  req.method === 'GET' && req.url === 'api/v1/workspaces/ws1/security-log';

describe('SecurityLogPage', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()],
    });
  });

  it('pages through the log with nextCursor and back', async () => {
    await signIn({ role: 'admin' });
    const fixture = TestBed.createComponent(SecurityLogPage);
    const el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();

    const first = await nextRequest(isLog, 'first page');
    expect(first.request.params.get('limit')).toBe('50');
    expect(first.request.params.has('cursor')).toBe(false);
    first.flush({ items: [entry('bob@example.test')], nextCursor: 'c2' });
    await tick();
    await fixture.whenStable();
    expect(allByTestId(el, 'security-log-row')).toHaveLength(1);
    expect(byTestId(el, 'security-log-kind')?.textContent?.trim()).toBe('Member joined');
    expect(byTestId<HTMLButtonElement>(el, 'security-log-newer')?.disabled).toBe(true);

    byTestId<HTMLButtonElement>(el, 'security-log-older')?.click();
    const second = await nextRequest(isLog, 'second page');
    expect(second.request.params.get('cursor')).toBe('c2');
    second.flush({ items: [entry('carol@example.test')], nextCursor: null });
    await tick();
    await fixture.whenStable();
    expect(byTestId<HTMLButtonElement>(el, 'security-log-older')?.disabled).toBe(true);

    byTestId<HTMLButtonElement>(el, 'security-log-newer')?.click();
    const again = await nextRequest(isLog, 'first page again');
    expect(again.request.params.has('cursor')).toBe(false);
    again.flush({ items: [], nextCursor: null });
  });

  it('is not available to members, and asks nothing of the API', async () => {
    await signIn({ role: 'member' });
    const fixture = TestBed.createComponent(SecurityLogPage);
    await fixture.whenStable();

    expect(byTestId(fixture.nativeElement as HTMLElement, 'security-log-forbidden')).not.toBeNull();
  });
});
