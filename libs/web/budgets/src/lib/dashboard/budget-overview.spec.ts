import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import type { WorkspaceRole } from '@act/contracts';
import { WS, WS_URL, alertFixture, budgetFixture, byTestId, call, forecastFixture, get, nextRequest, signIn, text, tick } from '../testing/budgets-fixtures.testing';
import { BudgetOverview } from './budget-overview';

describe('BudgetOverview', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting(), provideNoopAnimations()] });
  });

  async function render(role: WorkspaceRole) {
    await signIn(role);
    const fixture = TestBed.createComponent(BudgetOverview);
    fixture.componentRef.setInput('workspaceId', WS);
    fixture.componentRef.setInput('month', '2026-03');
    fixture.componentRef.setInput('canManage', role !== 'viewer');
    fixture.detectChanges();
    const forecast = await nextRequest(get(`${WS_URL}/forecast`), 'forecast');
    expect(forecast.request.params.get('month')).toBe('2026-03');
    forecast.flush(forecastFixture());
    (await nextRequest(get(`${WS_URL}/budgets`), 'budgets')).flush({ items: [budgetFixture()], nextCursor: null });
    const alerts = await nextRequest(get(`${WS_URL}/alerts`), 'alerts');
    expect(alerts.request.params.get('status')).toBe('active');
    alerts.flush({ items: [alertFixture()], nextCursor: null });
    await tick();
    fixture.detectChanges();
    await fixture.whenStable();
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  it('draws the forecast band against the workspace budget, the budget bars and the active alerts', async () => {
    const { el } = await render('owner');
    expect(byTestId(el, 'forecast-chart')).not.toBeNull();
    expect(text(el, 'dashboard-forecast-point')).toBe('Month-end $310.00 (80%: $268.00 – $352.00)');
    expect(text(el, 'budget-bar-percent')).toBe('82.5%');
    expect(text(el, 'alert-title')).toContain('80% of the monthly budget');
  });

  it('acknowledges an alert for those who may', async () => {
    const { fixture, el } = await render('member');
    byTestId(el, 'alert-ack')?.click();
    (await nextRequest(call('POST', `${WS_URL}/alerts/a1/acknowledge`), 'ack')).flush({ alert: { id: 'a1', status: 'acknowledged' }, position: '9' });
    (await nextRequest(get(`${WS_URL}/budgets`), 'budgets')).flush({ items: [budgetFixture()], nextCursor: null });
    (await nextRequest(get(`${WS_URL}/alerts`), 'alerts')).flush({ items: [alertFixture({ status: 'acknowledged' })], nextCursor: null });
    await tick();
    fixture.detectChanges();
    await fixture.whenStable();
    expect(byTestId(el, 'alert-row')?.dataset['status']).toBe('acknowledged');
  });

  it('shows a viewer the alerts without the acknowledge button', async () => {
    const { el } = await render('viewer');
    expect(byTestId(el, 'alert-row')).not.toBeNull();
    expect(byTestId(el, 'alert-ack')).toBeNull();
  });
});
