import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { SyncRunDto } from '@act/contracts';
import {
  NO_ANIMATIONS,
  accountFixture,
  allByTestId,
  byTestId,
  call,
  get,
  nextRequest,
  text,
  tick,
} from '../testing/identity-fixtures.testing';
import { SYNC_POLL_MS, SyncHistory, errorCategoryLabel } from './sync-history';

const RUNS = 'api/v1/workspaces/ws1/accounts/acc1/sync-runs';

function run(overrides: Partial<SyncRunDto> = {}): SyncRunDto {
  return {
    id: 'run1',
    kind: 'manual',
    status: 'succeeded',
    from: '2026-02-01',
    to: '2026-03-02',
    daysDone: 30,
    daysTotal: 30,
    currentStep: null,
    startedAt: '2026-03-02T10:00:00Z',
    finishedAt: '2026-03-02T10:01:00Z',
    appended: 42,
    requests: 12,
    pendingDays: ['2026-03-02'],
    warnings: [],
    error: null,
    ...overrides,
  };
}

describe('SyncHistory', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), NO_ANIMATIONS, { provide: SYNC_POLL_MS, useValue: 5 }],
    });
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  async function render(expectRunId: string | null = null) {
    const fixture = TestBed.createComponent(SyncHistory);
    fixture.componentRef.setInput('workspaceId', 'ws1');
    fixture.componentRef.setInput('account', accountFixture());
    fixture.componentRef.setInput('expectRunId', expectRunId);
    fixture.componentRef.setInput('canSync', true);
    fixture.detectChanges();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('shows a running run with its progress and keeps polling until it ends', async () => {
    const { fixture, el } = await render();
    (await nextRequest(get(RUNS), 'runs')).flush({
      items: [run({ status: 'running', daysDone: 12, daysTotal: 30, currentStep: 'usage/completions page 3', finishedAt: null })],
      nextCursor: null,
    });
    await fixture.whenStable();

    expect(byTestId(el, 'sync-run')?.dataset['status']).toBe('running');
    expect(text(el, 'sync-run-progress-text')).toBe('12 of 30 days · usage/completions page 3');
    expect(byTestId(el, 'sync-run-progress')?.getAttribute('aria-valuenow')).toBe('40');

    // The next poll sees it finished; polling stops there (verify() proves no further request).
    (await nextRequest(get(RUNS), 'runs again')).flush({ items: [run()], nextCursor: null });
    await fixture.whenStable();
    await tick();
    expect(byTestId(el, 'sync-run')?.dataset['status']).toBe('succeeded');
    expect(text(el, 'sync-run-outcome')).toContain('42 new observations from 12 requests');
    expect(text(el, 'sync-run-outcome')).toContain('1 day not final yet');
    expect(byTestId(el, 'sync-run-progress')).toBeNull();
  });

  it('shows the typed error of a failed run', async () => {
    const { fixture, el } = await render();
    (await nextRequest(get(RUNS), 'runs')).flush({
      items: [
        run({
          status: 'failed',
          error: { category: 'permission', code: 'insufficient_scope', message: 'The key cannot read usage. Use an Admin key.' },
        }),
      ],
      nextCursor: null,
    });
    await fixture.whenStable();

    const error = byTestId(el, 'sync-run-error');
    expect(error?.dataset['category']).toBe('permission');
    expect(error?.textContent).toContain('Missing permission');
    expect(error?.textContent).toContain('insufficient_scope');
    expect(error?.textContent).toContain('Use an Admin key.');
    expect(byTestId(el, 'sync-run-status')?.dataset['tone']).toBe('error');
  });

  it('keeps looking for a run it was told about until the run shows up', async () => {
    const { fixture, el } = await render('run2');
    (await nextRequest(get(RUNS), 'before the run is recorded')).flush({ items: [run()], nextCursor: null });
    (await nextRequest(get(RUNS), 'the new run')).flush({
      items: [run({ id: 'run2', status: 'running', daysDone: 0, daysTotal: 4, finishedAt: null }), run()],
      nextCursor: null,
    });
    (await nextRequest(get(RUNS), 'the run done')).flush({ items: [run({ id: 'run2' }), run()], nextCursor: null });
    await fixture.whenStable();
    await tick();
    expect(allByTestId(el, 'sync-run')).toHaveLength(2);
  });

  it('re-syncs a chosen range', async () => {
    const { fixture, el } = await render();
    (await nextRequest(get(RUNS), 'runs')).flush({ items: [], nextCursor: null });
    await fixture.whenStable();
    expect(text(el, 'sync-history-empty')).toBe('No sync has run yet.');

    for (const [testId, value] of [['resync-from', '2026-02-01'], ['resync-to', '2026-02-07']]) {
      const input = byTestId<HTMLInputElement>(el, testId as string);
      if (input) input.value = value as string;
    }
    byTestId<HTMLButtonElement>(el, 'resync-submit')?.click();
    const req = await nextRequest(call('POST', 'api/v1/workspaces/ws1/accounts/acc1/sync'), 'resync');
    expect(req.request.body).toEqual({ from: '2026-02-01', to: '2026-02-07' });
    req.flush({ runId: 'run3', state: 'started' });
    (await nextRequest(get(RUNS), 'runs with the re-sync')).flush({
      items: [run({ id: 'run3', from: '2026-02-01', to: '2026-02-07' })],
      nextCursor: null,
    });
    await fixture.whenStable();
    expect(text(el, 'resync-message')).toBe('Re-reading 2026-02-01 to 2026-02-07.');
  });

  it("shows the credit balance a run read; a failed read is the run's warning", async () => {
    const { fixture, el } = await render();
    (await nextRequest(get(RUNS), 'runs')).flush({
      items: [
        run({ id: 'run2', balance: { status: 'read', totalCredits: '250', totalUsage: '187.4213', remaining: '62.5787', currency: 'USD', readAt: '2026-03-02T10:01:00Z' } }),
        run({
          id: 'run1',
          warnings: ['The credit balance could not be read (permission/forbidden): Use a management key.'],
          balance: { status: 'unavailable', error: { category: 'permission', code: 'forbidden', message: 'Use a management key.' }, readAt: '2026-03-01T10:01:00Z' },
        }),
      ],
      nextCursor: null,
    });
    await fixture.whenStable();
    const [read, failed] = allByTestId(el, 'sync-run');
    expect(text(read as HTMLElement, 'sync-run-balance')).toBe('Credits: $62.58 left of $250.00 ($187.42 used)');
    expect(byTestId(failed as HTMLElement, 'sync-run-balance')).toBeNull();
    expect(failed?.textContent).toContain('The credit balance could not be read (permission/forbidden)');
  });

  it('says when a run it followed ended, once, and does not start over for a fresh copy of the same account', async () => {
    const { fixture } = await render('run1');
    let ended = 0;
    fixture.componentInstance.runEnded.subscribe(() => ended++);
    (await nextRequest(get(RUNS), 'runs')).flush({ items: [run({ status: 'running', finishedAt: null })], nextCursor: null });
    await fixture.whenStable();
    expect(ended).toBe(0);
    (await nextRequest(get(RUNS), 'runs again')).flush({ items: [run()], nextCursor: null });
    await fixture.whenStable();
    await tick();
    expect(ended).toBe(1);
    // The page reloads its list (new objects): the history keeps what it has (verify() proves no request).
    fixture.componentRef.setInput('account', accountFixture());
    fixture.detectChanges();
    await tick(20);
    expect(ended).toBe(1);
  });

  it('names the error categories of the connectors', () => {
    expect(errorCategoryLabel('auth')).toBe('Key rejected');
    expect(errorCategoryLabel('provider_schema_changed')).toBe('Provider changed its format');
    expect(errorCategoryLabel('something_new')).toBe('something new');
  });
});
