import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_PREFERENCES,
  NOTIFICATION_EVENT_TYPES,
  notificationsDecider,
  notificationsStreamId,
  WEBHOOK_CHANNEL_KINDS,
  type AlertKind,
  type Channel,
  type NotificationCommand,
  type NotificationEvent,
  type NotificationsState,
} from '@act/domain/budgets';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import type { SqlDatabase } from '@act/server/database';
import { DeciderStream, EVENT_STORE, type EventStore } from '@act/server/event-store';
import { MAILER, type Mailer, type WorkspaceContext } from '@act/server/identity';
import { APP_CONFIG, PROJECTION_RUNNER, SQL_DATABASE, type AppConfig } from '@act/server/platform';
import type { ProjectionRunner } from '@act/server/projections';
import { CREDENTIAL_VAULT } from '@act/server/accounts';
import type { CredentialVault } from '@act/server/secrets';
import { decodeCursor, encodeCursor } from './alerts.service';
import type {
  ChannelDto,
  ChannelWriteResponseDto,
  CreateChannelBody,
  DeliveriesQuery,
  DeliveryDto,
  DeliveryPageDto,
  PreferencesBody,
  PreferencesDto,
  TestSendResultDto,
  UpdateChannelBody,
} from './dto';
import { NOTIFICATION_OUTBOX } from './tokens';
import type { NotificationOutbox } from './outbox';
import { newSigningSecret } from './senders';
import { checkWebhookUrl, urlHint, type TargetPolicy } from './webhook-target';

interface ChannelRow {
  channel_id: string;
  kind: Channel['kind'];
  name: string;
  enabled: boolean;
  alert_kinds: AlertKind[] | string;
  min_severity: Channel['minSeverity'];
  recipients: string[] | string;
  to_members: boolean;
  target_hint: string | null;
  created_at: Date;
  updated_at: Date;
}

interface DeliveryRow {
  delivery_id: string;
  channel_id: string;
  channel_name: string;
  channel_kind: Channel['kind'];
  purpose: 'alert' | 'test';
  alert_id: string | null;
  alert_kind: string | null;
  recipient: string | null;
  subject: string;
  status: DeliveryDto['status'];
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
  created_key: string;
  delivered_at: Date | null;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Notification channels (decided on the workspace's notifications stream; webhook URLs and
 * signing secrets sealed in the credential vault, bound to the channel id), members'
 * preferences, the delivery history, and test sends.
 */
@Injectable()
export class NotificationsService {
  readonly stream: DeciderStream<NotificationCommand, NotificationEvent, NotificationsState>;
  private readonly policy: TargetPolicy;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(NOTIFICATION_OUTBOX) private readonly outbox: NotificationOutbox,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {
    this.stream = new DeciderStream(store, notificationsDecider, NOTIFICATION_EVENT_TYPES);
    this.policy = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS === 'true' };
  }

  async channels(workspaceId: string): Promise<ChannelDto[]> {
    const rows = await this.db.query<ChannelRow>(
      `select channel_id, kind, name, enabled, alert_kinds, min_severity, recipients, to_members, target_hint, created_at, updated_at
         from notification_channels where workspace_id = $1 order by created_at, channel_id`,
      [workspaceId],
    );
    return rows.map((r) => ({
      id: r.channel_id,
      kind: r.kind,
      name: r.name,
      enabled: r.enabled,
      alertKinds: json(r.alert_kinds),
      minSeverity: r.min_severity,
      recipients: json(r.recipients),
      toMembers: r.to_members,
      targetHint: r.target_hint,
      signed: r.kind === 'webhook',
      createdAt: iso(r.created_at) as string,
      updatedAt: iso(r.updated_at) as string,
    }));
  }

