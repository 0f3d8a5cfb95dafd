import type { ChipTone } from '@act/web/identity';
import type { AlertKind, AlertSeverity, AlertStatus, AnomalyKind, BudgetScopeKind, ChannelKind, DeliveryStatus } from '../data-access/budget-types';

export const SCOPE_LABELS: Record<BudgetScopeKind, string> = {
  workspace: 'Whole workspace',
  provider: 'Provider',
  account: 'Account',
  model: 'Model',
  project: 'Project',
};

/** What the scope key means, for the form's hint. */
export const SCOPE_KEY_HINTS: Record<BudgetScopeKind, string> = {
  workspace: '',
  provider: 'The provider id, e.g. openai',
  account: 'The account',
  model: 'provider/model, e.g. openai/gpt-4o',
  project: 'The project name sent with the usage',
};

export const ALERT_KIND_LABELS: Record<AlertKind, string> = {
  'budget-threshold': 'Budget threshold',
  'forecast-overrun': 'Forecast overrun',
  anomaly: 'Anomaly',
  'sync-failing': 'Sync failing',
  'unpriced-usage': 'Unpriced usage',
  'low-credit': 'Low credit balance',
};

export const CHANNEL_KIND_LABELS: Record<ChannelKind, string> = {
  email: 'E-mail',
  slack: 'Slack',
  discord: 'Discord',
  teams: 'Microsoft Teams',
  webhook: 'Webhook (signed JSON)',
};

export const SEVERITY_TONES: Record<AlertSeverity, ChipTone> = {
  info: 'neutral',
  warning: 'warning',
  critical: 'error',
};

export const STATUS_TONES: Record<AlertStatus, ChipTone> = {
  open: 'error',
  acknowledged: 'warning',
  resolved: 'success',
};

export const DELIVERY_TONES: Record<DeliveryStatus, ChipTone> = {
  pending: 'neutral',
  sending: 'neutral',
  retrying: 'warning',
  delivered: 'success',
  failed: 'error',
};

export const ANOMALY_LABELS: Record<AnomalyKind, string> = {
  spike: 'Spike',
  drop: 'Drop',
  'drop-to-zero': 'Drop to zero',
};

/** Channel kinds that post to a URL (everything but e-mail). */
export function isWebhookKind(kind: ChannelKind): boolean {
  return kind !== 'email';
}

/** `2026-03-09T10:00:00.000Z` → `Mar 9, 10:00` (UTC, like every day on these pages). */
export function shortTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'UTC' }).format(date);
}

/** `2026-03-09` → `Mar 9`. */
export function shortDay(day: string | null | undefined): string {
  if (!day) return '—';
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(date);
}

/** How much history a forecast learnt from, for the "too little history" notes. */
export function historyPhrase(days: number): string {
  if (days <= 0) return 'No complete day of history yet';
  return days === 1 ? 'Only 1 day of history' : `Only ${days} days of history`;
}
