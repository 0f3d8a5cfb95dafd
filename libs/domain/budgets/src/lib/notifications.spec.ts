import { DomainRuleViolation, deciderSpec } from '@act/domain/event-sourcing';
import { channelWants, notificationsDecider, type NotificationCommand, type NotificationEvent } from './notifications';

const meta = { now: new Date('2026-03-10T12:00:00Z'), actorId: 'user-1' };
const ws = 'ws-1';
const spec = deciderSpec(notificationsDecider);
const add = (data: Partial<Extract<NotificationCommand, { type: 'AddChannel' }>['data']>): NotificationCommand => ({
  type: 'AddChannel',
  data: { workspaceId: ws, channelId: 'c1', kind: 'email', name: 'Finance', ...data },
  metadata: meta,
});
const emailAdded: NotificationEvent = {
  type: 'ChannelAdded',
  data: {
    workspaceId: ws,
    channelId: 'c1',
    kind: 'email',
    name: 'Finance',
    enabled: true,
    alertKinds: ['budget-threshold', 'forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage', 'low-credit'],
    minSeverity: 'info',
    recipients: ['finance@example.test'],
    toMembers: false,
    credentialId: null,
    targetHint: null,
  },
};
const code = (error: unknown) => {
  expect(error).toBeInstanceOf(DomainRuleViolation);
  return (error as DomainRuleViolation).code;
};

describe('notifications decider', () => {
  it('adds an e-mail channel with normalized recipients', () => {
    expect(spec.given([]).when(add({ recipients: [' Finance@Example.test ', 'finance@example.test'], toMembers: false })).events()).toEqual([emailAdded]);
    const toMembers = spec.given([]).when(add({})).events()[0];
    expect(toMembers.data).toMatchObject({ recipients: [], toMembers: true });
  });

  it('refuses e-mail channels that reach nobody, bad addresses, and webhooks without a URL', () => {
    expect(code(spec.given([]).when(add({ recipients: [], toMembers: false })).error())).toBe('channel.recipients');
    expect(code(spec.given([]).when(add({ recipients: ['not-an-address'] })).error())).toBe('channel.recipients');
    expect(code(spec.given([]).when(add({ kind: 'slack' })).error())).toBe('channel.url');
    expect(code(spec.given([]).when(add({ kind: 'email', alertKinds: ['budget-threshold', 'weather' as 'anomaly'] })).error())).toBe('alert-kinds');
    expect(code(spec.given([]).when(add({ name: '  ' })).error())).toBe('channel.name');
  });

  it('keeps only a vault reference and a hint for webhooks', () => {
    const [event] = spec.given([]).when(add({ kind: 'webhook', credentialId: 'vault-1', targetHint: 'https://hooks.example.test/…ab12', alertKinds: ['anomaly', 'budget-threshold'] })).events();
    expect(event.data).toMatchObject({ kind: 'webhook', credentialId: 'vault-1', recipients: [], toMembers: false, alertKinds: ['budget-threshold', 'anomaly'] });
  });

  it('changes what differs, refuses what does not fit the kind, removes once', () => {
    const change = (data: object): NotificationCommand => ({ type: 'ChangeChannel', data: { workspaceId: ws, channelId: 'c1', ...data }, metadata: meta });
    expect(spec.given([emailAdded]).when(change({ name: 'Finance', enabled: true })).events()).toEqual([]);
    expect(spec.given([emailAdded]).when(change({ enabled: false, minSeverity: 'warning' })).events()).toEqual([
      { type: 'ChannelChanged', data: { workspaceId: ws, channelId: 'c1', enabled: false, minSeverity: 'warning' } },
    ]);
    expect(code(spec.given([emailAdded]).when(change({ credentialId: 'vault-2' })).error())).toBe('channel.url');
    expect(code(spec.given([emailAdded]).when(change({ recipients: [] })).error())).toBe('channel.recipients');
    expect((spec.given([]).when(change({ enabled: false })).error() as DomainRuleViolation).kind).toBe('not-found');
    const remove: NotificationCommand = { type: 'RemoveChannel', data: { workspaceId: ws, channelId: 'c1' }, metadata: meta };
    const removed = spec.given([emailAdded]).when(remove).events();
    expect(removed).toEqual([{ type: 'ChannelRemoved', data: { workspaceId: ws, channelId: 'c1' } }]);
    expect(spec.given([emailAdded, ...removed]).when(remove).events()).toEqual([]);
  });

  it("records a member's preferences, once per change", () => {
    const set = (alertKinds: string[], email = true): NotificationCommand => ({
      type: 'SetNotificationPreferences',
      data: { workspaceId: ws, userId: 'u1', alertKinds: alertKinds as ['anomaly'], email },
      metadata: meta,
    });
    const [event] = spec.given([]).when(set(['sync-failing', 'budget-threshold'])).events();
    expect(event).toEqual({ type: 'NotificationPreferencesSet', data: { workspaceId: ws, userId: 'u1', alertKinds: ['budget-threshold', 'sync-failing'], email: true } });
    expect(spec.given([event]).when(set(['budget-threshold', 'sync-failing'])).events()).toEqual([]);
    expect(spec.given([event]).when(set(['budget-threshold', 'sync-failing'], false)).events()).toHaveLength(1);
  });

  it('routes by kind, severity and enabled', () => {
    const channel = { enabled: true, alertKinds: ['anomaly' as const], minSeverity: 'warning' as const };
    expect(channelWants(channel, { kind: 'anomaly', severity: 'critical' })).toBe(true);
    expect(channelWants(channel, { kind: 'anomaly', severity: 'info' })).toBe(false);
    expect(channelWants(channel, { kind: 'budget-threshold', severity: 'critical' })).toBe(false);
    expect(channelWants({ ...channel, enabled: false }, { kind: 'anomaly', severity: 'critical' })).toBe(false);
  });

  it('takes low-credit alerts like any other kind, for channels and preferences', () => {
    const [event] = spec.given([]).when(add({ kind: 'webhook', credentialId: 'vault-1', targetHint: 'x', alertKinds: ['low-credit', 'budget-threshold'], minSeverity: 'critical' })).events();
    expect(event.data).toMatchObject({ alertKinds: ['budget-threshold', 'low-credit'], minSeverity: 'critical' });
    const channel = { enabled: true, alertKinds: ['low-credit' as const], minSeverity: 'critical' as const };
    // Such a channel hears when the account is overdrawn (critical), not of every low balance (warning).
    expect(channelWants(channel, { kind: 'low-credit', severity: 'critical' })).toBe(true);
    expect(channelWants(channel, { kind: 'low-credit', severity: 'warning' })).toBe(false);
    const [prefs] = spec
      .given([])
      .when({ type: 'SetNotificationPreferences', data: { workspaceId: ws, userId: 'u1', alertKinds: ['low-credit'], email: true }, metadata: meta })
      .events();
    expect(prefs.data).toMatchObject({ alertKinds: ['low-credit'] });
  });
});
