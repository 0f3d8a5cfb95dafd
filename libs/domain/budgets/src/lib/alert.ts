import { v5 as uuidv5 } from 'uuid';
import { Command, Decider, DomainEvent, DomainRuleViolation } from '@act/domain/event-sourcing';

/**
 * What an alert is about:
 * - `budget-threshold`: the month's actual spend reached a threshold of a budget;
 * - `forecast-overrun`: the forecast's 80% interval reaches the budget before the month ends
 *   (and the spend has not yet), with the projected day;
 * - `anomaly`: a day's cost of an account or a model is a spike or a drop (`detectAnomalies`);
 * - `sync-failing`: an account's latest sync run failed (it needs attention);
 * - `unpriced-usage`: usage of a model without a known price appeared this month;
 * - `low-credit`: the latest balance read of an account with prepaid credits (OpenRouter) is below the
 *   workspace's low-credit threshold (warning), or at or below zero (critical: overdrawn).
 */
export const ALERT_KINDS = ['budget-threshold', 'forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage', 'low-credit'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export function isAlertKind(value: unknown): value is AlertKind {
  return typeof value === 'string' && (ALERT_KINDS as readonly string[]).includes(value);
}

/** What the alert is about, for people: `label` is the budget's or account's name. */
export type AlertSubject = {
  readonly kind: 'budget' | 'account' | 'model' | 'workspace';
  readonly key: string;
  readonly label: string;
};

export type AlertDetailValue = string | number | boolean | null;

/**
 * One condition found true by an evaluation. Its `alertId` is derived from what makes it *that*
 * condition (rule, subject, period and, for budgets, the threshold and amount), so finding it
 * again on the next evaluation names the same alert and raises nothing new.
 */
export type AlertCondition = {
  readonly alertId: string;
  readonly workspaceId: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  readonly subject: AlertSubject;
  /**
   * The period the condition belongs to: a month `YYYY-MM`, a day `YYYY-MM-DD`, a failure streak's first run id,
   * or for a low credit balance the credits purchased so far (`credits:250`: a top-up starts a new period).
   */
  readonly period: string;
  readonly title: string;
  readonly message: string;
  readonly details: Readonly<Record<string, AlertDetailValue>>;
};

/** The namespace of alert ids (UUIDv5); generated once, never change it: ids would change with it. */
export const ALERT_NAMESPACE = '5c1f9a43-8f0e-4a8e-9b53-0a7f4f6c2d19';

/** `alert-<alertId>`: one short stream per alert, so raising, acknowledging and resolving one never contends with another. */
export function alertStreamId(alertId: string): string {
  return `alert-${alertId}`;
}

/**
 * The alert id of a condition: UUIDv5 over `kind|workspace|subject|period|threshold`. The same
 * condition in the same period always gets the same id: raising it twice is one alert.
 */
export function alertId(parts: { workspaceId: string; kind: AlertKind; subject: string; period: string; threshold?: string }): string {
  return uuidv5([parts.kind, parts.workspaceId, parts.subject, parts.period, parts.threshold ?? ''].map(escape).join('|'), ALERT_NAMESPACE);
}

/** Event ids derived from the alert: two evaluators raising the same alert at once append one event. */
export function alertEventId(alertId: string, type: AlertEvent['type'], extra = ''): string {
  return uuidv5(`${type}|${alertId}|${extra}`, ALERT_NAMESPACE);
}

const escape = (segment: string) => segment.replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

export type AlertResolution =
  | 'condition-cleared'
  | 'budget-changed'
  | 'budget-removed'
  | 'period-ended'
  | 'overrun-happened'
  | 'sync-recovered'
  /** Low credit: credits were bought since (the total purchased grew); if the balance is still low, that is a new alert. */
  | 'topped-up'
  /** Low credit: the account was disconnected; its balance is no longer read. */
  | 'account-disconnected';

export type AlertEvent =
  | DomainEvent<'AlertRaised', AlertCondition>
  | DomainEvent<'AlertAcknowledged', { alertId: string; workspaceId: string; by: string | null }>
  | DomainEvent<'AlertResolved', { alertId: string; workspaceId: string; reason: AlertResolution }>;

export const ALERT_EVENT_TYPES = ['AlertRaised', 'AlertAcknowledged', 'AlertResolved'] as const satisfies readonly AlertEvent['type'][];

export type AlertCommand =
  | Command<'RaiseAlert', AlertCondition>
  | Command<'AcknowledgeAlert', { alertId: string; workspaceId: string }>
  | Command<'ResolveAlert', { alertId: string; reason: AlertResolution }>;

export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export interface AlertState {
  readonly alert: AlertCondition | null;
  readonly acknowledged: boolean;
  readonly resolved: boolean;
}

export function alertStatus(state: AlertState): AlertStatus | null {
  if (!state.alert) return null;
  return state.resolved ? 'resolved' : state.acknowledged ? 'acknowledged' : 'open';
}

/**
 * An alert's lifecycle. Raised once: raising it again — open, acknowledged or resolved — adds
 * nothing, so an evaluation that finds the same condition on every pass notifies once per
 * condition and period. Acknowledging is idempotent and allowed until and after it resolves
 * ("seen"); it resolves at most once, when the evaluator finds the condition cleared.
 */
export const alertDecider: Decider<AlertCommand, AlertEvent, AlertState> = {
  initialState: () => ({ alert: null, acknowledged: false, resolved: false }),

  evolve(state, event) {
    switch (event.type) {
      case 'AlertRaised':
        return { ...state, alert: event.data };
      case 'AlertAcknowledged':
        return { ...state, acknowledged: true };
      case 'AlertResolved':
        return { ...state, resolved: true };
    }
  },

  decide(command, state) {
    switch (command.type) {
      case 'RaiseAlert':
        if (state.alert) return [];
        return [{ type: 'AlertRaised', data: command.data }];
      case 'AcknowledgeAlert':
        if (!state.alert || state.alert.workspaceId !== command.data.workspaceId) {
          throw new DomainRuleViolation('alert.not-found', 'No such alert in this workspace.', 'not-found');
        }
        if (state.acknowledged) return [];
        return [{ type: 'AlertAcknowledged', data: { alertId: state.alert.alertId, workspaceId: state.alert.workspaceId, by: command.metadata.actorId ?? null } }];
      case 'ResolveAlert':
        if (!state.alert || state.resolved) return [];
        return [{ type: 'AlertResolved', data: { alertId: state.alert.alertId, workspaceId: state.alert.workspaceId, reason: command.data.reason } }];
    }
  },
};
