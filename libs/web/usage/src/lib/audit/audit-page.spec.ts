import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import type { WorkspaceRole } from '@act/contracts';
import {
  NO_ANIMATIONS,
  WS,
  WS_URL,
  accountFixture,
  allByTestId,
  auditFixture,
  byTestId,
  call,
  cellFixture,
  get,
  nextRequest,
  observationFixture,
  signIn,
  text,
  tick,
} from '../testing/usage-fixtures.testing';
import { lastDayOfMonth } from '../money/dates';
import { AuditPage } from './audit-page';

const AUDIT = `${WS_URL}/audit`;

function side(totalTokens: number, requests: number, cost: string | null) {
  return {
    tokens: { inputUncached: totalTokens, inputCachedRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, reasoning: 0 },
    units: { requests, images: 0, audioSeconds: 0, characters: 0, searchQueries: 0, webSearchCalls: 0 },
    totalTokens,
    cost,
    partlyUnpriced: false,
  };
}

/** A day where the usage API saw 1,100 tokens and the request logs 385. */
function coverageRow(day: string) {
  const gap = side(715, 2, '0.000107');
  return {
    accountId: 'acc1',
    day,
    requestKind: 'openai|gpt-4o-mini|chat/completions',
    provider: 'openai',
    model: 'gpt-4o-mini',
    operation: 'chat/completions',
    serviceTier: 'standard',
    contextTier: 'standard',
    status: 'not-logged',
    official: side(1100, 5, '0.000165'),
    logged: side(385, 3, '0.000058'),
    gap: { tokens: gap.tokens, units: gap.units, totalTokens: 715, cost: '0.000107' },
    currency: 'USD',
  };
}

