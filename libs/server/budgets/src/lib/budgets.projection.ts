import type { SqlExecutor } from '@act/server/database';
import type { RecordedEvent } from '@act/server/event-store';
import type { Projection } from '@act/server/projections';
import { ALERT_EVENT_TYPES, BUDGET_EVENT_TYPES, NOTIFICATION_EVENT_TYPES, type AlertEvent, type BudgetEvent, type NotificationEvent } from '@act/domain/budgets';

type BudgetsReadEvent = BudgetEvent | AlertEvent | NotificationEvent;

/**
 * The read side of budgets, alerts and notification settings:
 * - `budgets`: active budgets (a removed budget's row goes);
 * - `alert_settings`: each workspace's anomaly sensitivity (JSON: a level name or a number) and low-credit
 *   threshold (`low_credit`, JSON `{percent, amount}`; null: the default, for settings saved before v2);
 * - `alerts`: every alert with its status (open, acknowledged, resolved) and history times;
 * - `notification_channels`: channels without secrets (a vault id and a hint only);
 * - `notification_preferences`: which alert kinds reach each member by e-mail.
 *
 * No side effects here: notifications are derived from `AlertRaised` by the notification router,
 * which has its own checkpoint outside the projections, so rebuilding this projection sends nothing.
 * v2 added `alert_settings.low_credit`; `BudgetsService.settings` reads it through `to_jsonb(row)`, so it still
 * answers (with the default) from a v1 table while v2 is being rebuilt.
 */
export const budgetsProjection: Projection = {
  name: 'budgets',
  version: 2,
  tables: ['budgets', 'alert_settings', 'alerts', 'notification_channels', 'notification_preferences'],
  eventTypes: [...BUDGET_EVENT_TYPES, ...ALERT_EVENT_TYPES, ...NOTIFICATION_EVENT_TYPES],

  async setup(tx: SqlExecutor) {
    await tx.query(`create table budgets (
      budget_id text primary key, workspace_id text not null, name text not null, scope_kind text not null, scope_key text,
      amount numeric not null, thresholds jsonb not null, created_at timestamptz not null, updated_at timestamptz not null)`);
    await tx.query('create index budgets_workspace on budgets (workspace_id, created_at)');
    await tx.query(`create table alert_settings (workspace_id text primary key, anomaly_sensitivity jsonb not null, low_credit jsonb, updated_at timestamptz not null)`);
    await tx.query(`create table alerts (
      alert_id text primary key, workspace_id text not null, kind text not null, severity text not null,
      subject_kind text not null, subject_key text not null, subject_label text not null, period text not null,
      title text not null, message text not null, details jsonb not null, status text not null,
      raised_at timestamptz not null, acknowledged_at timestamptz, acknowledged_by text,
      resolved_at timestamptz, resolution text, position bigint not null)`);
    await tx.query('create index alerts_workspace on alerts (workspace_id, raised_at desc, alert_id)');
    await tx.query(`create table notification_channels (
      channel_id text primary key, workspace_id text not null, kind text not null, name text not null, enabled boolean not null,
      alert_kinds jsonb not null, min_severity text not null, recipients jsonb not null, to_members boolean not null,
      credential_id text, target_hint text, created_at timestamptz not null, updated_at timestamptz not null)`);
    await tx.query('create index notification_channels_workspace on notification_channels (workspace_id, created_at)');
    await tx.query(`create table notification_preferences (
      workspace_id text not null, user_id text not null, alert_kinds jsonb not null, email boolean not null,
      updated_at timestamptz not null, primary key (workspace_id, user_id))`);
  },

  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]) {
    for (const recorded of events) {
      const event = recorded as unknown as BudgetsReadEvent;
      const at = typeof recorded.metadata['at'] === 'string' ? recorded.metadata['at'] : recorded.recordedAt.toISOString();
      await applyOne(tx, event, at, recorded);
    }
  },
};

