import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import type { AccountDto, UsageMonthSummaryDto, WorkspaceRole } from '@act/contracts';
import type { BudgetDto, ForecastResponseDto } from '@act/web/budgets';
import {
  NO_ANIMATIONS,
  WS,
  WS_URL,
  accountFixture,
  allByTestId,
  byTestId,
  emptySummary,
  get,
  nextRequest,
  signIn,
  summaryFixture,
  text,
  tick,
} from '../testing/usage-fixtures.testing';
import { DashboardPage } from './dashboard-page';
import { isEmptySummary } from './dashboard-model';

const BUDGET: BudgetDto = {
  id: 'b1',
  name: 'Whole workspace',
  scope: { kind: 'workspace', key: null, label: 'Workspace' },
  amount: '20',
  currency: 'USD',
  thresholds: [50, 80, 100],
  month: '2026-03',
  spent: '12.5',
  percentUsed: 62.5,
  createdAt: '2026-03-01T00:00:00Z',
  updatedAt: '2026-03-01T00:00:00Z',
};

const FORECAST: ForecastResponseDto = {
  workspaceId: WS,
  month: '2026-03',
  today: '2026-03-03',
  currency: 'USD',
  groupBy: 'workspace',
  series: [
    {
      key: null,
      label: 'Workspace',
      forecast: {
        spent: '12.5',
        point: '40',
        p80: { lower: '30', upper: '55' },
        p95: { lower: '25', upper: '70' },
        method: 'run-rate-wide',
        confidence: 'insufficient',
        insufficientHistory: true,
        historyDays: 2,
        daysComplete: 2,
        daysInMonth: 31,
        daily: [
          { day: '2026-03-01', actual: true, median: '6', p80: { lower: '6', upper: '6' }, p95: { lower: '6', upper: '6' } },
          { day: '2026-03-02', actual: true, median: '12.5', p80: { lower: '12.5', upper: '12.5' }, p95: { lower: '12.5', upper: '12.5' } },
          { day: '2026-03-03', actual: false, median: '14', p80: { lower: '13', upper: '16' }, p95: { lower: '12.6', upper: '18' } },
        ],
      },
    },
  ],
  budgets: [],
};

