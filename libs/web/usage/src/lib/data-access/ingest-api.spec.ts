import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { WS, WS_URL } from '../testing/usage-fixtures.testing';
import { ImportRefused, IngestApi } from './ingest-api';
import type { ImportReportDto } from './ingest-types';

const REPORT: ImportReportDto = {
  importId: null,
  dryRun: false,
  applied: false,
  format: 'template',
  fileSha256: 'abc',
  rows: { read: 2, valid: 1, invalid: 1 },
  observations: { created: 1, changed: 0, unchanged: 0 },
  problems: [{ line: 3, column: 'date', message: 'date must be a day written YYYY-MM-DD' }],
  problemCount: 1,
  position: null,
};

describe('IngestApi', () => {
  let api: IngestApi;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(IngestApi);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('creates, lists, edits and deletes manual entries', () => {
    void firstValueFrom(api.createManualEntry(WS, { accountId: 'acc1', day: '2026-03-01', model: 'seats', amount: '19.00' }));
    const create = http.expectOne(`${WS_URL}/manual-entries`);
    expect(create.request.method).toBe('POST');
    expect(create.request.body).toEqual({ accountId: 'acc1', day: '2026-03-01', model: 'seats', amount: '19.00' });

    void firstValueFrom(api.listManualEntries(WS, 'c2'));
    expect(http.expectOne((r) => r.url === `${WS_URL}/manual-entries`).request.params.get('cursor')).toBe('c2');

    void firstValueFrom(api.updateManualEntry(WS, 'me/1', { tokens: { output: 5000 }, amount: null }));
    const update = http.expectOne(`${WS_URL}/manual-entries/me%2F1`);
    expect(update.request.method).toBe('PATCH');
    expect(update.request.body).toEqual({ tokens: { output: 5000 }, amount: null });

    void firstValueFrom(api.deleteManualEntry(WS, 'me/1'));
    expect(http.expectOne(`${WS_URL}/manual-entries/me%2F1`).request.method).toBe('DELETE');
  });

  it('sends a CSV file as text/csv, as a dry run or for real', () => {
    void firstValueFrom(api.importCsv(WS, 'date,account_id,model\n', true));
    const req = http.expectOne((r) => r.url === `${WS_URL}/imports`);
    expect(req.request.headers.get('Content-Type')).toBe('text/csv');
    expect(req.request.params.get('dryRun')).toBe('true');
    expect(req.request.body).toBe('date,account_id,model\n');
  });

  it('turns a refused import (422) into its report', async () => {
    const answer = firstValueFrom(api.importCsv(WS, 'x', false));
    http.expectOne((r) => r.url === `${WS_URL}/imports`).flush(
      { type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'Nothing was imported.', report: REPORT },
      { status: 422, statusText: 'Unprocessable Entity' },
    );
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportRefused);
    expect((error as ImportRefused).report.problems[0]?.column).toBe('date');
    expect((error as ImportRefused).detail).toBe('Nothing was imported.');
  });
});
