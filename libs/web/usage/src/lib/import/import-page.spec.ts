import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { WorkspaceRole } from '@act/contracts';
import { readYourWritesInterceptor } from '@act/web/identity';
import type { ImportReportDto, ManualEntryDto } from '../data-access/ingest-types';
import {
  NO_ANIMATIONS,
  WS_URL,
  accountFixture,
  allByTestId,
  byTestId,
  call,
  entryFixture,
  get,
  nextRequest,
  text,
  tick,
  signIn,
  type,
} from '../testing/usage-fixtures.testing';
import { ImportPage } from './import-page';

// A page with two Material forms and a table: rendering it takes a while on a busy machine.
jest.setTimeout(20_000);

const ENTRIES = `${WS_URL}/manual-entries`;

const ACCOUNTS = [
  accountFixture({ id: 'acc1', provider: 'custom', displayName: 'Self-hosted Llama' }),
  accountFixture({ id: 'acc2', provider: 'openai', displayName: 'Old OpenAI', status: 'disconnected' }),
];

const SEATS = entryFixture();
const OLD = entryFixture({ id: 'me2', accountId: 'acc2', provider: 'openai', model: 'gpt-4o', project: null, amount: '3.2', day: '2026-02-10' });

describe('ImportPage', () => {
  let fixture: ComponentFixture<ImportPage>;
  let el: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([readYourWritesInterceptor])),
        provideHttpClientTesting(),
        NO_ANIMATIONS,
      ],
    });
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  async function settle(): Promise<void> {
    await tick();
    fixture.detectChanges();
    await fixture.whenStable();
  }

  async function render(role: WorkspaceRole = 'member', entries: ManualEntryDto[] = [SEATS, OLD]): Promise<void> {
    await signIn(role);
    fixture = TestBed.createComponent(ImportPage);
    el = fixture.nativeElement as HTMLElement;
    fixture.detectChanges();
    (await nextRequest(get(`${WS_URL}/accounts`), 'accounts')).flush({ items: ACCOUNTS, nextCursor: null });
    (await nextRequest(get(ENTRIES), 'manual entries')).flush({ items: entries, nextCursor: null });
    await settle();
  }

  /** The list is read again after a write, waiting for that write's position. */
  async function reread(position: string, entries: ManualEntryDto[]): Promise<void> {
    const req = await nextRequest(get(ENTRIES), 'manual entries again');
    expect(req.request.params.get('waitFor')).toBe(position);
    req.flush({ items: entries, nextCursor: null });
    await settle();
  }

  function row(id: string): HTMLElement {
    const found = el.querySelector<HTMLElement>(`[data-testid="manual-entry-row"][data-id="${id}"]`);
    if (!found) throw new Error(`no row ${id}`);
    return found;
  }

  function cells(id: string): string[] {
    return Array.from(row(id).querySelectorAll('td')).map((td) => td.textContent?.replace(/\s+/g, ' ').trim() ?? '');
  }

  function field(testId: string): HTMLInputElement {
    const found = byTestId<HTMLInputElement>(el, testId);
    if (!found) throw new Error(`no ${testId}`);
    return found;
  }

  async function submit(): Promise<void> {
    byTestId<HTMLFormElement>(el, 'manual-entry-form')?.dispatchEvent(new Event('submit'));
    await settle();
  }

  it('lists the entries with their account, usage, amount and the manual chip; only writable accounts can be changed', async () => {
    await render();
    expect(cells('me1').slice(0, 5)).toEqual([
      '2026-03-02',
      'Self-hosted Llama',
      'gpu-node-rentalproject research',
      '120000 in / 0 out, 52 requests',
      '$19.00Manual',
    ]);
    expect(row('me1').querySelector('[data-testid="manual-entry-source"]')?.getAttribute('data-status')).toBe('manual');
    expect(text(row('me1'), 'manual-entry-amount')).toBe('$19.00');
    expect(byTestId(row('me1'), 'manual-entry-edit')).not.toBeNull();
    expect(byTestId(row('me1'), 'manual-entry-delete')).not.toBeNull();
    // The disconnected account's entry stays listed; the API would refuse to change it.
    expect(byTestId(row('me2'), 'manual-entry-edit')).toBeNull();
    expect(text(row('me2'), 'manual-entry-locked')).toBe('Account disconnected');
    expect(text(el, 'manual-entry-card-title')).toBe('Add a manual entry');
  });

  it('shows viewers the list without the form or the actions', async () => {
    await render('viewer');
    expect(byTestId(el, 'import-read-only')).not.toBeNull();
    expect(byTestId(el, 'manual-entry-form')).toBeNull();
    expect(allByTestId(el, 'manual-entry-edit')).toEqual([]);
    expect(allByTestId(el, 'manual-entry-row')).toHaveLength(2);
  });

  it('adds an entry and reads the list again after the write', async () => {
    await render('member', []);
    expect(byTestId(el, 'manual-entries-empty')).not.toBeNull();
    (el.querySelector('[data-testid="manual-account"] .mat-mdc-select-trigger') as HTMLElement).click();
    await settle();
    // Only accounts that are not disconnected are offered.
    expect(Array.from(document.querySelectorAll('mat-option')).map((o) => o.textContent?.trim())).toEqual(['Self-hosted Llama (Custom / other)']);
    (document.querySelector('[data-testid="manual-account-acc1"]') as HTMLElement).click();
    await settle();
    type(field('manual-model'), 'gpu-node-rental');
    type(field('manual-amount'), '19');
    await submit();
    const post = await nextRequest(call('POST', ENTRIES), 'create');
    expect(post.request.body).toMatchObject({ accountId: 'acc1', model: 'gpu-node-rental', amount: '19', currency: 'USD' });
    post.flush({ ...SEATS, position: '60' });
    await reread('60', [SEATS]);
    expect(allByTestId(el, 'manual-entry-row')).toHaveLength(1);
    expect(document.body.textContent).toContain('The entry was added.');
  });

  it('edits an entry: the form opens on it, saves through PATCH, and the list shows the new amount', async () => {
    await render();
    byTestId(row('me1'), 'manual-entry-edit')?.click();
    await settle();
    expect(text(el, 'manual-entry-card-title')).toBe('Change a manual entry');
    expect(row('me1').dataset['editing']).toBe('true');
    expect(text(el, 'manual-edit-key')).toBe('Self-hosted Llama · 2026-03-02 · gpu-node-rental · project research');
    expect(field('manual-amount').value).toBe('19');

    type(field('manual-amount'), '25.50');
    await submit();
    const patch = await nextRequest(call('PATCH', `${ENTRIES}/me1`), 'edit');
    expect(patch.request.body).toEqual({ tokens: { inputUncached: 120000, output: 0 }, units: { requests: 52 }, amount: '25.50', currency: 'USD' });
    patch.flush({ ...SEATS, amount: '25.5', position: '61' });
    await reread('61', [{ ...SEATS, amount: '25.5' }, OLD]);

    expect(text(row('me1'), 'manual-entry-amount')).toBe('$25.50');
    expect(text(el, 'manual-entry-card-title')).toBe('Add a manual entry');
    expect(byTestId(el, 'manual-entry-form')?.dataset['mode']).toBe('create');
    expect(row('me1').dataset['editing']).toBe('false');
    expect(document.body.textContent).toContain('The entry for gpu-node-rental on 2026-03-02 was changed.');
  });

  it('keeps the form open on the entry with the problem the API reported, and cancels back to adding', async () => {
    await render();
    byTestId(row('me1'), 'manual-entry-edit')?.click();
    await settle();
    type(field('manual-input-tokens'), '0');
    type(field('manual-requests'), '0');
    type(field('manual-amount'), '');
    await submit();
    (await nextRequest(call('PATCH', `${ENTRIES}/me1`), 'edit')).flush(
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request is invalid.',
        errors: [{ path: 'tokens', message: 'An entry needs at least one token count or unit above 0, or an amount.' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    expect(text(el, 'manual-error')).toBe(
      'The request is invalid.tokens: An entry needs at least one token count or unit above 0, or an amount.',
    );
    expect(text(el, 'manual-entry-card-title')).toBe('Change a manual entry');
    // Nothing was written: the list is not read again, and still shows the old amount.
    TestBed.inject(HttpTestingController).expectNone(get(ENTRIES));
    expect(text(row('me1'), 'manual-entry-amount')).toBe('$19.00');

    byTestId(el, 'manual-cancel')?.click();
    await settle();
    expect(text(el, 'manual-entry-card-title')).toBe('Add a manual entry');
    expect(byTestId(el, 'manual-error')).toBeNull();
  });

  it('deletes an entry after confirming and reads the list again', async () => {
    await render();
    byTestId(row('me1'), 'manual-entry-edit')?.click();
    await settle();
    byTestId(row('me1'), 'manual-entry-delete')?.click();
    await settle();
    expect(document.body.textContent).toContain('Delete the entry for gpu-node-rental on 2026-03-02?');
    byTestId<HTMLButtonElement>(document.body, 'confirm-accept')?.click();
    (await nextRequest(call('DELETE', `${ENTRIES}/me1`), 'delete')).flush({ position: '62' });
    await reread('62', [OLD]);
    expect(allByTestId(el, 'manual-entry-row').map((r) => r.dataset['id'])).toEqual(['me2']);
    // The entry being changed is gone: the form adds entries again.
    expect(text(el, 'manual-entry-card-title')).toBe('Add a manual entry');
  });

  it('says so when the API refuses a deletion, and keeps the entry', async () => {
    await render();
    byTestId(row('me1'), 'manual-entry-delete')?.click();
    await settle();
    byTestId<HTMLButtonElement>(document.body, 'confirm-accept')?.click();
    (await nextRequest(call('DELETE', `${ENTRIES}/me1`), 'delete')).flush(
      { type: 'about:blank', title: 'Conflict', status: 409, detail: 'This account is disconnected: its usage can no longer be changed.' },
      { status: 409, statusText: 'Conflict' },
    );
    await settle();
    expect(document.body.textContent).toContain('This account is disconnected: its usage can no longer be changed.');
    expect(allByTestId(el, 'manual-entry-row')).toHaveLength(2);
  });

  it('says when an import changed nothing', async () => {
    await render();
    const report: ImportReportDto = {
      importId: 'imp1',
      dryRun: false,
      applied: true,
      format: 'template',
      fileSha256: 'abc',
      rows: { read: 2, valid: 2, invalid: 0 },
      observations: { created: 0, changed: 0, unchanged: 2 },
      problems: [],
      problemCount: 0,
      position: '70',
    };
    (fixture.componentInstance as unknown as { onImported(r: ImportReportDto): void }).onImported(report);
    // No write went through this test's HTTP client: the read waits for the session's position.
    await reread('5', [SEATS, OLD]);
    expect(document.body.textContent).toContain('Nothing changed: all 2 rows were already imported.');
  });
});
