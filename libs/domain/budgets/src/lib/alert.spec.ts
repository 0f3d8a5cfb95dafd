import { DomainRuleViolation, deciderSpec, foldEvents } from '@act/domain/event-sourcing';
import { alertDecider, alertEventId, alertId, alertStatus, type AlertCommand, type AlertCondition, type AlertEvent } from './alert';

const meta = { now: new Date('2026-03-10T12:00:00Z'), actorId: 'user-1' };
const spec = deciderSpec(alertDecider);

const condition: AlertCondition = {
  alertId: alertId({ workspaceId: 'ws-1', kind: 'budget-threshold', subject: 'b1', period: '2026-03', threshold: '80%@500' }),
  workspaceId: 'ws-1',
  kind: 'budget-threshold',
  severity: 'warning',
  subject: { kind: 'budget', key: 'b1', label: 'Workspace' },
  period: '2026-03',
  title: 'Workspace: 80% of the monthly budget reached',
  message: '…',
  details: { threshold: 80, amount: '500' },
};
const raise: AlertCommand = { type: 'RaiseAlert', data: condition, metadata: meta };
const raised: AlertEvent = { type: 'AlertRaised', data: condition };
const acknowledge: AlertCommand = { type: 'AcknowledgeAlert', data: { alertId: condition.alertId, workspaceId: 'ws-1' }, metadata: meta };
const acknowledged: AlertEvent = { type: 'AlertAcknowledged', data: { alertId: condition.alertId, workspaceId: 'ws-1', by: 'user-1' } };
const resolve: AlertCommand = { type: 'ResolveAlert', data: { alertId: condition.alertId, reason: 'budget-changed' }, metadata: meta };
const resolved: AlertEvent = { type: 'AlertResolved', data: { alertId: condition.alertId, workspaceId: 'ws-1', reason: 'budget-changed' } };

describe('alert ids', () => {
  it('are the same for the same condition and period, and differ in any part', () => {
    const base = { workspaceId: 'ws-1', kind: 'budget-threshold' as const, subject: 'b1', period: '2026-03', threshold: '80%@500' };
    expect(alertId(base)).toBe(condition.alertId);
    expect(alertId(base)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const variants = [
      { ...base, workspaceId: 'ws-2' },
      { ...base, kind: 'forecast-overrun' as const },
      { ...base, subject: 'b2' },
      { ...base, period: '2026-04' },
      { ...base, threshold: '80%@600' },
      // Separators inside a part cannot make two different conditions collide.
      { ...base, subject: 'b1|2026-03', period: '' },
    ];
    expect(new Set([alertId(base), ...variants.map(alertId)]).size).toBe(variants.length + 1);
    expect(alertEventId(condition.alertId, 'AlertRaised')).toBe(alertEventId(condition.alertId, 'AlertRaised'));
    expect(alertEventId(condition.alertId, 'AlertRaised')).not.toBe(alertEventId(condition.alertId, 'AlertResolved'));
  });
});

describe('alert decider', () => {
  it('raises once per condition and period: again while open, acknowledged or resolved adds nothing', () => {
    expect(spec.given([]).when(raise).events()).toEqual([raised]);
    expect(spec.given([raised]).when(raise).events()).toEqual([]);
    expect(spec.given([raised, acknowledged]).when(raise).events()).toEqual([]);
    expect(spec.given([raised, resolved]).when(raise).events()).toEqual([]);
  });

  it('is acknowledged once, by the actor, and only in its own workspace', () => {
    expect(spec.given([raised]).when(acknowledge).events()).toEqual([acknowledged]);
    expect(spec.given([raised, acknowledged]).when(acknowledge).events()).toEqual([]);
    // "Seen" after it resolved is allowed.
    expect(spec.given([raised, resolved]).when(acknowledge).events()).toEqual([acknowledged]);
    const elsewhere: AlertCommand = { type: 'AcknowledgeAlert', data: { alertId: condition.alertId, workspaceId: 'ws-2' }, metadata: meta };
    for (const history of [[], [raised]]) {
      const error = spec.given(history).when(history.length ? elsewhere : acknowledge).error();
      expect(error).toBeInstanceOf(DomainRuleViolation);
      expect(error).toMatchObject({ kind: 'not-found' });
    }
  });

  it('resolves once, and an unknown alert has nothing to resolve', () => {
    expect(spec.given([raised]).when(resolve).events()).toEqual([resolved]);
    expect(spec.given([raised, acknowledged]).when(resolve).events()).toEqual([resolved]);
    expect(spec.given([raised, resolved]).when(resolve).events()).toEqual([]);
    expect(spec.given([]).when(resolve).events()).toEqual([]);
  });

  it('reports its status', () => {
    expect(alertStatus(foldEvents(alertDecider, []))).toBeNull();
    expect(alertStatus(foldEvents(alertDecider, [raised]))).toBe('open');
    expect(alertStatus(foldEvents(alertDecider, [raised, acknowledged]))).toBe('acknowledged');
    expect(alertStatus(foldEvents(alertDecider, [raised, acknowledged, resolved]))).toBe('resolved');
  });
});
