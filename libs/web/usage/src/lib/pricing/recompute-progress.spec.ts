import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { RecomputeProgressDto } from '@act/contracts';
import { WS, WS_URL, byTestId, get, nextRequest, text, tick } from '../testing/usage-fixtures.testing';
import { RECOMPUTE_POLL_MS, RecomputeProgress } from './recompute-progress';

const PROGRESS = `${WS_URL}/recomputes/rc-1`;

function progress(overrides: Partial<RecomputeProgressDto>): RecomputeProgressDto {
  return {
    recomputeId: 'rc-1',
    workspaceId: WS,
    version: 2,
    state: 'running',
    rowsDone: 0,
    rowsTotal: 40,
    rowsChanged: 0,
    requestedBy: 'u-ada',
    requestedAt: '2026-03-02T10:00:00Z',
    finishedAt: null,
    lastError: null,
    ...overrides,
  };
}

describe('RecomputeProgress', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), { provide: RECOMPUTE_POLL_MS, useValue: 5 }],
    });
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('polls the progress until the new version is current, then stops and says so', async () => {
    const fixture = TestBed.createComponent(RecomputeProgress);
    fixture.componentRef.setInput('workspaceId', WS);
    fixture.componentRef.setInput('recomputeId', 'rc-1');
    const done: RecomputeProgressDto[] = [];
    fixture.componentInstance.done.subscribe((p) => done.push(p));
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    const bar = () => el.querySelector('mat-progress-bar') as HTMLElement;

    (await nextRequest(get(PROGRESS), 'queued')).flush(progress({ state: 'queued' }));
    await fixture.whenStable();
    expect(byTestId(el, 'recompute-progress')?.dataset['state']).toBe('queued');
    expect(bar().getAttribute('mode')).toBe('indeterminate');

    (await nextRequest(get(PROGRESS), 'running')).flush(progress({ rowsDone: 10 }));
    await fixture.whenStable();
    expect(bar().getAttribute('aria-valuenow')).toBe('25');
    expect(text(el, 'recompute-progress-text')).toBe('Recomputing (cost version 2): 10 of 40 rows.');

    (await nextRequest(get(PROGRESS), 'done')).flush(
      progress({ state: 'done', rowsDone: 40, rowsChanged: 12, finishedAt: '2026-03-02T10:00:05Z' }),
    );
    await fixture.whenStable();
    await tick(20);
    expect(byTestId(el, 'recompute-progress')?.dataset['state']).toBe('done');
    expect(text(el, 'recompute-progress-text')).toBe('Done: cost version 2 is current; 12 rows changed.');
    expect(done.map((p) => p.state)).toEqual(['done']);
    // verify() in afterEach: no request after the one that said done.
  });

  it('shows the last error of a recompute that keeps failing', async () => {
    const fixture = TestBed.createComponent(RecomputeProgress);
    fixture.componentRef.setInput('workspaceId', WS);
    fixture.componentRef.setInput('recomputeId', 'rc-1');
    fixture.detectChanges();
    (await nextRequest(get(PROGRESS), 'running')).flush(progress({ rowsDone: 5, lastError: 'Batch 2 failed: retrying.' }));
    await fixture.whenStable();
    expect(text(fixture.nativeElement, 'recompute-error')).toBe('Batch 2 failed: retrying.');
    // The next poll finds it done, which ends the polling.
    (await nextRequest(get(PROGRESS), 'done')).flush(progress({ state: 'done', rowsDone: 40 }));
    await tick(20);
  });
});
