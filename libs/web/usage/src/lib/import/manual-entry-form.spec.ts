import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { ManualEntryDto, ManualEntryWriteDto } from '../data-access/ingest-types';
import {
  NO_ANIMATIONS,
  WS,
  WS_URL,
  accountFixture,
  allByTestId,
  byTestId,
  call,
  entryFixture,
  nextRequest,
  text,
  tick,
  type,
} from '../testing/usage-fixtures.testing';
import { ManualEntryForm } from './manual-entry-form';

const ACCOUNTS = [
  accountFixture({ id: 'acc1', provider: 'custom', displayName: 'Self-hosted Llama' }),
  accountFixture({ id: 'acc2', provider: 'openai', displayName: 'OpenAI production' }),
];

function written(entry: ManualEntryDto, position = '77'): ManualEntryWriteDto {
  return { ...entry, position };
}

describe('ManualEntryForm', () => {
  let fixture: ComponentFixture<ManualEntryForm>;
  let el: HTMLElement;
  const emitted = { created: [] as ManualEntryWriteDto[], saved: [] as ManualEntryWriteDto[], cancelled: 0 };

  beforeEach(async () => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting(), NO_ANIMATIONS] });
    fixture = TestBed.createComponent(ManualEntryForm);
    fixture.componentRef.setInput('workspaceId', WS);
    fixture.componentRef.setInput('accounts', ACCOUNTS);
    emitted.created = [];
    emitted.saved = [];
    emitted.cancelled = 0;
    fixture.componentInstance.created.subscribe((entry) => emitted.created.push(entry));
    fixture.componentInstance.saved.subscribe((entry) => emitted.saved.push(entry));
    fixture.componentInstance.cancelled.subscribe(() => emitted.cancelled++);
    el = fixture.nativeElement as HTMLElement;
    await settle();
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  async function settle(): Promise<void> {
    await tick();
    fixture.detectChanges();
    await fixture.whenStable();
  }

  function input(testId: string): HTMLInputElement {
    const found = byTestId<HTMLInputElement>(el, testId);
    if (!found) throw new Error(`no ${testId}`);
    return found;
  }

  async function submit(): Promise<void> {
    byTestId<HTMLFormElement>(el, 'manual-entry-form')?.dispatchEvent(new Event('submit'));
    await settle();
  }

  async function chooseAccount(id: string): Promise<void> {
    (el.querySelector('[data-testid="manual-account"] .mat-mdc-select-trigger') as HTMLElement).click();
    await settle();
    (document.querySelector(`[data-testid="manual-account-${id}"]`) as HTMLElement).click();
    await settle();
  }

  async function edit(entry: ManualEntryDto): Promise<void> {
    fixture.componentRef.setInput('entry', entry);
    await settle();
  }

  it('adds an entry: account, day, model and the numbers given, then keeps the account and day for the next one', async () => {
    expect(byTestId(el, 'manual-entry-form')?.dataset['mode']).toBe('create');
    expect(text(el, 'manual-submit')).toBe('Add entry');
    expect(byTestId(el, 'manual-cancel')).toBeNull();
    await chooseAccount('acc1');
    input('manual-day').value = '2026-03-01';
    input('manual-day').dispatchEvent(new Event('input'));
    type(input('manual-model'), ' ChatGPT Team seats ');
    type(input('manual-requests'), '1');
    type(input('manual-amount'), '19.00');
    await submit();

    const post = await nextRequest(call('POST', `${WS_URL}/manual-entries`), 'create');
    expect(post.request.body).toEqual({
      accountId: 'acc1',
      day: '2026-03-01',
      model: 'ChatGPT Team seats',
      units: { requests: 1 },
      amount: '19.00',
      currency: 'USD',
    });
    post.flush(written(entryFixture({ model: 'ChatGPT Team seats', day: '2026-03-01', project: null })));
    await settle();
    expect(emitted.created.map((entry) => entry.model)).toEqual(['ChatGPT Team seats']);
    expect(input('manual-model').value).toBe('');
    expect(input('manual-amount').value).toBe('');
    expect(input('manual-day').value).toBe('2026-03-01');
  });

  it('sends nothing without a number, or with a number that is not one', async () => {
    await chooseAccount('acc1');
    type(input('manual-model'), 'seats');
    await submit();
    expect(el.textContent).toContain('Enter tokens, requests or a cost.');

    type(input('manual-input-tokens'), '12.5');
    await submit();
    expect(text(el, 'manual-input-tokens-error')).toBe('A whole number');
    TestBed.inject(HttpTestingController).expectNone(call('POST', `${WS_URL}/manual-entries`));
  });

  it('opens on an entry with its numbers, keeps its key and saves the changes through PATCH', async () => {
    await edit(entryFixture());
    expect(byTestId(el, 'manual-entry-form')?.dataset['mode']).toBe('edit');
    expect(text(el, 'manual-edit-key')).toBe('Self-hosted Llama · 2026-03-02 · gpu-node-rental · project research');
    // The key is not a field: account, day, model and project stay.
    expect(byTestId(el, 'manual-account')).toBeNull();
    expect(byTestId(el, 'manual-model')).toBeNull();
    expect([input('manual-input-tokens').value, input('manual-output-tokens').value, input('manual-requests').value, input('manual-amount').value]).toEqual([
      '120000',
      '',
      '52',
      '19',
    ]);
    expect(text(el, 'manual-submit')).toBe('Save changes');

    type(input('manual-output-tokens'), '5000');
    type(input('manual-amount'), '12.50');
    await submit();
    const patch = await nextRequest(call('PATCH', `${WS_URL}/manual-entries/me1`), 'edit');
    expect(patch.request.body).toEqual({
      tokens: { inputUncached: 120000, output: 5000 },
      units: { requests: 52 },
      amount: '12.50',
      currency: 'USD',
    });
    patch.flush(written(entryFixture({ amount: '12.5' }), '80'));
    await settle();
    expect(emitted.saved.map((entry) => [entry.id, entry.amount, entry.position])).toEqual([['me1', '12.5', '80']]);
    expect(emitted.created).toEqual([]);
  });

  it('turns emptied fields into zeros and an emptied cost into no cost', async () => {
    await edit(entryFixture());
    type(input('manual-input-tokens'), '');
    type(input('manual-amount'), '');
    await submit();
    const patch = await nextRequest(call('PATCH', `${WS_URL}/manual-entries/me1`), 'edit');
    expect(patch.request.body).toEqual({ tokens: { inputUncached: 0, output: 0 }, units: { requests: 52 }, amount: null });
    patch.flush(written(entryFixture()));
    await settle();
  });

  it('shows the problems the API reports under their fields, and the others in the form', async () => {
    await edit(entryFixture());
    type(input('manual-amount'), '19');
    type(input('manual-requests'), '0');
    await submit();
    (await nextRequest(call('PATCH', `${WS_URL}/manual-entries/me1`), 'edit')).flush(
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request is invalid.',
        errors: [
          { path: 'amount', message: 'amount must be at most 15 digits before the point' },
          { path: 'tokens', message: 'An entry needs at least one token count or unit above 0, or an amount.' },
        ],
      },
      { status: 400, statusText: 'Bad Request', headers: { 'Content-Type': 'application/problem+json' } },
    );
    await settle();
    expect(text(el, 'manual-amount-error')).toBe('amount must be at most 15 digits before the point');
    expect(text(el, 'manual-error')).toContain('The request is invalid.');
    expect(allByTestId(el, 'manual-error-line').map((line) => line.textContent?.trim())).toEqual([
      'tokens: An entry needs at least one token count or unit above 0, or an amount.',
    ]);
    expect(emitted.saved).toEqual([]);
    expect(byTestId(el, 'manual-entry-form')?.dataset['mode']).toBe('edit');

    // Changing the field clears what the API said about it; the next save goes out.
    type(input('manual-amount'), '20');
    await settle();
    expect(byTestId(el, 'manual-amount-error')).toBeNull();
    await submit();
    const retry = await nextRequest(call('PATCH', `${WS_URL}/manual-entries/me1`), 'edit again');
    expect(retry.request.body).toMatchObject({ amount: '20' });
    retry.flush(written(entryFixture({ amount: '20' })));
    await settle();
    expect(emitted.saved).toHaveLength(1);
    expect(byTestId(el, 'manual-error')).toBeNull();
  });

  it('says why a new entry was refused (a conflict names no field)', async () => {
    await chooseAccount('acc2');
    type(input('manual-model'), 'gpt-4o-mini');
    type(input('manual-amount'), '1');
    await submit();
    (await nextRequest(call('POST', `${WS_URL}/manual-entries`), 'create')).flush(
      { type: 'about:blank', title: 'Conflict', status: 409, detail: 'This account’s usage of gpt-4o-mini comes from request-log.' },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    expect(text(el, 'manual-error')).toBe('This account’s usage of gpt-4o-mini comes from request-log.');
    expect(emitted.created).toEqual([]);
  });

  it('cancels an edit and goes back to adding entries', async () => {
    await edit(entryFixture());
    byTestId(el, 'manual-cancel')?.click();
    expect(emitted.cancelled).toBe(1);
    fixture.componentRef.setInput('entry', null);
    await settle();
    expect(byTestId(el, 'manual-entry-form')?.dataset['mode']).toBe('create');
    expect(byTestId(el, 'manual-model')).not.toBeNull();
    expect(input('manual-amount').value).toBe('');
  });
});
