import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { WS, WS_URL, summaryFixture } from '../testing/usage-fixtures.testing';
import { UsageApi } from './usage-api';

describe('UsageApi', () => {
  let api: UsageApi;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(UsageApi);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('reads a month summary, with a cost version only when asked', async () => {
    const answer = firstValueFrom(api.summary(WS, '2026-03'));
    const req = http.expectOne((r) => r.url === `${WS_URL}/usage/summary`);
    expect(req.request.method).toBe('GET');
    expect(req.request.params.keys()).toEqual(['month']);
    expect(req.request.params.get('month')).toBe('2026-03');
    req.flush(summaryFixture());
    expect((await answer).estimated).toBe('12.5');

    void firstValueFrom(api.summary(WS, '2026-02', 2));
    expect(http.expectOne((r) => r.url === `${WS_URL}/usage/summary`).request.params.get('version')).toBe('2');
  });

  it('sends the explorer filters as query parameters of the daily series', () => {
    void firstValueFrom(api.daily(WS, { from: '2026-03-01', to: '2026-03-31', groupBy: 'model' }));
    const req = http.expectOne((r) => r.url === `${WS_URL}/usage/daily`);
    expect(req.request.params.toString()).toBe('from=2026-03-01&to=2026-03-31&groupBy=model');
  });

  it('leaves out the drill-down filters that are not set', () => {
    void firstValueFrom(api.events(WS, { day: '2026-03-02', accountId: null }));
    expect(http.expectOne((r) => r.url === `${WS_URL}/usage/events`).request.params.toString()).toBe('day=2026-03-02');

    void firstValueFrom(api.events(WS, { day: '2026-03-02', accountId: 'acc1', requestType: 'openai|gpt-4o|chat/completions' }));
    const req = http.expectOne((r) => r.url === `${WS_URL}/usage/events`);
    expect(req.request.params.get('accountId')).toBe('acc1');
    expect(req.request.params.get('requestType')).toBe('openai|gpt-4o|chat/completions');
  });

  it('reads the audit of a month and the detail of one cell', () => {
    void firstValueFrom(api.audit(WS, '2026-03'));
    expect(http.expectOne((r) => r.url === `${WS_URL}/audit`).request.params.get('month')).toBe('2026-03');

    void firstValueFrom(api.auditCell(WS, 'acc1', '2026-03-02'));
    const req = http.expectOne((r) => r.url === `${WS_URL}/audit/cells`);
    expect(req.request.params.toString()).toBe('accountId=acc1&day=2026-03-02');
  });

  it('closes a month with a POST to the period', async () => {
    const answer = firstValueFrom(api.closeMonth(WS, '2026-02'));
    const req = http.expectOne(`${WS_URL}/periods/2026-02/close`);
    expect(req.request.method).toBe('POST');
    req.flush({ month: '2026-02', position: '41', closedNow: true });
    expect(await answer).toEqual({ month: '2026-02', position: '41', closedNow: true });
  });
});
