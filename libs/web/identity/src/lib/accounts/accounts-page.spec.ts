import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { AccountBalanceDto, AccountDto, WorkspaceRole } from '@act/contracts';
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
} from '../testing/identity-fixtures.testing';
import { AccountsPage } from './accounts-page';
import { SYNC_POLL_MS } from './sync-history';

const ACCOUNTS = 'api/v1/workspaces/ws1/accounts';

describe('AccountsPage', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        NO_ANIMATIONS,
        { provide: SYNC_POLL_MS, useValue: 5 },
      ],
    });
  });

  async function render(
    role: WorkspaceRole,
    accounts: AccountDto[] = [accountFixture()],
  ): Promise<{ fixture: ComponentFixture<AccountsPage>; el: HTMLElement }> {
    await signIn({ role });
    const fixture = TestBed.createComponent(AccountsPage);
    fixture.detectChanges();
    (await nextRequest(get(ACCOUNTS), 'accounts')).flush({ items: accounts, nextCursor: null });
    await tick();
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('lists accounts with a status chip and the credential hint', async () => {
    const { el } = await render('owner', [
      accountFixture(),
      accountFixture({ id: 'acc2', provider: 'groq', displayName: 'Groq', status: 'paused', syncEnabled: false, credentialHint: null }),
    ]);
    const rows = allByTestId(el, 'account-row');

    expect(rows).toHaveLength(2);
    expect(text(rows[0] as HTMLElement, 'account-status')).toBe('Active');
    expect(byTestId(rows[0] as HTMLElement, 'account-status')?.dataset['tone']).toBe('success');
    expect(text(rows[0] as HTMLElement, 'account-credential-hint')).toBe('sk-admin-…a1b2');
    expect(text(rows[1] as HTMLElement, 'account-status')).toBe('Paused');
    expect(text(rows[1] as HTMLElement, 'account-provider')).toBe('Groq');
  });

  it.each<WorkspaceRole>(['member', 'viewer'])('is read-only for a %s', async (role) => {
    const { el } = await render(role);

    expect(byTestId(el, 'accounts-read-only-note')).not.toBeNull();
    expect(byTestId(el, 'account-connect')).toBeNull();
    expect(byTestId(el, 'account-test')).toBeNull();
    expect(byTestId(el, 'account-actions')).toBeNull();
    expect(allByTestId(el, 'account-row')).toHaveLength(1);
  });

  it('offers no actions on a disconnected account', async () => {
    const { el } = await render('admin', [accountFixture({ status: 'disconnected', credentialHint: null })]);

    expect(text(el, 'account-status')).toBe('Disconnected');
    expect(byTestId(el, 'account-test')).toBeNull();
    expect(byTestId(el, 'account-actions')).toBeNull();
  });

  it('tests the connection and shows the typed result with its message', async () => {
    const { fixture, el } = await render('admin');
    byTestId<HTMLButtonElement>(el, 'account-test')?.click();
    await tick();
    fixture.detectChanges();
    expect(text(el, 'account-test')).toBe('Testing…');

    (await nextRequest(call('POST', `${ACCOUNTS}/acc1/test`), 'test')).flush({
      result: 'insufficient_scope',
      message: 'This is a project key. Use an organization Admin key.',
      checkedAt: '2026-03-02T10:00:00Z',
      httpStatus: 403,
      endpoint: 'GET /v1/organization/costs',
    });
    await tick();
    await fixture.whenStable();

    const chip = byTestId(el, 'account-test-result');
    expect(chip?.textContent?.trim()).toBe('Missing permission');
    expect(chip?.dataset['tone']).toBe('error');
    expect(chip?.dataset['result']).toBe('insufficient_scope');
    expect(text(el, 'account-test-message')).toBe(
      'This is a project key. Use an organization Admin key.',
    );
  });

  it('asks before disconnecting, then reloads the list', async () => {
    const { fixture, el } = await render('owner');
    byTestId<HTMLButtonElement>(el, 'account-actions')?.click();
    await fixture.whenStable();
    byTestId<HTMLButtonElement>(document.body, 'account-disconnect')?.click();
    await fixture.whenStable();

    expect(text(document.body, 'confirm-dialog')).toMatch(/stay, read-only/);
    byTestId<HTMLButtonElement>(document.body, 'confirm-accept')?.click();
    (await nextRequest(call('DELETE', `${ACCOUNTS}/acc1`), 'disconnect')).flush({ position: '30' });
    (await nextRequest(get(ACCOUNTS), 'accounts again')).flush({
      items: [accountFixture({ status: 'disconnected' })],
      nextCursor: null,
    });
  });

  it('pauses sync from the actions menu', async () => {
    const { fixture, el } = await render('owner');
    byTestId<HTMLButtonElement>(el, 'account-actions')?.click();
    await fixture.whenStable();
    expect(byTestId(document.body, 'account-resume')).toBeNull();
    byTestId<HTMLButtonElement>(document.body, 'account-pause')?.click();

    const req = await nextRequest(call('PATCH', `${ACCOUNTS}/acc1`), 'pause');
    expect(req.request.body).toEqual({ syncEnabled: false });
  });

  it('offers Sync now for providers with a usage API only, to members too but not viewers', async () => {
    const accounts = [
      accountFixture(),
      accountFixture({ id: 'acc2', provider: 'groq', displayName: 'Groq' }),
    ];
    const member = await render('member', accounts);
    const rows = allByTestId(member.el, 'account-row');
    expect(byTestId(rows[0] as HTMLElement, 'account-sync-now')).not.toBeNull();
    expect(byTestId(rows[1] as HTMLElement, 'account-sync-now')).toBeNull();
    expect(byTestId(rows[1] as HTMLElement, 'account-sync-history')).toBeNull();
    member.fixture.destroy();
  });

  it('hides Sync now from a viewer, who still sees the history', async () => {
    const { el } = await render('viewer');
    expect(byTestId(el, 'account-sync-now')).toBeNull();
    expect(byTestId(el, 'account-sync-history')).not.toBeNull();
  });

  it('starts a sync and follows it in the history', async () => {
    const { fixture, el } = await render('owner');
    byTestId<HTMLButtonElement>(el, 'account-sync-now')?.click();
    (await nextRequest(call('POST', `${ACCOUNTS}/acc1/sync`), 'sync')).flush({ runId: 'run1', state: 'started' });
    const running = {
      id: 'run1', kind: 'manual', status: 'running', from: '2026-02-01', to: '2026-03-02', daysDone: 3, daysTotal: 30,
      currentStep: 'costs page 1', startedAt: '2026-03-02T10:00:00Z', finishedAt: null, appended: 0, requests: 1,
      pendingDays: [], warnings: [], error: null,
    };
    (await nextRequest(get(`${ACCOUNTS}/acc1/sync-runs`), 'runs')).flush({ items: [running], nextCursor: null });
    await fixture.whenStable();
    expect(byTestId(el, 'sync-history')?.dataset['accountId']).toBe('acc1');
    expect(text(el, 'sync-run-progress-text')).toBe('3 of 30 days · costs page 1');

    (await nextRequest(get(`${ACCOUNTS}/acc1/sync-runs`), 'runs again')).flush({
      items: [{ ...running, status: 'succeeded', daysDone: 30, finishedAt: '2026-03-02T10:02:00Z', appended: 90 }],
      nextCursor: null,
    });
    await fixture.whenStable();
    await tick();
    expect(text(el, 'sync-run-outcome')).toContain('90 new observations');
  });

  describe('credit balance (OpenRouter)', () => {
    const router = accountFixture({ id: 'acc-or', provider: 'openrouter', displayName: 'OpenRouter', credentialHint: 'sk-or-v1-…9f3c' });
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const read = (overrides: Partial<AccountBalanceDto> = {}): AccountBalanceDto => ({
      accountId: 'acc-or',
      supported: true,
      balance: { totalCredits: '50.00', totalUsage: '37.66', remaining: '12.34', currency: 'USD', readAt: minutesAgo(5), runId: 'run7' },
      unavailable: null,
      ...overrides,
    });

    /** Renders the OpenRouter account beside an OpenAI one, answering its balance request with `answer`. */
    async function renderWithBalance(answer: AccountBalanceDto | 'error') {
      await signIn({ role: 'owner' });
      const fixture = TestBed.createComponent(AccountsPage);
      fixture.detectChanges();
      (await nextRequest(get(ACCOUNTS), 'accounts')).flush({ items: [accountFixture(), router], nextCursor: null });
      const request = await nextRequest(get(`${ACCOUNTS}/acc-or/balance`), 'balance');
      if (answer === 'error') request.flush({ title: 'Bad gateway' }, { status: 502, statusText: 'Bad Gateway' });
      else request.flush(answer);
      await tick();
      await fixture.whenStable();
      const el = fixture.nativeElement as HTMLElement;
      const [openai, openrouter] = allByTestId(el, 'account-row') as HTMLElement[];
      return { fixture, el, openai, openrouter };
    }

    it('shows what is left of the credits bought and how fresh it is; only for OpenRouter', async () => {
      const { openai, openrouter } = await renderWithBalance(read());
      expect(text(openrouter, 'account-balance')).toBe('Credits: $12.34 left of $50.00, read 5 min ago');
      expect(byTestId(openrouter, 'account-balance')?.getAttribute('title')).toMatch(/^Read /);
      expect(byTestId(openrouter, 'account-balance-problem')).toBeNull();
      expect(byTestId(openai, 'account-balance')).toBeNull();
      // One balance request: none for the OpenAI account.
      expect(TestBed.inject(HttpTestingController).match((req) => req.url.endsWith('/balance'))).toEqual([]);
    });

    it('keeps the last balance read and says why the latest read failed', async () => {
      const { openrouter } = await renderWithBalance(
        read({
          unavailable: {
            category: 'provider_schema_changed',
            code: 'missing_field',
            message: 'OpenRouter changed its /credits answer; the balance was not read.',
            at: minutesAgo(2),
            runId: 'run8',
          },
        }),
      );
      expect(text(openrouter, 'account-balance')).toBe('Credits: $12.34 left of $50.00, read 5 min ago');
      expect(text(openrouter, 'account-balance-problem')).toBe(
        'The last read failed (2 min ago): Provider changed its format. OpenRouter changed its /credits answer; the balance was not read.',
      );
    });

    it('before any balance was read: unavailable, with the reason', async () => {
      const failed = await renderWithBalance(
        read({ balance: null, unavailable: { category: 'permission', code: 'forbidden', message: 'Use a management key.', at: minutesAgo(90), runId: 'run1' } }),
      );
      expect(text(failed.openrouter, 'account-balance')).toBe('Credits: unavailable');
      expect(text(failed.openrouter, 'account-balance-problem')).toBe('The last read failed (1 h ago): Missing permission. Use a management key.');
    });

    it('before any balance was read and nothing failed: read at the next sync', async () => {
      const never = await renderWithBalance(read({ balance: null }));
      expect(text(never.openrouter, 'account-balance')).toBe('Credits: read at the next sync');
      expect(byTestId(never.openrouter, 'account-balance-problem')).toBeNull();
    });

    it('an overdrawn account says so', async () => {
      const overdrawn = await renderWithBalance(
        read({ balance: { totalCredits: '10', totalUsage: '10.5', remaining: '-0.5', currency: 'USD', readAt: minutesAgo(0), runId: 'r' } }),
      );
      expect(text(overdrawn.openrouter, 'account-balance')).toBe('Credits: overdrawn by $0.50 (of $10.00), read just now');
    });

    it('a balance request that fails shows as not loaded, the accounts stay listed', async () => {
      const { el, openrouter } = await renderWithBalance('error');
      expect(allByTestId(el, 'account-row')).toHaveLength(2);
      expect(text(openrouter, 'account-balance')).toBe('Credits: could not be loaded');
    });

    it('reads the balance again when a sync followed in the history ends', async () => {
      const { fixture, el, openrouter } = await renderWithBalance(read());
      byTestId<HTMLButtonElement>(openrouter, 'account-sync-now')?.click();
      (await nextRequest(call('POST', `${ACCOUNTS}/acc-or/sync`), 'sync')).flush({ runId: 'run9', state: 'started' });
      const run = {
        id: 'run9', kind: 'manual', status: 'running', from: '2026-02-01', to: '2026-03-02', daysDone: 3, daysTotal: 30,
        currentStep: 'activity', startedAt: '2026-03-02T10:00:00Z', finishedAt: null, appended: 0, requests: 1,
        pendingDays: [], warnings: [], error: null, balance: null,
      };
      (await nextRequest(get(`${ACCOUNTS}/acc-or/sync-runs`), 'runs')).flush({ items: [run], nextCursor: null });
      const balance = { status: 'read', totalCredits: '50', totalUsage: '40', remaining: '10', currency: 'USD', readAt: minutesAgo(0) };
      (await nextRequest(get(`${ACCOUNTS}/acc-or/sync-runs`), 'runs again')).flush({
        items: [{ ...run, status: 'succeeded', daysDone: 30, finishedAt: '2026-03-02T10:02:00Z', appended: 9, balance }],
        nextCursor: null,
      });
      (await nextRequest(get(`${ACCOUNTS}/acc-or/balance`), 'balance after the run')).flush(
        read({ balance: { totalCredits: '50', totalUsage: '40', remaining: '10', currency: 'USD', readAt: minutesAgo(0), runId: 'run9' } }),
      );
      await tick();
      await fixture.whenStable();
      expect(text(el, 'sync-run-balance')).toBe('Credits: $10.00 left of $50.00 ($40.00 used)');
      expect(text(allByTestId(el, 'account-row')[1] as HTMLElement, 'account-balance')).toBe('Credits: $10.00 left of $50.00, read just now');
    });
  });

  it('shows why an account needs attention', async () => {
    const { el } = await render('owner', [
      accountFixture({ status: 'paused', attention: 'The provider refused the key (401). Rotate it, then resume.' }),
    ]);
    expect(text(el, 'account-attention')).toContain('Needs attention');
    expect(text(el, 'account-attention')).toContain('Rotate it, then resume.');
  });
});
