import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideNoopAnimations } from '@angular/platform-browser/animations';
import { provideRouter } from '@angular/router';
import type { WorkspaceRole } from '@act/contracts';
import { readYourWritesInterceptor } from '@act/web/identity';
import {
  NO_ANIMATIONS,
  WS_URL,
  alertFixture,
  allByTestId,
  budgetFixture,
  byTestId,
  call,
  channelFixture,
  deliveryFixture,
  get,
  nextRequest,
  signIn,
  text,
  tick,
} from '../testing/budgets-fixtures.testing';
import { BudgetsPage } from './budgets-page';

// A page of four sections with Material forms: rendering it takes a while on a busy machine.
jest.setTimeout(20_000);

describe('BudgetsPage', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([readYourWritesInterceptor])),
        provideHttpClientTesting(),
        provideNoopAnimations(),
        NO_ANIMATIONS,
      ],
    });
  });

  async function render(role: WorkspaceRole = 'owner', alerts = [alertFixture()], nextCursor: string | null = null) {
    await signIn(role);
    const fixture = TestBed.createComponent(BudgetsPage);
    fixture.detectChanges();
    (await nextRequest(get(`${WS_URL}/budgets`), 'budgets')).flush({ items: [budgetFixture()], nextCursor: null });
    const alertsReq = await nextRequest(get(`${WS_URL}/alerts`), 'alerts');
    expect(alertsReq.request.params.get('status')).toBe('all');
    alertsReq.flush({ items: alerts, nextCursor });
    (await nextRequest(get(`${WS_URL}/alert-settings`), 'settings')).flush({ anomalySensitivity: 'medium' });
    (await nextRequest(get(`${WS_URL}/channels`), 'channels')).flush({ items: [channelFixture()], nextCursor: null });
    (await nextRequest(get(`${WS_URL}/notification-preferences`), 'preferences')).flush({ userId: 'u-ada', alertKinds: ['budget-threshold', 'anomaly'], email: true, isDefault: false });
    await settle(fixture);
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  async function settle(fixture: { detectChanges(): void; whenStable(): Promise<unknown> }) {
    await tick();
    fixture.detectChanges();
    await fixture.whenStable();
  }

  function type(el: HTMLElement, testId: string, value: string) {
    const input = byTestId<HTMLInputElement | HTMLSelectElement>(el, testId) as HTMLInputElement;
    input.value = value;
    input.dispatchEvent(new Event(input.tagName === 'SELECT' ? 'change' : 'input'));
  }

  it('shows each budget as a bar with its spend, and the alerts, channels and preferences', async () => {
    const { el } = await render();
    expect(text(el, 'budget-bar-name')).toBe('Whole workspace');
    expect(text(el, 'budget-bar-spent')).toBe('$412.50');
    expect(text(el, 'budget-bar-percent')).toBe('82.5%');
    expect(byTestId(el, 'budget-bar')?.dataset['tone']).toBe('warning');
    expect(text(el, 'alert-title')).toBe('Whole workspace: 80% of the monthly budget reached');
    expect(text(el, 'channel-name')).toBe('Ops hook');
    expect(byTestId<HTMLSelectElement>(el, 'alerts-sensitivity')?.value).toBe('medium');
    const checked = (kind: string) => byTestId(el, `preferences-kind-${kind}`)?.querySelector('input')?.checked;
    expect(checked('anomaly')).toBe(true);
    expect(checked('sync-failing')).toBe(false);
    // Low credit balances are a kind like the others: offered to members and to channels, labelled.
    expect(byTestId(el, 'preferences-kind-low-credit')?.textContent).toContain('Low credit balance');
    expect(checked('low-credit')).toBe(false);
  });

  it('creates a budget with default thresholds and reads the list again after the write (waitFor)', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'budget-new')?.click();
    await settle(fixture);
    expect(byTestId<HTMLInputElement>(el, 'budget-thresholds')?.value).toBe('50, 80, 100');
    type(el, 'budget-scope-kind', 'provider');
    await settle(fixture);
    type(el, 'budget-scope-key', 'openai');
    type(el, 'budget-amount', '1,250.50');
    byTestId<HTMLFormElement>(el, 'budget-form')?.dispatchEvent(new Event('submit'));
    const post = await nextRequest(call('POST', `${WS_URL}/budgets`), 'create');
    expect(post.request.body).toEqual({ scope: { kind: 'provider', key: 'openai' }, amount: '1250.5', thresholds: [50, 80, 100] });
    post.flush({ budget: budgetFixture({ id: 'b2' }), position: '42' });
    const reread = await nextRequest(get(`${WS_URL}/budgets`), 'budgets after the write');
    expect(reread.request.params.get('waitFor')).toBe('42');
    reread.flush({ items: [budgetFixture(), budgetFixture({ id: 'b2', name: 'OpenAI', percentUsed: 10 })], nextCursor: null });
    await settle(fixture);
    expect(allByTestId(el, 'budget-bar-name').map((n) => n.textContent?.trim())).toEqual(['Whole workspace', 'OpenAI']);
    expect(byTestId(el, 'budget-form')).toBeNull();
  });

  it('shows the problem the API answered inline, and keeps the form', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'budget-new')?.click();
    await settle(fixture);
    type(el, 'budget-amount', '100');
    byTestId<HTMLFormElement>(el, 'budget-form')?.dispatchEvent(new Event('submit'));
    (await nextRequest(call('POST', `${WS_URL}/budgets`), 'create')).flush(
      { type: 'about:blank', title: 'Conflict', status: 409, detail: 'The workspace already has a budget for this scope.' },
      { status: 409, statusText: 'Conflict' },
    );
    await settle(fixture);
    expect(text(el, 'budget-form-error')).toBe('The workspace already has a budget for this scope.');
    expect(byTestId(el, 'budget-form')).not.toBeNull();
  });

  it('checks the amount before sending anything', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'budget-new')?.click();
    await settle(fixture);
    type(el, 'budget-amount', 'lots');
    byTestId<HTMLFormElement>(el, 'budget-form')?.dispatchEvent(new Event('submit'));
    await settle(fixture);
    expect(text(el, 'budget-form-error')).toContain('monthly amount');
  });

  it('changes a budget (the scope stays) and deletes one after confirming', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'budget-edit')?.click();
    await settle(fixture);
    expect(byTestId<HTMLSelectElement>(el, 'budget-scope-kind')?.disabled).toBe(true);
    type(el, 'budget-amount', '600');
    byTestId<HTMLFormElement>(el, 'budget-form')?.dispatchEvent(new Event('submit'));
    const patch = await nextRequest(call('PATCH', `${WS_URL}/budgets/b1`), 'update');
    expect(patch.request.body).toEqual({ name: 'Whole workspace', amount: '600', thresholds: [50, 80, 100] });
    patch.flush({ budget: budgetFixture({ amount: '600' }), position: '43' });
    (await nextRequest(get(`${WS_URL}/budgets`), 'budgets')).flush({ items: [budgetFixture({ amount: '600' })], nextCursor: null });
    await settle(fixture);

    byTestId(el, 'budget-delete')?.click();
    await settle(fixture);
    (document.querySelector('[data-testid="confirm-accept"]') as HTMLElement).click();
    (await nextRequest(call('DELETE', `${WS_URL}/budgets/b1`), 'delete')).flush({ position: '44' });
    const reread = await nextRequest(get(`${WS_URL}/budgets`), 'budgets');
    expect(reread.request.params.get('waitFor')).toBe('44');
    reread.flush({ items: [], nextCursor: null });
    await settle(fixture);
    expect(byTestId(el, 'budget-bars-empty')).not.toBeNull();
  });

  it('acknowledges an alert and reads the list again', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'alert-ack')?.click();
    (await nextRequest(call('POST', `${WS_URL}/alerts/a1/acknowledge`), 'ack')).flush({ alert: { id: 'a1', status: 'acknowledged' }, position: '50' });
    const reread = await nextRequest(get(`${WS_URL}/alerts`), 'alerts');
    expect(reread.request.params.get('waitFor')).toBe('50');
    reread.flush({ items: [alertFixture({ status: 'acknowledged', acknowledgedAt: '2026-03-09T11:00:00Z' })], nextCursor: null });
    await settle(fixture);
    expect(byTestId(el, 'alert-row')?.dataset['status']).toBe('acknowledged');
    expect(byTestId(el, 'alert-ack')).toBeNull();
  });

  it('filters by status and kind, and follows the cursor for older alerts', async () => {
    const { fixture, el } = await render('owner', [alertFixture()], 'cursor-1');
    byTestId(el, 'alerts-more')?.click();
    const more = await nextRequest((req) => req.method === 'GET' && req.url === `${WS_URL}/alerts` && req.params.get('cursor') === 'cursor-1', 'page 2');
    more.flush({ items: [alertFixture({ id: 'a0', title: 'Older', status: 'resolved' })], nextCursor: null });
    await settle(fixture);
    expect(allByTestId(el, 'alert-title').map((n) => n.textContent?.trim())).toEqual(['Whole workspace: 80% of the monthly budget reached', 'Older']);
    expect(byTestId(el, 'alerts-more')).toBeNull();

    type(el, 'alerts-kind', 'anomaly');
    const filtered = await nextRequest(get(`${WS_URL}/alerts`), 'filtered');
    expect(filtered.request.params.get('kind')).toBe('anomaly');
    expect(filtered.request.params.get('cursor')).toBeNull();
    filtered.flush({ items: [], nextCursor: null });
    await settle(fixture);
    expect(text(el, 'alert-list-empty')).toBe('No alerts match.');
  });

  it('evaluates now and says what happened', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'alerts-evaluate')?.click();
    (await nextRequest(call('POST', `${WS_URL}/alerts/evaluate`), 'evaluate')).flush({ evaluatedAt: 'x', skipped: null, raised: 2, resolved: 0, position: '60' });
    (await nextRequest(get(`${WS_URL}/alerts`), 'alerts')).flush({ items: [], nextCursor: null });
    // The spend behind the budgets is read again too.
    (await nextRequest(get(`${WS_URL}/budgets`), 'budgets')).flush({ items: [budgetFixture({ percentUsed: 91, spent: '455' })], nextCursor: null });
    await settle(fixture);
    expect(text(el, 'alerts-evaluation')).toBe('Checked: 2 alerts raised, 0 resolved.');
    expect(text(el, 'budget-bar-percent')).toBe('91.0%');
  });

  it('adds a signed webhook and shows its secret once', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'channel-new')?.click();
    await settle(fixture);
    type(el, 'channel-name-input', 'Receiver');
    type(el, 'channel-url', 'https://hooks.example.com/act');
    type(el, 'channel-min-severity', 'warning');
    byTestId(el, 'channel-kind-anomaly')?.querySelector('input')?.click();
    byTestId<HTMLFormElement>(el, 'channel-form')?.dispatchEvent(new Event('submit'));
    const post = await nextRequest(call('POST', `${WS_URL}/channels`), 'create channel');
    expect(post.request.body).toEqual({
      kind: 'webhook',
      name: 'Receiver',
      url: 'https://hooks.example.com/act',
      alertKinds: ['budget-threshold', 'forecast-overrun', 'sync-failing', 'unpriced-usage', 'low-credit'],
      minSeverity: 'warning',
    });
    post.flush({ channel: channelFixture({ id: 'c2', name: 'Receiver' }), signingSecret: 'whsec_abc', position: '70' });
    (await nextRequest(get(`${WS_URL}/channels`), 'channels')).flush({ items: [channelFixture(), channelFixture({ id: 'c2', name: 'Receiver' })], nextCursor: null });
    await settle(fixture);
    expect(byTestId<HTMLInputElement>(el, 'channel-secret')?.value).toBe('whsec_abc');
    byTestId(el, 'channel-secret-done')?.click();
    await settle(fixture);
    expect(byTestId(el, 'channel-secret')).toBeNull();
    expect(el.textContent).not.toContain('whsec_abc');
  });

  it('disables a channel and replaces a webhook secret, shown once again', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'channel-toggle')?.click();
    const patch = await nextRequest(call('PATCH', `${WS_URL}/channels/c1`), 'disable');
    expect(patch.request.body).toEqual({ enabled: false });
    patch.flush({ channel: channelFixture({ enabled: false }), signingSecret: null, position: '90' });
    (await nextRequest(get(`${WS_URL}/channels`), 'channels')).flush({ items: [channelFixture({ enabled: false })], nextCursor: null });
    await settle(fixture);
    expect(text(el, 'channel-toggle')).toBe('Enable');

    byTestId(el, 'channel-rotate')?.click();
    await settle(fixture);
    (document.querySelector('[data-testid="confirm-accept"]') as HTMLElement).click();
    const rotate = await nextRequest(call('PATCH', `${WS_URL}/channels/c1`), 'rotate');
    expect(rotate.request.body).toEqual({ rotateSecret: true });
    rotate.flush({ channel: channelFixture({ enabled: false }), signingSecret: 'whsec_new', position: '91' });
    await settle(fixture);
    await settle(fixture);
    expect(byTestId<HTMLInputElement>(el, 'channel-secret')?.value).toBe('whsec_new');
  });

  it('shows why the API refused a webhook URL', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'channel-new')?.click();
    await settle(fixture);
    type(el, 'channel-name-input', 'Internal');
    type(el, 'channel-url', 'http://10.0.0.5/hook');
    byTestId<HTMLFormElement>(el, 'channel-form')?.dispatchEvent(new Event('submit'));
    (await nextRequest(call('POST', `${WS_URL}/channels`), 'create')).flush(
      { title: 'Bad Request', status: 400, detail: 'url points to a private address (10.0.0.5)' },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    expect(text(el, 'channel-form-error')).toBe('url points to a private address (10.0.0.5)');
  });

  it('test-sends and shows the delivery history with its attempts', async () => {
    const { fixture, el } = await render();
    byTestId(el, 'channel-test')?.click();
    (await nextRequest(call('POST', `${WS_URL}/channels/c1/test`), 'test')).flush({ delivered: true, deliveries: [deliveryFixture({ purpose: 'test' })] });
    await settle(fixture);
    expect(text(el, 'channel-message')).toBe('Ops hook: Test message delivered.');

    byTestId(el, 'channel-history')?.click();
    const history = await nextRequest(get(`${WS_URL}/deliveries`), 'deliveries');
    expect(history.request.params.get('channelId')).toBe('c1');
    history.flush({ items: [deliveryFixture()], nextCursor: null });
    await settle(fixture);
    expect(byTestId(el, 'delivery-row')?.dataset['status']).toBe('delivered');
    expect(allByTestId(el, 'delivery-attempt').map((n) => n.textContent?.trim())).toEqual([
      '#1 Mar 9, 10:00 failed (HTTP 503, 40 ms, HTTP 503)',
      '#2 Mar 9, 10:00 delivered (HTTP 200, 35 ms)',
    ]);
  });

  it('saves the sensitivity and the member’s own preferences', async () => {
    const { fixture, el } = await render();
    type(el, 'alerts-sensitivity', 'high');
    const put = await nextRequest(call('PUT', `${WS_URL}/alert-settings`), 'settings');
    expect(put.request.body).toEqual({ anomalySensitivity: 'high' });
    put.flush({ anomalySensitivity: 'high', position: '80' });

    byTestId(el, 'preferences-kind-sync-failing')?.querySelector('input')?.click();
    await settle(fixture);
    byTestId(el, 'preferences-save')?.click();
    const prefs = await nextRequest(call('PUT', `${WS_URL}/notification-preferences`), 'preferences');
    expect(prefs.request.body).toEqual({ alertKinds: ['budget-threshold', 'anomaly', 'sync-failing'], email: true });
    prefs.flush({ userId: 'u-ada', alertKinds: ['budget-threshold', 'anomaly', 'sync-failing'], email: true, isDefault: false, position: '81' });
    (await nextRequest(get(`${WS_URL}/notification-preferences`), 'preferences again')).flush({
      userId: 'u-ada',
      alertKinds: ['budget-threshold', 'anomaly', 'sync-failing'],
      email: true,
      isDefault: false,
    });
    await settle(fixture);
    expect(byTestId(el, 'preferences-saved')).not.toBeNull();
  });

  it('shows a viewer everything and no button that writes, except their own preferences', async () => {
    const { el } = await render('viewer');
    expect(text(el, 'budget-bar-name')).toBe('Whole workspace');
    for (const testId of ['budget-new', 'budget-edit', 'budget-delete', 'alert-ack', 'alerts-evaluate', 'channel-new', 'channel-test', 'channel-toggle', 'channel-rotate', 'channel-delete']) {
      expect(byTestId(el, testId)).toBeNull();
    }
    expect(byTestId<HTMLSelectElement>(el, 'alerts-sensitivity')?.disabled).toBe(true);
    expect(byTestId(el, 'channel-history')).not.toBeNull();
    expect(byTestId(el, 'preferences-save')).not.toBeNull();
  });

  it('lets a member manage budgets and alerts but not channels', async () => {
    const { el } = await render('member');
    expect(byTestId(el, 'budget-new')).not.toBeNull();
    expect(byTestId(el, 'alert-ack')).not.toBeNull();
    expect(byTestId(el, 'channel-new')).toBeNull();
    expect(byTestId(el, 'channel-test')).toBeNull();
  });

  it('explains a list that failed to load', async () => {
    await signIn('owner');
    const fixture = TestBed.createComponent(BudgetsPage);
    fixture.detectChanges();
    (await nextRequest(get(`${WS_URL}/budgets`), 'budgets')).flush({ detail: 'Workspace not found.' }, { status: 404, statusText: 'Not Found' });
    (await nextRequest(get(`${WS_URL}/alerts`), 'alerts')).flush({ items: [], nextCursor: null });
    (await nextRequest(get(`${WS_URL}/alert-settings`), 'settings')).flush({ anomalySensitivity: 'medium' });
    (await nextRequest(get(`${WS_URL}/channels`), 'channels')).flush({ title: 'Forbidden' }, { status: 403, statusText: 'Forbidden' });
    (await nextRequest(get(`${WS_URL}/notification-preferences`), 'preferences')).flush({ userId: 'u-ada', alertKinds: [], email: false, isDefault: false });
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(text(el, 'budgets-error')).toBe('Workspace not found.');
    expect(text(el, 'channels-error')).toBe('Your role in this workspace does not allow this.');
  });
});
