import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { DailyCostPointDto, DailyCostSeriesDto } from '@act/contracts';
import type { AnomaliesResponseDto, AnomalyDto } from '@act/web/budgets';
import {
  NO_ANIMATIONS,
  WS,
  WS_URL,
  accountFixture,
  allByTestId,
  byTestId,
  counts,
  get,
  nextRequest,
  observationFixture,
  signIn,
  text,
  tick,
} from '../testing/usage-fixtures.testing';
import { UsageExplorerPage } from './usage-explorer-page';

const DAILY = `${WS_URL}/usage/daily`;
const ANOMALIES = `${WS_URL}/anomalies`;

function anomaliesAnswer(items: AnomalyDto[] = []): AnomaliesResponseDto {
  return { workspaceId: WS, from: '2026-03-01', through: '2026-03-03', sensitivity: 'medium', threshold: 3.5, items, series: [] };
}

function series(points: DailyCostPointDto[], groupBy: DailyCostSeriesDto['groupBy'] = 'account'): DailyCostSeriesDto {
  return { workspaceId: WS, from: '2026-03-01', to: '2026-03-03', groupBy, currency: 'USD', costVersion: 1, points };
}

const POINTS: DailyCostPointDto[] = [
  { day: '2026-03-01', key: 'acc1', estimated: '1.5', reconciled: '1.4', counts: counts() },
  { day: '2026-03-02', key: 'acc1', estimated: '0.25', reconciled: null, counts: counts({ unpriced: 1, pending: 1 }) },
];

