import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { RecomputePreviewDto, RecomputeProgressDto } from '@act/contracts';
import { WS, WS_URL, allByTestId, byTestId, call, get, nextRequest, text, tick } from '../testing/usage-fixtures.testing';
import { PriceOverrideForm } from './price-override-form';
import { RECOMPUTE_POLL_MS } from './recompute-progress';

const PREVIEW: RecomputePreviewDto = {
  workspaceId: WS,
  currency: 'USD',
  fromVersion: 1,
  rowsInScope: 10,
  rowsChanged: 4,
  delta: '1.5',
  byMonth: [{ month: '2026-02', before: '3', after: '4.5', delta: '1.5', rows: 4, closed: false }],
  byMonthAndModel: [
    { month: '2026-02', provider: 'openai', model: 'gpt-4o-mini', rows: 4, before: '3', after: '4.5', delta: '1.5', becameUnpriced: 0, becamePriced: 2 },
  ],
  unaffectedVariants: [],
};

function type(el: HTMLElement, testId: string, value: string): void {
  const input = byTestId<HTMLInputElement>(el, testId);
  if (!input) throw new Error(`no ${testId}`);
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

describe('PriceOverrideForm', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), { provide: RECOMPUTE_POLL_MS, useValue: 5 }],
    });
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  async function render(canApply = true) {
    const fixture = TestBed.createComponent(PriceOverrideForm);
    fixture.componentRef.setInput('workspaceId', WS);
    fixture.componentRef.setInput('provider', 'openai');
    fixture.componentRef.setInput('model', 'gpt-4o-mini');
    fixture.componentRef.setInput('canApply', canApply);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    type(el, 'override-effective-from', '2026-02-01');
    type(el, 'override-price-input', '0.2');
    type(el, 'override-price-output', '0.8');
    await fixture.whenStable();
    return { fixture, el };
  }

  async function preview(fixture: { whenStable(): Promise<void> }, el: HTMLElement, reply: RecomputePreviewDto = PREVIEW) {
    byTestId<HTMLButtonElement>(el, 'override-preview')?.click();
    const req = await nextRequest(call('POST', `${WS_URL}/recomputes`), 'preview');
    expect(req.request.params.get('dryRun')).toBe('true');
    expect(req.request.body).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      effectiveFrom: '2026-02-01',
      prices: { input: '0.0000002', output: '0.0000008' },
    });
    req.flush(reply);
    await tick();
    await fixture.whenStable();
  }

  it('previews the effect per month and model, applies it, and follows the recompute to the end', async () => {
    const { fixture, el } = await render();
    const applied: RecomputeProgressDto[] = [];
    fixture.componentInstance.applied.subscribe((p) => applied.push(p));

    await preview(fixture, el);
    expect(text(el, 'override-preview-delta')).toBe('+$1.50');
    expect(allByTestId(el, 'override-preview-month')).toHaveLength(1);
    expect(text(el, 'override-preview-model-delta')).toBe('+$1.50');
    expect(byTestId(el, 'override-preview-variants')).toBeNull();

    byTestId<HTMLButtonElement>(el, 'override-apply')?.click();
    const apply = await nextRequest(call('POST', `${WS_URL}/recomputes`), 'apply');
    expect(apply.request.params.get('dryRun')).toBe('false');
    apply.flush({ recomputeId: 'rc-9', version: 2, position: '90', priceSetId: 'ps-9', queuedBehind: null, rowsChanged: 4 });

    const base = {
      recomputeId: 'rc-9', workspaceId: WS, version: 2, rowsTotal: 4, rowsChanged: 0, requestedBy: 'u-ada',
      requestedAt: '2026-03-02T10:00:00Z', finishedAt: null, lastError: null,
    };
    (await nextRequest(get(`${WS_URL}/recomputes/rc-9`), 'progress')).flush({ ...base, state: 'running', rowsDone: 2 });
    await tick();
    await fixture.whenStable();
    expect(byTestId(el, 'recompute-progress')?.dataset['state']).toBe('running');
    (await nextRequest(get(`${WS_URL}/recomputes/rc-9`), 'progress done')).flush({ ...base, state: 'done', rowsDone: 4, rowsChanged: 4 });
    await tick(20);
    await fixture.whenStable();
    expect(byTestId(el, 'recompute-progress')?.dataset['state']).toBe('done');
    expect(applied.map((p) => p.version)).toEqual([2]);
  });

  it('says when usage recorded under a dated id of the model keeps its own price, naming it with its rows and estimate', async () => {
    const { fixture, el } = await render();
    await preview(fixture, el, {
      ...PREVIEW,
      rowsChanged: 0,
      delta: '0',
      byMonth: [],
      byMonthAndModel: [],
      unaffectedVariants: [{ provider: 'openai', model: 'gpt-4o-mini-2024-07-18', rows: 92, estimated: '12.34' }],
    });
    expect(text(el, 'override-preview-variants')).toBe(
      'Usage recorded as gpt-4o-mini-2024-07-18 (92 rows, $12.34) keeps its own price: set the price on that model too.',
    );
    expect(byTestId(el, 'override-preview-none')).not.toBeNull();
    // Applying is still possible: the price of gpt-4o-mini itself is what was asked for.
    expect(byTestId<HTMLButtonElement>(el, 'override-apply')?.disabled).toBe(false);
  });

  it('forgets a preview when the prices change, so what is applied is what was previewed', async () => {
    const { fixture, el } = await render();
    await preview(fixture, el);
    type(el, 'override-price-output', '0.9');
    await fixture.whenStable();
    expect(byTestId(el, 'override-preview-result')).toBeNull();
    expect(byTestId(el, 'override-apply')).toBeNull();
  });

  it('says so when the price is set without a recompute to follow', async () => {
    const { fixture, el } = await render();
    await preview(fixture, el);
    byTestId<HTMLButtonElement>(el, 'override-apply')?.click();
    (await nextRequest(call('POST', `${WS_URL}/recomputes`), 'apply')).flush({
      recomputeId: null, version: null, position: '91', priceSetId: 'ps-9', queuedBehind: 'rc-8', rowsChanged: 4,
    });
    await tick();
    await fixture.whenStable();
    expect(text(el, 'override-outcome')).toContain('Another recompute is running');
  });

  it('refuses a malformed price and shows field errors from the API', async () => {
    const { fixture, el } = await render();
    type(el, 'override-price-input', '0,2');
    await fixture.whenStable();
    byTestId<HTMLButtonElement>(el, 'override-preview')?.click();
    await fixture.whenStable();
    expect(TestBed.inject(HttpTestingController).match(call('POST', `${WS_URL}/recomputes`))).toHaveLength(0);

    type(el, 'override-price-input', '0.2');
    await fixture.whenStable();
    byTestId<HTMLButtonElement>(el, 'override-preview')?.click();
    (await nextRequest(call('POST', `${WS_URL}/recomputes`), 'preview')).flush(
      { status: 400, title: 'Bad Request', detail: 'The request has invalid fields.', errors: [{ path: 'model', message: 'unknown model' }] },
      { status: 400, statusText: 'Bad Request' },
    );
    await tick();
    await fixture.whenStable();
    expect(text(el, 'override-error')).toContain('The request has invalid fields.');
    expect(text(el, 'override-error')).toContain('model: unknown model');
  });

  it('lets a member preview but not apply', async () => {
    const { fixture, el } = await render(false);
    await preview(fixture, el);
    expect(byTestId(el, 'override-preview-result')).not.toBeNull();
    expect(byTestId(el, 'override-apply')).toBeNull();
  });
});