  async createChannel(ctx: WorkspaceContext, body: CreateChannelBody): Promise<ChannelWriteResponseDto> {
    const channelId = randomUUID();
    const isWebhook = WEBHOOK_CHANNEL_KINDS.includes(body.kind);
    let sealed: { credentialId: string; hint: string } | null = null;
    let signingSecret: string | null = null;
    if (isWebhook) {
      if (!body.url) throw new DomainRuleViolation('channel.url', `A ${body.kind} channel needs url: its incoming-webhook address.`);
      const url = checkWebhookUrl(body.url, this.policy);
      signingSecret = body.kind === 'webhook' ? newSigningSecret() : null;
      const stored = await this.vault.store(channelId, JSON.stringify({ url: url.toString(), ...(signingSecret ? { secret: signingSecret } : {}) }));
      sealed = { credentialId: stored.credentialId, hint: urlHint(url) };
    } else {
      if (body.url) throw new DomainRuleViolation('channel.url', 'An e-mail channel has no url: list recipients, or send to members.');
      if (!this.mailer.enabled) {
        throw new DomainRuleViolation('channel.email-disabled', 'E-mail is not configured on this instance: set SMTP_URL (see .env.example), or use a webhook channel.');
      }
    }
    try {
      const result = await this.stream.execute(notificationsStreamId(ctx.workspaceId), {
        type: 'AddChannel',
        data: {
          workspaceId: ctx.workspaceId,
          channelId,
          kind: body.kind,
          name: body.name,
          enabled: body.enabled,
          alertKinds: body.alertKinds,
          minSeverity: body.minSeverity,
          recipients: body.recipients,
          toMembers: body.toMembers,
          credentialId: sealed?.credentialId ?? null,
          targetHint: sealed?.hint ?? null,
        },
        metadata: { now: new Date(), actorId: ctx.userId },
      });
      return { channel: channelDto(result.state.channels.get(channelId) as Channel), signingSecret, position: String(result.position) };
    } catch (error) {
      // Refused: the sealed URL would never be used.
      if (sealed) await this.vault.destroy(sealed.credentialId);
      throw error;
    }
  }

  async updateChannel(ctx: WorkspaceContext, channelId: string, body: UpdateChannelBody): Promise<ChannelWriteResponseDto> {
    const channel = await this.channel(ctx.workspaceId, channelId);
    const isWebhook = WEBHOOK_CHANNEL_KINDS.includes(channel.kind);
    if (body.url !== undefined && !isWebhook) throw new DomainRuleViolation('channel.url', 'An e-mail channel has no url.');
    if (body.rotateSecret && channel.kind !== 'webhook') throw new DomainRuleViolation('channel.secret', `Only generic webhooks are signed: a ${channel.kind} channel has no secret to rotate.`);
    let sealed: { credentialId: string; hint: string } | null = null;
    let signingSecret: string | null = null;
    if (isWebhook && (body.url !== undefined || body.rotateSecret)) {
      const before = channel.credentialId ? (JSON.parse(await this.vault.reveal(channel.credentialId, channelId)) as { url: string; secret?: string }) : null;
      const url = body.url !== undefined ? checkWebhookUrl(body.url, this.policy) : new URL(before?.url ?? '');
      signingSecret = body.rotateSecret ? newSigningSecret() : null;
      const secret = signingSecret ?? before?.secret;
      const stored = await this.vault.store(channelId, JSON.stringify({ url: url.toString(), ...(secret ? { secret } : {}) }));
      sealed = { credentialId: stored.credentialId, hint: urlHint(url) };
    }
    try {
      const result = await this.stream.execute(notificationsStreamId(ctx.workspaceId), {
        type: 'ChangeChannel',
        data: {
          workspaceId: ctx.workspaceId,
          channelId,
          name: body.name,
          enabled: body.enabled,
          alertKinds: body.alertKinds,
          minSeverity: body.minSeverity,
          recipients: body.recipients,
          toMembers: body.toMembers,
          ...(sealed ? { credentialId: sealed.credentialId, targetHint: sealed.hint, secretRotated: Boolean(signingSecret) } : {}),
        },
        metadata: { now: new Date(), actorId: ctx.userId },
      });
      // The old URL and secret are of no use any more: shred them.
      if (sealed && channel.credentialId) await this.vault.destroy(channel.credentialId);
      return { channel: channelDto(result.state.channels.get(channelId) as Channel), signingSecret, position: String(result.position) };
    } catch (error) {
      if (sealed) await this.vault.destroy(sealed.credentialId);
      throw error;
    }
  }

