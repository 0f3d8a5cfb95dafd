/**
 * The budgets, forecast, anomaly, alert and notification answers of the API, as the web app reads
 * them (the server's DTOs live in server-budgets and are not in @act/contracts yet). Money is
 * always a decimal string.
 */
export type DecimalString = string;

export const BUDGET_SCOPE_KINDS = ['workspace', 'provider', 'account', 'model', 'project'] as const;
export type BudgetScopeKind = (typeof BUDGET_SCOPE_KINDS)[number];

export const ALERT_KINDS = ['budget-threshold', 'forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage', 'low-credit'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_STATUS_FILTERS = ['active', 'open', 'acknowledged', 'resolved', 'all'] as const;
export type AlertStatusFilter = (typeof ALERT_STATUS_FILTERS)[number];
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';

export const CHANNEL_KINDS = ['email', 'slack', 'discord', 'teams', 'webhook'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const DELIVERY_STATUSES = ['pending', 'sending', 'retrying', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type AnomalySensitivity = 'low' | 'medium' | 'high' | number;

export interface ListDto<T> {
  items: T[];
  nextCursor: string | null;
}

export interface BudgetDto {
  id: string;
  name: string;
  scope: { kind: BudgetScopeKind; key: string | null; label: string };
  amount: DecimalString;
  currency: 'USD';
  thresholds: number[];
  month: string;
  spent: DecimalString;
  percentUsed: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateBudgetRequest {
  name?: string;
  scope: { kind: BudgetScopeKind; key?: string | null };
  amount: DecimalString;
  thresholds?: number[];
}

export interface UpdateBudgetRequest {
  name?: string;
  amount?: DecimalString;
  thresholds?: number[];
}

export interface BudgetWriteResponse {
  budget: BudgetDto;
  position: string;
}

export interface AlertSettingsDto {
  anomalySensitivity: AnomalySensitivity;
}

export interface IntervalDto {
  lower: DecimalString;
  upper: DecimalString;
}

export interface ForecastDayDto {
  day: string;
  /** A complete day: the figures are the actual month-to-date total. */
  actual: boolean;
  median: DecimalString;
  p80: IntervalDto;
  p95: IntervalDto;
}

export interface ForecastFiguresDto {
  spent: DecimalString;
  point: DecimalString;
  p80: IntervalDto;
  p95: IntervalDto;
  method: string;
  confidence: 'normal' | 'low' | 'insufficient' | string;
  insufficientHistory: boolean;
  historyDays: number;
  daysComplete: number;
  daysInMonth: number;
  daily: ForecastDayDto[];
}

export interface ForecastSeriesDto {
  key: string | null;
  label: string;
  forecast: ForecastFiguresDto;
}

export interface BudgetCrossingDto {
  actual: string | null;
  median: string | null;
  upper80: string | null;
  upper95: string | null;
}

export interface BudgetForecastDto {
  budgetId: string;
  name: string;
  scope: { kind: BudgetScopeKind; key: string | null };
  amount: DecimalString;
  spent: DecimalString;
  percentUsed: number;
  point: DecimalString;
  p80: IntervalDto;
  insufficientHistory: boolean;
  crossing: BudgetCrossingDto;
}

export type ForecastGroupBy = 'workspace' | 'provider' | 'account' | 'model';

export interface ForecastResponseDto {
  workspaceId: string;
  month: string;
  today: string;
  currency: 'USD';
  groupBy: ForecastGroupBy | string;
  series: ForecastSeriesDto[];
  budgets: BudgetForecastDto[];
}

export type AnomalyKind = 'spike' | 'drop' | 'drop-to-zero';

export interface AnomalyDto {
  scope: { kind: 'account' | 'model'; key: string; label: string };
  day: string;
  kind: AnomalyKind;
  severity: AlertSeverity;
  cost: DecimalString;
  expected: DecimalString;
  lower: DecimalString;
  upper: DecimalString;
  score: number;
}

export interface AnomaliesResponseDto {
  workspaceId: string;
  from: string;
  through: string;
  sensitivity: AnomalySensitivity;
  threshold: number;
  items: AnomalyDto[];
  series: { scope: { kind: 'account' | 'model'; key: string; label: string }; judged: number; insufficientHistory: number; anomalies: number }[];
}

export interface AlertDto {
  id: string;
  kind: AlertKind;
  severity: AlertSeverity;
  status: AlertStatus;
  title: string;
  message: string;
  subject: { kind: string; key: string; label: string };
  period: string;
  details: Record<string, unknown>;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolution: string | null;
}

export interface AlertsQuery {
  status?: AlertStatusFilter;
  kind?: AlertKind | null;
  limit?: number;
  cursor?: string | null;
}

export interface EvaluationResultDto {
  evaluatedAt: string;
  skipped: string | null;
  raised: number;
  resolved: number;
  position: string;
}

export interface ChannelDto {
  id: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  alertKinds: AlertKind[];
  minSeverity: AlertSeverity;
  recipients: string[];
  toMembers: boolean;
  /** The webhook URL, masked. */
  targetHint: string | null;
  signed: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CreateChannelRequest {
  kind: ChannelKind;
  name: string;
  url?: string;
  recipients?: string[];
  toMembers?: boolean;
  alertKinds?: AlertKind[];
  minSeverity?: AlertSeverity;
  enabled?: boolean;
}

export interface UpdateChannelRequest {
  name?: string;
  url?: string;
  recipients?: string[];
  toMembers?: boolean;
  alertKinds?: AlertKind[];
  minSeverity?: AlertSeverity;
  enabled?: boolean;
  rotateSecret?: boolean;
}

export interface ChannelWriteResponse {
  channel: ChannelDto;
  /** Generic webhooks: in the answer that created or rotated it only. */
  signingSecret: string | null;
  position: string;
}

export interface DeliveryAttemptDto {
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: 'in-flight' | 'delivered' | 'failed' | 'interrupted' | string;
  httpStatus: number | null;
  error: string | null;
  durationMs: number | null;
}

export interface DeliveryDto {
  id: string;
  channelId: string;
  channelName: string;
  channelKind: ChannelKind;
  purpose: 'alert' | 'test';
  alertId: string | null;
  alertKind: string | null;
  recipient: string | null;
  subject: string;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
  attemptLog: DeliveryAttemptDto[];
}

export interface TestSendResultDto {
  delivered: boolean;
  deliveries: DeliveryDto[];
}

export interface PreferencesDto {
  userId: string;
  alertKinds: AlertKind[];
  email: boolean;
  isDefault: boolean;
}