describe('DashboardPage', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), provideNoopAnimations(), NO_ANIMATIONS],
    });
  });

  async function render(summary: UsageMonthSummaryDto, role: WorkspaceRole = 'owner', accounts: AccountDto[] = [accountFixture()]) {
    await signIn(role);
    const fixture = TestBed.createComponent(DashboardPage);
    fixture.detectChanges();
    const month = new Date().toISOString().slice(0, 7);
    const req = await nextRequest(get(`${WS_URL}/usage/summary`), 'summary');
    expect(req.request.params.get('month')).toBe(month);
    req.flush(summary);
    (await nextRequest(get(`${WS_URL}/accounts`), 'accounts')).flush({ items: accounts, nextCursor: null });
    (await nextRequest(get('api/v1/health'), 'health')).flush({ status: 'ok' });
    await tick();
    fixture.detectChanges();
    if (!isEmptySummary(summary)) await answerBudgetRow();
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  /** The budgets row (web-budgets, loaded with the page): forecast, budgets, active alerts. */
  async function answerBudgetRow(): Promise<void> {
    (await nextRequest(get(`${WS_URL}/forecast`), 'forecast')).flush(FORECAST);
    (await nextRequest(get(`${WS_URL}/budgets`), 'budgets')).flush({ items: [BUDGET], nextCursor: null });
    (await nextRequest(get(`${WS_URL}/alerts`), 'alerts')).flush({ items: [], nextCursor: null });
    await tick();
  }

  it('shows month to date with currency, a lower bound when some usage is unpriced, and reconciled beside it', async () => {
    const { el } = await render(summaryFixture());
    expect(text(el, 'dashboard-estimated')).toBe('at least $12.50');
    expect(text(el, 'dashboard-reconciled')).toBe('$10.00');
    expect(text(el, 'dashboard-month')).toMatch(/ to date$/);
    expect(text(el, 'overview-health-text')).toBe('Server is healthy');
  });

  it('shows unpriced and pending apart, as chips of their own', async () => {
    const { el } = await render(summaryFixture());
    const unpriced = byTestId(el, 'dashboard-unpriced');
    const pending = byTestId(el, 'dashboard-pending');
    expect(unpriced?.dataset['status']).toBe('unpriced');
    expect(unpriced?.textContent?.trim()).toBe('2 unpriced');
    expect(pending?.dataset['status']).toBe('pending');
    expect(pending?.textContent?.trim()).toBe('1 pending');
    expect(unpriced?.querySelector('.chip')?.className).not.toBe(pending?.querySelector('.chip')?.className);
  });

  it('draws the provider and model charts and lists the top accounts', async () => {
    const { el } = await render(summaryFixture());
    expect(byTestId(el, 'dashboard-by-provider')?.querySelector('act-cost-pie-chart')).not.toBeNull();
    expect(byTestId(el, 'dashboard-by-model')?.querySelector('act-cost-bar-chart')).not.toBeNull();
    expect(allByTestId(el, 'top-account-name').map((n) => n.textContent?.trim())).toEqual(['OpenAI production', 'acc2']);
    // acc1 has unpriced rows: its estimate is a lower bound.
    expect(allByTestId(el, 'top-account-estimated').map((n) => n.textContent?.trim())).toEqual(['≥ $10.50', '$2.00']);
    expect(byTestId(el, 'dashboard-explore')?.getAttribute('href')).toMatch(/^\/usage\?from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-\d{2}&groupBy=account$/);
  });

  it('tells a new owner how to get usage in', async () => {
    const { el } = await render(emptySummary(), 'owner', []);
    expect(text(el, 'dashboard-empty')).toContain('Start tracking your AI costs');
    expect(byTestId(el, 'dashboard-empty-accounts')?.getAttribute('href')).toBe('/accounts');
    expect(byTestId(el, 'dashboard-empty-ingest-keys')?.getAttribute('href')).toBe('/ingest-keys');
    expect(byTestId(el, 'dashboard-empty-import')?.getAttribute('href')).toBe('/usage/import');
    expect(byTestId(el, 'dashboard-estimated')).toBeNull();
  });

  it('tells a viewer who can set things up', async () => {
    const { el } = await render(emptySummary(), 'viewer');
    expect(text(el, 'dashboard-empty')).toContain('No usage recorded in');
    expect(byTestId(el, 'dashboard-empty-accounts')).toBeNull();
    expect(text(el, 'dashboard-empty')).toContain('for owners and admins');
  });

  it('reads an earlier cost version on request', async () => {
    const { fixture, el } = await render(summaryFixture({ costVersion: 2, currentCostVersion: 2 }));
    const select = byTestId<HTMLSelectElement>(el, 'dashboard-version') as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.textContent?.trim())).toEqual(['2 (current)', '1']);
    select.value = '1';
    select.dispatchEvent(new Event('change'));
    const req = await nextRequest(get(`${WS_URL}/usage/summary`), 'summary v1');
    expect(req.request.params.get('version')).toBe('1');
    req.flush(summaryFixture({ costVersion: 1, currentCostVersion: 2, estimated: '9' }));
    await tick();
    await fixture.whenStable();
    expect(text(el, 'dashboard-estimated')).toBe('at least $9.00');
  });

  it('shows the forecast band against the workspace budget, the budget bar and the active alerts', async () => {
    const { el } = await render(summaryFixture());
    const row = byTestId(el, 'dashboard-budgets') as HTMLElement;
    expect(byTestId(row, 'forecast-chart')).not.toBeNull();
    expect(text(row, 'dashboard-forecast-point')).toBe('Month-end $40.00 (80%: $30.00 – $55.00)');
    expect(text(row, 'dashboard-forecast-insufficient')).toContain('Only 2 days of history');
    expect(text(row, 'budget-bar-percent')).toBe('62.5%');
    expect(text(row, 'alert-list-empty')).toBe('No active alerts.');
  });
});