async function applyOne(tx: SqlExecutor, event: BudgetsReadEvent, at: string, recorded: RecordedEvent): Promise<void> {
  switch (event.type) {
    case 'BudgetDefined': {
      const d = event.data;
      await tx.query(
        `insert into budgets (budget_id, workspace_id, name, scope_kind, scope_key, amount, thresholds, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6::numeric, $7::jsonb, $8, $8) on conflict do nothing`,
        [d.budgetId, d.workspaceId, d.name, d.scope.kind, d.scope.key, d.amount, JSON.stringify(d.thresholds), at],
      );
      return;
    }
    case 'BudgetChanged': {
      const d = event.data;
      await tx.query(
        `update budgets set name = coalesce($2, name), amount = coalesce($3::numeric, amount),
                thresholds = coalesce($4::jsonb, thresholds), updated_at = $5 where budget_id = $1`,
        [d.budgetId, d.name ?? null, d.amount ?? null, d.thresholds ? JSON.stringify(d.thresholds) : null, at],
      );
      return;
    }
    case 'BudgetRemoved':
      await tx.query('delete from budgets where budget_id = $1', [event.data.budgetId]);
      return;
    case 'AlertSettingsChanged':
      await tx.query(
        `insert into alert_settings (workspace_id, anomaly_sensitivity, low_credit, updated_at) values ($1, $2::jsonb, $3::jsonb, $4)
         on conflict (workspace_id) do update set anomaly_sensitivity = excluded.anomaly_sensitivity, low_credit = excluded.low_credit, updated_at = excluded.updated_at`,
        [event.data.workspaceId, JSON.stringify(event.data.anomalySensitivity), event.data.lowCredit ? JSON.stringify(event.data.lowCredit) : null, at],
      );
      return;
    case 'AlertRaised': {
      const d = event.data;
      await tx.query(
        `insert into alerts (alert_id, workspace_id, kind, severity, subject_kind, subject_key, subject_label, period, title, message,
                             details, status, raised_at, position)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, 'open', $12, $13) on conflict do nothing`,
        [d.alertId, d.workspaceId, d.kind, d.severity, d.subject.kind, d.subject.key, d.subject.label, d.period, d.title, d.message, JSON.stringify(d.details), at, String(recorded.globalPosition)],
      );
      return;
    }
    case 'AlertAcknowledged':
      await tx.query(
        `update alerts set acknowledged_at = $2, acknowledged_by = $3, status = case when status = 'resolved' then status else 'acknowledged' end
          where alert_id = $1 and acknowledged_at is null`,
        [event.data.alertId, at, event.data.by],
      );
      return;
    case 'AlertResolved':
      await tx.query(`update alerts set status = 'resolved', resolved_at = $2, resolution = $3 where alert_id = $1 and resolved_at is null`, [
        event.data.alertId,
        at,
        event.data.reason,
      ]);
      return;
    case 'ChannelAdded': {
      const d = event.data;
      await tx.query(
        `insert into notification_channels (channel_id, workspace_id, kind, name, enabled, alert_kinds, min_severity, recipients, to_members,
                                            credential_id, target_hint, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9, $10, $11, $12, $12) on conflict do nothing`,
        [d.channelId, d.workspaceId, d.kind, d.name, d.enabled, JSON.stringify(d.alertKinds), d.minSeverity, JSON.stringify(d.recipients), d.toMembers, d.credentialId, d.targetHint, at],
      );
      return;
    }
    case 'ChannelChanged': {
      const d = event.data;
      await tx.query(
        `update notification_channels set name = coalesce($2, name), enabled = coalesce($3, enabled), alert_kinds = coalesce($4::jsonb, alert_kinds),
                min_severity = coalesce($5, min_severity), recipients = coalesce($6::jsonb, recipients), to_members = coalesce($7, to_members),
                credential_id = coalesce($8, credential_id), target_hint = coalesce($9, target_hint), updated_at = $10
          where channel_id = $1`,
        [
          d.channelId,
          d.name ?? null,
          d.enabled ?? null,
          d.alertKinds ? JSON.stringify(d.alertKinds) : null,
          d.minSeverity ?? null,
          d.recipients ? JSON.stringify(d.recipients) : null,
          d.toMembers ?? null,
          d.credentialId ?? null,
          d.targetHint ?? null,
          at,
        ],
      );
      return;
    }
    case 'ChannelRemoved':
      await tx.query('delete from notification_channels where channel_id = $1', [event.data.channelId]);
      return;
    case 'NotificationPreferencesSet':
      await tx.query(
        `insert into notification_preferences (workspace_id, user_id, alert_kinds, email, updated_at) values ($1, $2, $3::jsonb, $4, $5)
         on conflict (workspace_id, user_id) do update set alert_kinds = excluded.alert_kinds, email = excluded.email, updated_at = excluded.updated_at`,
        [event.data.workspaceId, event.data.userId, JSON.stringify(event.data.alertKinds), event.data.email, at],
      );
      return;
  }
}
