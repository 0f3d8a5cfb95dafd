import { HttpHeaders, provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { WS, WS_URL } from '../testing/usage-fixtures.testing';
import { ExportApi, filenameFromDisposition, saveFile } from './export-api';

describe('ExportApi', () => {
  let api: ExportApi;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(ExportApi);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('fetches the file as a blob through HttpClient (so the bearer token goes with it) and names it from the header', async () => {
    const file = firstValueFrom(api.download(WS, 'focus', '2026-03-01', '2026-03-31'));
    const req = http.expectOne((r) => r.url === `${WS_URL}/export`);
    expect(req.request.responseType).toBe('blob');
    expect(req.request.params.toString()).toBe('format=focus&from=2026-03-01&to=2026-03-31');
    const sent = new Blob(['BilledCost\n1.00\n'], { type: 'text/csv' });
    req.flush(sent, {
      headers: new HttpHeaders({ 'Content-Disposition': 'attachment; filename="focus-1.2_2026-03-01_2026-03-31_v1.csv"' }),
    });
    const { blob, filename } = await file;
    expect(filename).toBe('focus-1.2_2026-03-01_2026-03-31_v1.csv');
    expect(blob).toBe(sent);
  });

  it('falls back to a name of its own without the header', async () => {
    const file = firstValueFrom(api.download(WS, 'json', '2026-03-01', '2026-03-02'));
    http.expectOne((r) => r.url === `${WS_URL}/export`).flush(new Blob(['[]']));
    expect((await file).filename).toBe('usage-2026-03-01-to-2026-03-02.json');
  });

  it('reads plain and RFC 5987 file names', () => {
    expect(filenameFromDisposition('attachment; filename="a b.csv"')).toBe('a b.csv');
    expect(filenameFromDisposition("attachment; filename*=UTF-8''usage%20m%C3%A4rz.csv")).toBe('usage märz.csv');
    expect(filenameFromDisposition(null)).toBeNull();
  });

  it('saves a blob through a temporary link', () => {
    const created: string[] = [];
    Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: (url: string) => created.push(url) });
    const clicks: string[] = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(`${this.download} ${this.href}`);
    });
    saveFile({ blob: new Blob(['x']), filename: 'usage.csv' });
    expect(clicks).toEqual(['usage.csv blob:x']);
    expect(document.querySelector('a[download]')).toBeNull();
    click.mockRestore();
  });
});