describe('UsageExplorerPage', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'usage', component: UsageExplorerPage }]),
        provideHttpClient(),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        NO_ANIMATIONS,
      ],
    });
    http = TestBed.inject(HttpTestingController);
    await signIn('member');
  });

  async function open(url: string): Promise<HTMLElement> {
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url);
    (await nextRequest(get(`${WS_URL}/accounts`), 'accounts')).flush({ items: [accountFixture()], nextCursor: null });
    return harness.routeNativeElement as HTMLElement;
  }

  /** Answers the anomaly reads the chart marks come from (web-budgets' client loads with the page). */
  async function answerAnomalies(items: AnomalyDto[] = []): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await tick();
      for (const req of http.match(get(ANOMALIES))) req.flush(anomaliesAnswer(items));
    }
  }

  /** Renders what arrived. Not while a request is open: HttpClient holds whenStable until it is answered. */
  async function settle(): Promise<void> {
    await answerAnomalies();
    harness.detectChanges();
    await answerAnomalies();
    await harness.fixture.whenStable();
  }

  async function render(): Promise<void> {
    await tick();
    harness.detectChanges();
  }

  it('asks for the range and grouping in the URL, and shows totals, days and status counts', async () => {
    const el = await open('/usage?from=2026-03-01&to=2026-03-03&groupBy=account');
    const req = await nextRequest(get(DAILY), 'daily');
    expect(req.request.params.toString()).toBe('from=2026-03-01&to=2026-03-03&groupBy=account');
    req.flush(series(POINTS));
    await settle();

    expect(allByTestId(el, 'usage-total-group').map((c) => c.textContent?.trim())).toEqual(['OpenAI production']);
    // One row of the range has no price: the total is a lower bound, and says so.
    expect(text(el, 'usage-total-estimated')).toBe('≥ $1.75');
    expect(allByTestId(el, 'usage-day').map((c) => c.textContent?.trim())).toEqual(['2026-03-02', '2026-03-01']);
    const newest = allByTestId(el, 'usage-day-row')[0] as HTMLElement;
    expect(Array.from(newest.querySelectorAll('act-cost-status-chip')).map((c) => (c as HTMLElement).dataset['status'])).toEqual([
      'unpriced',
      'pending',
    ]);
    expect(byTestId(el, 'usage-chart')).not.toBeNull();
  });

  it('puts a changed filter in the URL and queries it', async () => {
    const el = await open('/usage?from=2026-03-01&to=2026-03-03&groupBy=account');
    (await nextRequest(get(DAILY), 'daily')).flush(series(POINTS));
    await settle();

    byTestId<HTMLElement>(el, 'usage-group-by-model')?.querySelector('button')?.click();
    await render();
    expect(TestBed.inject(Router).url).toBe('/usage?from=2026-03-01&to=2026-03-03&groupBy=model');
    const byModel = await nextRequest(get(DAILY), 'daily by model');
    expect(byModel.request.params.get('groupBy')).toBe('model');
    byModel.flush(series([], 'model'));
    await settle();
    expect(text(el, 'usage-empty')).toContain('No usage between 2026-03-01 and 2026-03-03');

    const from = byTestId<HTMLInputElement>(el, 'usage-from') as HTMLInputElement;
    from.value = '2026-02-15';
    from.dispatchEvent(new Event('change'));
    await render();
    const widened = await nextRequest(get(DAILY), 'daily from Feb 15');
    expect(widened.request.params.toString()).toBe('from=2026-02-15&to=2026-03-03&groupBy=model');
    widened.flush(series([], 'model'));
  });

  it('does not query a reversed range and says why', async () => {
    const el = await open('/usage?from=2026-03-05&to=2026-03-01');
    await settle();
    expect(text(el, 'usage-filter-problem')).toBe('The end date is before the start date.');
    expect(http.match(get(DAILY))).toHaveLength(0);
  });

  it('drills down to the observations behind a day of an account', async () => {
    const el = await open('/usage?from=2026-03-01&to=2026-03-03&groupBy=account');
    (await nextRequest(get(DAILY), 'daily')).flush(series(POINTS));
    await settle();

    byTestId<HTMLButtonElement>(el, 'usage-day-open')?.click();
    const events = await nextRequest(get(`${WS_URL}/usage/events`), 'events');
    expect(events.request.params.toString()).toBe('day=2026-03-02&accountId=acc1');
    events.flush({
      workspaceId: WS,
      day: '2026-03-02',
      accountId: 'acc1',
      requestType: null,
      costVersion: 1,
      items: [
        { accountId: 'acc1', ...observationFixture() },
        // A manual entry's amount is its cost: no price version, the amount entered.
        {
          accountId: 'acc1',
          ...observationFixture({
            eventId: 'ev2',
            source: 'manual',
            reportedCost: '300',
            estimate: {
              costVersion: 1,
              status: 'manual',
              estimated: '300',
              priceSetId: null,
              priceEffectiveFrom: null,
              priceSource: null,
              priceIdentity: null,
              match: null,
              note: null,
              lines: [],
              unpriced: [],
              flags: [],
            },
          }),
        },
      ],
      nextCursor: null,
    });
    await settle();

    expect(allByTestId(el, 'observation-price-version').map((cell) => cell.textContent?.trim())[1]).toBe('entered amount');
    expect(text(el, 'observation-source')).toBe('request-log');
    expect(text(el, 'observation-estimated')).toBe('$0.00027');
    expect(text(el, 'observation-price-version')).toContain('catalogue from 2024-07-18');
    expect(text(el, 'observation-tokens')).toBe('1,000 input, 200 output');
    expect(byTestId(el, 'observation-raw')?.textContent).toContain('"prompt_tokens": 1000');
  });

  it('downloads an export as a blob with the filters of the page', async () => {
    const saved: string[] = [];
    Object.assign(URL, { createObjectURL: () => 'blob:usage', revokeObjectURL: () => undefined });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push(this.download);
    });
    const el = await open('/usage?from=2026-03-01&to=2026-03-03&groupBy=account');
    (await nextRequest(get(DAILY), 'daily')).flush(series(POINTS));
    await settle();

    byTestId<HTMLButtonElement>(el, 'usage-export-csv')?.click();
    await render();
    expect(text(el, 'usage-export-csv')).toBe('Exporting…');
    const req = await nextRequest(get(`${WS_URL}/export`), 'export');
    expect(req.request.params.toString()).toBe('format=csv&from=2026-03-01&to=2026-03-03');
    expect(req.request.responseType).toBe('blob');
    req.flush(new Blob(['day,estimated\n']), { headers: { 'Content-Disposition': 'attachment; filename="usage_2026-03-01_2026-03-03_v1.csv"' } });
    await settle();
    expect(saved).toEqual(['usage_2026-03-01_2026-03-03_v1.csv']);
    expect(text(el, 'usage-export-csv')).toBe('CSV');
    click.mockRestore();
  });

  it('marks anomaly days on the chart and lists them with their severity, spikes and drops apart', async () => {
    const el = await open('/usage?from=2026-03-01&to=2026-03-03&groupBy=account');
    (await nextRequest(get(DAILY), 'daily')).flush(series(POINTS));
    const req = await nextRequest(get(ANOMALIES), 'anomalies');
    expect(req.request.params.get('through')).toBe('2026-03-03');
    expect(req.request.params.get('days')).toBe('3');
    const scope = { kind: 'account' as const, key: 'acc1', label: 'OpenAI production' };
    req.flush(
      anomaliesAnswer([
        { scope, day: '2026-03-02', kind: 'drop-to-zero', severity: 'critical', cost: '0', expected: '1.2', lower: '0.5', upper: '2.5', score: -6.1 },
        { scope, day: '2026-03-01', kind: 'spike', severity: 'warning', cost: '1.5', expected: '0.3', lower: '0.1', upper: '0.9', score: 4.2 },
      ]),
    );
    await settle();
    const marks = allByTestId(el, 'usage-anomaly');
    expect(marks.map((m) => [m.dataset['kind'], m.dataset['severity']])).toEqual([
      ['drop-to-zero', 'critical'],
      ['spike', 'warning'],
    ]);
    expect(marks[0]?.textContent?.replace(/\s+/g, ' ').trim()).toBe('▼ Mar 2 · OpenAI production: $0.00 (Drop to zero, critical)');
    expect(marks[1]?.textContent?.replace(/\s+/g, ' ').trim()).toBe('▲ Mar 1 · OpenAI production: $1.50 (Spike, warning)');
  });
});
