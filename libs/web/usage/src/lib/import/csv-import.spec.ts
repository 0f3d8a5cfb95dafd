import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ImportReportDto } from '../data-access/ingest-types';
import { WS, WS_URL, allByTestId, byTestId, call, nextRequest, text, tick } from '../testing/usage-fixtures.testing';
import { CsvImport } from './csv-import';

const CSV = 'date,account_id,model,input_tokens,output_tokens\n2026-03-01,acc1,llama-3.1-70b,1000,200\n';

function report(overrides: Partial<ImportReportDto> = {}): ImportReportDto {
  return {
    importId: null,
    dryRun: true,
    applied: false,
    format: 'template',
    fileSha256: 'abc',
    rows: { read: 1, valid: 1, invalid: 0 },
    observations: { created: 1, changed: 0, unchanged: 0 },
    problems: [],
    problemCount: 0,
    position: null,
    ...overrides,
  };
}

describe('CsvImport', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  async function choose(content: string) {
    const fixture = TestBed.createComponent(CsvImport);
    fixture.componentRef.setInput('workspaceId', WS);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const input = byTestId<HTMLInputElement>(el, 'import-file') as HTMLInputElement;
    const file = new File([content], 'usage.csv', { type: 'text/csv' });
    // jsdom's File has no text(); the component reads it like a browser does.
    Object.defineProperty(file, 'text', { value: () => Promise.resolve(content) });
    Object.defineProperty(input, 'files', { value: [file] });
    input.dispatchEvent(new Event('change'));
    return { fixture, el };
  }

  it('checks the file with a dry run, then imports it', async () => {
    const { fixture, el } = await choose(CSV);
    const dry = await nextRequest(call('POST', `${WS_URL}/imports`), 'dry run');
    expect(dry.request.params.get('dryRun')).toBe('true');
    expect(dry.request.body).toBe(CSV);
    dry.flush(report());
    await tick();
    await fixture.whenStable();
    expect(text(el, 'import-summary')).toBe(
      'Dry run (template): 1 rows read, 1 valid, 0 invalid. Observations: 1 new, 0 changed, 0 unchanged.',
    );

    byTestId<HTMLButtonElement>(el, 'import-apply')?.click();
    const real = await nextRequest(call('POST', `${WS_URL}/imports`), 'import');
    expect(real.request.params.get('dryRun')).toBe('false');
    real.flush(report({ dryRun: false, applied: true, importId: 'imp1', position: '50' }));
    await tick();
    await fixture.whenStable();
    expect(text(el, 'import-done')).toContain('Imported.');
    expect(byTestId(el, 'import-apply')).toBeNull();
  });

  it('lists every problem and offers no import for a file with invalid rows', async () => {
    const { fixture, el } = await choose('date,account_id,model\nyesterday,acc1,\n');
    (await nextRequest(call('POST', `${WS_URL}/imports`), 'dry run')).flush(
      report({
        rows: { read: 1, valid: 0, invalid: 1 },
        observations: { created: 0, changed: 0, unchanged: 0 },
        problems: [
          { line: 2, column: 'date', message: 'date must be a day written YYYY-MM-DD' },
          { line: 2, column: 'model', message: 'model is required' },
        ],
        problemCount: 2,
      }),
    );
    await tick();
    await fixture.whenStable();
    expect(byTestId(el, 'import-report')?.dataset['valid']).toBe('false');
    const cells = (row: HTMLElement) => Array.from(row.querySelectorAll('td')).map((td) => td.textContent?.trim());
    expect(allByTestId(el, 'import-problem').map(cells)).toEqual([
      ['2', 'date', 'date must be a day written YYYY-MM-DD'],
      ['2', 'model', 'model is required'],
    ]);
    expect(byTestId<HTMLButtonElement>(el, 'import-apply')?.disabled).toBe(true);
    expect(byTestId(el, 'import-problems-cut')).toBeNull();
  });

  it('says when the list of problems is cut off', async () => {
    const { fixture, el } = await choose('date,account_id,model\nyesterday,acc1,\n');
    const problems = Array.from({ length: 1000 }, (_, i) => ({ line: i + 2, column: 'date', message: 'date must be a day written YYYY-MM-DD' }));
    (await nextRequest(call('POST', `${WS_URL}/imports`), 'dry run')).flush(
      report({ rows: { read: 1500, valid: 0, invalid: 1500 }, observations: { created: 0, changed: 0, unchanged: 0 }, problems, problemCount: 1500 }),
    );
    await tick();
    await fixture.whenStable();
    expect(text(el, 'import-problems-cut')).toBe('The first 1,000 of 1,500 problems are listed; fix these and check the file again for the rest.');
  });

  it('lists the formats it reads, including the OpenAI usage page exports, and sends the chosen account with the file', async () => {
    const { fixture, el } = await choose('start_time,num_model_requests,input_tokens,output_tokens,model\n');
    expect(allByTestId(el, 'import-format').map((li) => li.textContent ?? '')).toEqual([
      expect.stringContaining('Our template'),
      expect.stringContaining('Azure'),
      expect.stringContaining('AWS'),
      expect.stringContaining('OpenAI usage page export, Activity'),
      expect.stringContaining('OpenAI usage page export, Cost'),
    ]);
    const first = await nextRequest(call('POST', `${WS_URL}/imports`), 'dry run without account');
    expect(first.request.params.has('accountId')).toBe(false);
    first.flush(report({ format: 'openai-usage', rows: { read: 0, valid: 0, invalid: 0 }, problems: [{ line: 1, column: null, message: 'pass ?accountId=' }] }));
    await tick();
    // Choosing the account checks the same file again, for that account.
    const checking = (fixture.componentInstance as unknown as { onAccount(id: string | null): Promise<void> }).onAccount('acc-openai');
    const second = await nextRequest(call('POST', `${WS_URL}/imports`), 'dry run with account');
    expect(second.request.params.get('accountId')).toBe('acc-openai');
    second.flush(report({ format: 'openai-usage' }));
    await checking;
    await fixture.whenStable();
    expect(text(el, 'import-summary')).toContain('Dry run (openai-usage)');
  });

  it('says a file already imported changes nothing, before and after importing it again', async () => {
    const { fixture, el } = await choose(CSV);
    const unchanged = { created: 0, changed: 0, unchanged: 1 };
    (await nextRequest(call('POST', `${WS_URL}/imports`), 'dry run')).flush(report({ observations: unchanged }));
    await tick();
    await fixture.whenStable();
    expect(text(el, 'import-unchanged')).toBe('Every row is already imported: importing this file again changes nothing.');
    expect(byTestId<HTMLButtonElement>(el, 'import-apply')?.disabled).toBe(false);

    byTestId<HTMLButtonElement>(el, 'import-apply')?.click();
    (await nextRequest(call('POST', `${WS_URL}/imports`), 'import')).flush(
      report({ dryRun: false, applied: true, importId: 'imp2', position: '51', observations: unchanged }),
    );
    await tick();
    await fixture.whenStable();
    expect(text(el, 'import-summary')).toContain('Observations: 0 new, 0 changed, 1 unchanged.');
    expect(text(el, 'import-unchanged')).toBe('Nothing changed: every row was already imported.');
    expect(byTestId(el, 'import-done')).toBeNull();
  });
});