  async removeChannel(ctx: WorkspaceContext, channelId: string): Promise<{ position: string }> {
    const result = await this.stream.execute(notificationsStreamId(ctx.workspaceId), {
      type: 'RemoveChannel',
      data: { workspaceId: ctx.workspaceId, channelId },
      metadata: { now: new Date(), actorId: ctx.userId },
    });
    await this.vault.destroyAllFor(channelId);
    return { position: String(result.position) };
  }

  async testChannel(ctx: WorkspaceContext, channelId: string): Promise<TestSendResultDto> {
    const channel = await this.channel(ctx.workspaceId, channelId);
    let recipients: (string | null)[] = [null];
    if (channel.kind === 'email') {
      const [me] = await this.db.query<{ email: string }>('select email from users where user_id = $1', [ctx.userId]);
      recipients = channel.recipients.length > 0 ? [...channel.recipients] : me ? [me.email] : [];
      if (recipients.length === 0) throw new DomainRuleViolation('channel.recipients', 'This channel has no one to send a test to.');
    }
    // The dispatcher reads the channel from its read model. A test sent right after the channel was
    // created or changed (an API client without ?waitFor=) must wait for it, or it would be told the
    // channel was removed, or be sent to the old address.
    await this.runner.waitForPosition(await this.store.headPosition(), this.config.WAIT_FOR_TIMEOUT_MS);
    const ids = await this.outbox.queueTest(ctx.workspaceId, channel, recipients, ctx.userId);
    await this.outbox.dispatch(ids);
    const deliveries = (await this.deliveryRows(ctx.workspaceId, { ids })).map((r) => r.dto);
    return { delivered: deliveries.every((d) => d.status === 'delivered'), deliveries };
  }

  async preferences(ctx: WorkspaceContext): Promise<PreferencesDto> {
    const [row] = await this.db.query<{ alert_kinds: AlertKind[] | string; email: boolean }>(
      'select alert_kinds, email from notification_preferences where workspace_id = $1 and user_id = $2',
      [ctx.workspaceId, ctx.userId],
    );
    if (!row) return { userId: ctx.userId, alertKinds: [...DEFAULT_PREFERENCES.alertKinds], email: DEFAULT_PREFERENCES.email, isDefault: true };
    return { userId: ctx.userId, alertKinds: json(row.alert_kinds), email: row.email, isDefault: false };
  }

  async setPreferences(ctx: WorkspaceContext, body: PreferencesBody): Promise<PreferencesDto & { position: string }> {
    const result = await this.stream.execute(notificationsStreamId(ctx.workspaceId), {
      type: 'SetNotificationPreferences',
      data: { workspaceId: ctx.workspaceId, userId: ctx.userId, alertKinds: body.alertKinds, email: body.email ?? true },
      metadata: { now: new Date(), actorId: ctx.userId },
    });
    const prefs = result.state.preferences.get(ctx.userId) ?? DEFAULT_PREFERENCES;
    return { userId: ctx.userId, alertKinds: [...prefs.alertKinds], email: prefs.email, isDefault: false, position: String(result.position) };
  }

  async deliveries(workspaceId: string, query: DeliveriesQuery): Promise<DeliveryPageDto> {
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor, 2) : null;
    const rows = await this.deliveryRows(workspaceId, { channelId: query.channelId, alertId: query.alertId, status: query.status, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map((r) => r.dto), nextCursor: rows.length > limit && last ? encodeCursor([last.cursorKey, last.dto.id]) : null };
  }

