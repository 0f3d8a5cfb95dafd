import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { CostVersionDto } from '@act/contracts';
import { WS, WS_URL, allByTestId, byTestId, get, nextRequest, tick } from '../testing/usage-fixtures.testing';
import { CostVersionsList } from './cost-versions-list';

function version(overrides: Partial<CostVersionDto>): CostVersionDto {
  return {
    version: 1,
    status: 'superseded',
    recomputeId: null,
    fromVersion: null,
    causes: [],
    reason: null,
    requestedBy: null,
    requestedAt: null,
    activatedAt: '2026-03-01T00:00:00Z',
    rowsChanged: null,
    delta: null,
    ...overrides,
  };
}

describe('CostVersionsList', () => {
  beforeEach(() => TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] }));
  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('lists the versions newest first with their cause, and shows what one changed per month, account and model', async () => {
    const fixture = TestBed.createComponent(CostVersionsList);
    fixture.componentRef.setInput('workspaceId', WS);
    fixture.componentRef.setInput('accounts', new Map([['acc1', { displayName: 'OpenAI production' }]]));
    fixture.detectChanges();
    (await nextRequest(get(`${WS_URL}/cost-versions`), 'versions')).flush({
      items: [
        version({ version: 1 }),
        version({
          version: 2,
          status: 'active',
          fromVersion: 1,
          rowsChanged: 4,
          delta: '1.5',
          causes: [{ priceSetId: 'ps-9', provider: 'openai', model: 'gpt-4o-mini', effectiveFrom: '2026-02-01', setBy: 'u-ada', recordedAt: null }],
        }),
      ],
      nextCursor: null,
    });
    await tick();
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const rows = allByTestId(el, 'cost-version-row');
    expect(rows.map((row) => row.querySelector('[data-testid="cost-version-number"]')?.textContent?.trim())).toEqual(['2', '1']);
    expect(rows[0]?.textContent).toContain('gpt-4o-mini from 2026-02-01');
    expect(rows[0]?.textContent).toContain('+$1.50');
    expect(rows[1]?.textContent).toContain('Initial prices');

    (rows[0] as HTMLElement).click();
    (await nextRequest(get(`${WS_URL}/cost-versions/2`), 'version 2')).flush({
      ...version({ version: 2, status: 'active' }),
      deltas: [{ month: '2026-02', accountId: 'acc1', provider: 'openai', model: 'gpt-4o-mini', rows: 4, before: '3', after: '4.5', delta: '1.5', becameUnpriced: 0, becamePriced: 0 }],
    });
    await tick();
    await fixture.whenStable();
    expect(byTestId(el, 'cost-version-delta')?.textContent).toContain('OpenAI production');
    expect(byTestId(el, 'cost-version-delta')?.textContent).toContain('+$1.50');
  });
});