describe('AuditPage', () => {
  let harness: RouterTestingHarness;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideRouter([{ path: 'audit', component: AuditPage }]), provideHttpClient(), provideHttpClientTesting(), NO_ANIMATIONS],
    });
  });

  async function open(role: WorkspaceRole, month = '2026-02'): Promise<HTMLElement> {
    await signIn(role);
    harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(`/audit?month=${month}`);
    (await nextRequest(get(`${WS_URL}/accounts`), 'accounts')).flush({
      items: [accountFixture(), accountFixture({ id: 'acc2', provider: 'anthropic', displayName: 'Claude team' })],
      nextCursor: null,
    });
    const req = await nextRequest(get(AUDIT), 'audit');
    expect(req.request.params.get('month')).toBe(month);
    req.flush(
      auditFixture(
        [
          cellFixture({ day: `${month}-01`, status: 'reconciled', estimated: '1', reconciled: '1.1', difference: '0.1' }),
          cellFixture({ day: `${month}-02`, status: 'pending', estimated: '0.5' }),
          cellFixture({ accountId: 'acc2', day: `${month}-02`, status: 'unpriced', estimated: '0', lines: [] }),
          cellFixture({ accountId: 'acc2', day: `${month}-03`, status: 'manual', estimated: '19' }),
        ],
        { month, totals: { estimated: '20.5', reconciled: '1.1', difference: '0.1' } },
      ),
    );
    const coverage = await nextRequest(get(`${WS_URL}/coverage`), 'coverage');
    expect([coverage.request.params.get('from'), coverage.request.params.get('to')]).toEqual([`${month}-01`, lastDayOfMonth(month)]);
    coverage.flush({ items: [coverageRow(`${month}-01`)], nextCursor: null });
    await settle();
    return harness.routeNativeElement as HTMLElement;
  }

  async function settle(): Promise<void> {
    await tick();
    harness.detectChanges();
    await harness.fixture.whenStable();
  }

  it('shows the account × day matrix with a chip per cell, a legend and the totals', async () => {
    const el = await open('viewer');

    expect(allByTestId(el, 'audit-account').map((a) => a.textContent?.trim())).toEqual(['Claude team', 'OpenAI production']);
    const statuses = allByTestId(el, 'audit-cell').map((cell) => `${cell.dataset['day']} ${cell.dataset['status']}`);
    expect(statuses).toEqual(['2026-02-02 unpriced', '2026-02-03 manual', '2026-02-01 reconciled', '2026-02-02 pending']);
    // 28 day columns in February.
    expect(el.querySelectorAll('thead .day-col')).toHaveLength(28);
    expect(byTestId(el, 'cost-status-legend')?.querySelectorAll('act-cost-status-chip')).toHaveLength(5);
    const openai = allByTestId(el, 'audit-row')[1] as HTMLElement;
    expect(text(openai, 'audit-row-estimated')).toBe('$1.50');
    expect(text(openai, 'audit-row-reconciled')).toBe('$1.10');
    expect(text(openai, 'audit-row-difference')).toBe('+$0.10');
    expect(text(el, 'audit-total-estimated')).toBe('$20.50');
    // A reconciled cell shows what was billed; the accessible name says both.
    const reconciled = allByTestId(el, 'audit-cell')[2] as HTMLElement;
    expect(reconciled.textContent?.trim()).toBe('$1.1');
    expect(reconciled.getAttribute('aria-label')).toBe('OpenAI production, 2026-02-01: Reconciled. Estimated $1.00, reconciled $1.10.');
    // An unpriced cell never shows $0.
    const unpriced = allByTestId(el, 'audit-cell')[0] as HTMLElement;
    expect(unpriced.dataset['status']).toBe('unpriced');
    expect(unpriced.textContent?.trim()).toBe('no price');
    // Viewers cannot close a month.
    expect(byTestId(el, 'audit-close-month')).toBeNull();
  });

  it('drills down to a cell: its lines, then the observations and billed lines behind it', async () => {
    const el = await open('viewer');
    (allByTestId(el, 'audit-cell')[3] as HTMLButtonElement).click();
    await tick();
    harness.detectChanges();

    const req = await nextRequest(get(`${WS_URL}/audit/cells`), 'cell');
    expect(req.request.params.toString()).toBe('accountId=acc1&day=2026-02-02');
    expect(text(el, 'audit-line-name')).toBe('gpt-4o-mini');
    req.flush({
      workspaceId: WS,
      accountId: 'acc1',
      day: '2026-02-02',
      costVersion: 1,
      observations: [observationFixture({ source: 'usage-api', final: false })],
      billed: [
        {
          eventId: 'b1',
          lineItem: 'gpt-4o-mini, input',
          amount: '0.4',
          currency: 'USD',
          source: 'usage-api',
          observedAt: '2026-02-03T00:10:00Z',
          final: true,
          raw: { amount: { value: 0.4 } },
        },
      ],
    });
    await settle();

    expect(byTestId(el, 'audit-detail-status')?.dataset['status']).toBe('pending');
    expect(text(el, 'observation-source')).toBe('usage-api');
    expect(text(el, 'observation-price-version')).toContain('ps-01234');
    expect(text(el, 'audit-billed')).toContain('gpt-4o-mini, input');
    expect(text(el, 'audit-billed')).toContain('$0.40');

    byTestId<HTMLButtonElement>(el, 'audit-detail-close')?.click();
    await settle();
    expect(byTestId(el, 'audit-detail')).toBeNull();
  });

  it('shows the coverage gap between the usage API and the request logs', async () => {
    const el = await open('viewer');
    expect(text(el, 'coverage-summary')).toBe('1 of 1 account-days have a gap; not logged in total: 715 tokens ($0.000107).');
    const row = allByTestId(el, 'coverage-row')[0] as HTMLElement;
    expect(text(row, 'coverage-official')).toBe('1,100 tokens · 5 req · $0.000165');
    expect(text(row, 'coverage-logged')).toBe('385 tokens · 3 req · $0.000058');
    expect(text(row, 'coverage-gap')).toBe('+715 tokens · +$0.000107');
    expect(byTestId(row, 'coverage-status')?.dataset['status']).toBe('not-logged');
    expect(row.textContent).toContain('OpenAI production');
  });

  it('lets an admin close an ended month after confirming, then reloads it', async () => {
    const el = await open('admin');
    byTestId<HTMLButtonElement>(el, 'audit-close-month')?.click();
    await settle();
    expect(text(document.body, 'confirm-dialog')).toMatch(/frozen/);
    byTestId<HTMLButtonElement>(document.body, 'confirm-accept')?.click();

    (await nextRequest(call('POST', `${WS_URL}/periods/2026-02/close`), 'close')).flush({
      month: '2026-02',
      position: '77',
      closedNow: true,
    });
    const reload = await nextRequest(get(AUDIT), 'audit again');
    reload.flush(
      auditFixture([], {
        month: '2026-02',
        closed: {
          month: '2026-02',
          closedAt: '2026-03-01T09:00:00Z',
          closedBy: 'u-ada',
          costVersion: 1,
          reported: { estimated: '20.5', reconciled: '1.1', counts: { rows: 4, estimated: 1, manual: 1, unpriced: 1, pending: 1 } },
          adjustments: [],
          adjustmentTotal: { estimated: '0', reconciled: '0' },
        },
      }),
    );
    await settle();
    expect(text(el, 'audit-closed')).toContain('February 2026 is closed');
    expect(byTestId(el, 'audit-close-month')).toBeNull();
  });

  it('does not offer to close the month that is still running', async () => {
    const thisMonth = new Date().toISOString().slice(0, 7);
    const el = await open('owner', thisMonth);
    expect(byTestId<HTMLButtonElement>(el, 'audit-close-month')?.disabled).toBe(true);
    TestBed.inject(HttpTestingController).verify();
  });
});