  private async deliveryRows(
    workspaceId: string,
    filter: { ids?: string[]; channelId?: string; alertId?: string; status?: string; after?: string[] | null; limit?: number },
  ): Promise<{ dto: DeliveryDto; cursorKey: string }[]> {
    const rows = await this.db.query<DeliveryRow>(
      `select delivery_id::text, channel_id, channel_name, channel_kind, purpose, alert_id, alert_kind, recipient, subject, status, attempts,
              max_attempts, case when status in ('pending', 'retrying') then next_attempt_at end as next_attempt_at, last_error, created_at,
              created_at::text as created_key, delivered_at
         from notification_deliveries
        where workspace_id = $1
          and ($2::jsonb is null or delivery_id::text in (select jsonb_array_elements_text($2::jsonb)))
          and ($3::text is null or channel_id = $3) and ($4::text is null or alert_id = $4) and ($5::text is null or status = $5)
          and ($6::timestamptz is null or (created_at, delivery_id::text) < ($6::timestamptz, $7::text))
        order by created_at desc, delivery_id::text desc limit $8`,
      [
        workspaceId,
        filter.ids ? JSON.stringify(filter.ids) : null,
        filter.channelId ?? null,
        filter.alertId ?? null,
        filter.status ?? null,
        filter.after?.[0] ?? null,
        filter.after?.[1] ?? null,
        filter.limit ?? 1000,
      ],
    );
    const attempts = rows.length
      ? await this.db.query<{ delivery_id: string; attempt: number; started_at: Date; finished_at: Date | null; outcome: string; http_status: number | null; error: string | null; duration_ms: number | null }>(
          `select delivery_id::text, attempt, started_at, finished_at, outcome, http_status, error, duration_ms from notification_attempts
            where delivery_id::text in (select jsonb_array_elements_text($1::jsonb)) order by delivery_id, attempt`,
          [JSON.stringify(rows.map((r) => r.delivery_id))],
        )
      : [];
    return rows.map((r) => ({
      cursorKey: r.created_key,
      dto: {
      id: r.delivery_id,
      channelId: r.channel_id,
      channelName: r.channel_name,
      channelKind: r.channel_kind,
      purpose: r.purpose,
      alertId: r.alert_id,
      alertKind: r.alert_kind,
      recipient: r.recipient,
      subject: r.subject,
      status: r.status,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
      nextAttemptAt: iso(r.next_attempt_at),
      lastError: r.last_error,
      createdAt: iso(r.created_at) as string,
      deliveredAt: iso(r.delivered_at),
      attemptLog: attempts
        .filter((a) => a.delivery_id === r.delivery_id)
        .map((a) => ({ attempt: a.attempt, startedAt: iso(a.started_at) as string, finishedAt: iso(a.finished_at), outcome: a.outcome, httpStatus: a.http_status, error: a.error, durationMs: a.duration_ms })),
      },
    }));
  }

  private async channel(workspaceId: string, channelId: string): Promise<Channel> {
    if (!UUID.test(channelId)) throw new NotFoundException('No such notification channel in this workspace.');
    const { state } = await this.stream.load(notificationsStreamId(workspaceId));
    const channel = state.channels.get(channelId);
    if (!channel) throw new NotFoundException('No such notification channel in this workspace.');
    return channel;
  }
}

function channelDto(channel: Channel): ChannelDto {
  const now = new Date().toISOString();
  return {
    id: channel.channelId,
    kind: channel.kind,
    name: channel.name,
    enabled: channel.enabled,
    alertKinds: [...channel.alertKinds],
    minSeverity: channel.minSeverity,
    recipients: [...channel.recipients],
    toMembers: channel.toMembers,
    targetHint: channel.targetHint,
    signed: channel.kind === 'webhook',
    createdAt: now,
    updatedAt: now,
  };
}
