import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { v5 as uuidv5 } from 'uuid';
import { ALERT_NAMESPACE, channelWants, type AlertCondition, type AlertKind, type AlertSeverity, type ChannelKind } from '@act/domain/budgets';
import type { SqlDatabase, SqlExecutor } from '@act/server/database';
import type { EventStore, RecordedEvent } from '@act/server/event-store';
import { JobLease, migrateJobLeases, type JobLeaseOptions } from '@act/server/projections';
import type { CredentialVault } from '@act/server/secrets';
import { abortableSleep } from '@act/util/core';
import { payloadAlert, type NotificationPayload, type NotificationSender, type SendOutcome } from './senders';

export interface OutboxOptions {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  ratePerMinute: number;
  pollMs: number;
  publicUrl?: string;
  /**
   * Several api processes: the background loop (routing and dispatching) runs only in the
   * process holding the `notifications` lease (ttl 15 s, renewed every 5 s by default), so the
   * log is routed once and one dispatcher keeps each channel to its rate. `false`: every
   * process loops (still no delivery twice: routing is checkpointed under a row lock with
   * deterministic ids, claims use `for update skip locked`). Test sends are dispatched by the
   * request's own process either way.
   */
  lease?: JobLeaseOptions | false;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

interface ChannelRow {
  channel_id: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  alert_kinds: AlertKind[] | string;
  min_severity: AlertSeverity;
  recipients: string[] | string;
  to_members: boolean;
  credential_id: string | null;
}

interface ClaimedDelivery {
  delivery_id: string;
  channel_id: string;
  channel_kind: ChannelKind;
  purpose: 'alert' | 'test';
  recipient: string | null;
  payload: NotificationPayload | string;
  attempts: number;
  max_attempts: number;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** A delivery's id: the same alert event, channel and recipient always give the same id. */
export function deliveryId(eventId: string, channelId: string, recipient: string | null): string {
  return uuidv5(`delivery|${eventId}|${channelId}|${recipient ?? ''}`, ALERT_NAMESPACE);
}

/**
 * The notification outbox, in two steps that each survive a crash:
 *
 * 1. **Route** (`route`): reads the global log after its own checkpoint (`notification_router`)
 *    and turns each `AlertRaised` into delivery rows — one per channel that wants the alert's kind
 *    and severity, and for e-mail channels one per recipient (listed addresses, plus the members
 *    whose preferences include the kind). Rows and the moved checkpoint commit in one
 *    transaction, and delivery ids are UUIDv5 of (event, channel, recipient), so a crash before
 *    the commit replays the batch and a crash after it has nothing left to do: no delivery is
 *    lost or created twice. It only routes events the `budgets` projection has applied, so the
 *    channel list it reads already contains everything configured before the alert.
 * 2. **Dispatch** (`dispatch`): claims due deliveries (`for update skip locked`: several processes
 *    share the work), writes the attempt row *before* sending (outcome `in-flight`, with a lease),
 *    sends, then records the outcome: delivered, retrying after base × 2^(n−1) (capped), or failed
 *    after `maxAttempts` or on a permanent error. A crash mid-send leaves the attempt `in-flight`
 *    with an expired lease; the next pass marks it `interrupted` and retries (the receiver may see
 *    the message twice, with the same `X-ACT-Delivery` id to drop the copy). A channel sends at
 *    most `ratePerMinute` attempts a minute; the rest wait.
 *
 * Projection rebuilds do not involve it: the router is not a projection and never replays.
 *
 * Several processes: see `OutboxOptions.lease`.
 */
export class NotificationOutbox {
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private loop?: Promise<void>;
  private stopping?: AbortController;
  private wakeUp: () => void = () => undefined;
  private readonly lease: JobLease | null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    private readonly vault: CredentialVault,
    private readonly sender: NotificationSender,
    private readonly options: OutboxOptions,
  ) {
    this.logger = options.logger ?? new Logger('Notifications');
    this.lease = options.lease === false ? null : new JobLease(db, 'notifications', options.lease ?? {});
  }

  /** Whether this process's loop routes and dispatches now. */
  get leading(): boolean {
    return this.lease ? this.lease.held : this.loop !== undefined;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    const signal = this.stopping.signal;
    const lease = this.lease;
    this.loop = (async () => {
      if (lease) {
        await migrateJobLeases(this.db).catch((error: Error) => this.logger.error(`Notification lease: ${error.message}`));
        lease.start();
      }
      while (!signal.aborted) {
        if (lease && !lease.held) {
          await lease.waitUntilHeld(lease.renewEveryMs, signal);
          continue;
        }
        let progressed = false;
        try {
          progressed = (await this.route()) > 0;
          progressed = (await this.dispatch()) > 0 || progressed;
        } catch (error) {
          this.logger.error(`Notification loop: ${(error as Error).stack ?? error}`);
        }
        if (!progressed && !signal.aborted) {
          await Promise.race([abortableSleep(this.options.pollMs, signal), new Promise<void>((resolve) => (this.wakeUp = resolve))]);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    this.wakeUp();
    await this.loop;
    this.loop = undefined;
    // After the loop: nothing of ours is mid-claim when the next holder starts.
    await this.lease?.stop();
  }

  /** Asks the loop to look again now (a test send, new deliveries). */
  wake(): void {
    this.wakeUp();
  }

  /** Routes one batch of the log; returns the deliveries created. */
  async route(batchSize = 500): Promise<number> {
    const [state] = await this.db.query<{ position: string }>('select position::text as position from notification_router where id = 1');
    const from = BigInt(state?.position ?? '0');
    const [projection] = await this.db.query<{ checkpoint: string }>(`select checkpoint::text as checkpoint from projection_versions where name = 'budgets' and status = 'active'`);
    const applied = BigInt(projection?.checkpoint ?? '0');
    if (applied <= from) return 0;
    const events = (await this.store.readAll(from, batchSize)).filter((e) => e.globalPosition <= applied);
    if (events.length === 0) return 0;
    const created = await this.db.transaction(async (tx) => {
      const [locked] = await tx.query<{ position: string }>('select position::text as position from notification_router where id = 1 for update');
      // Another process routed this batch meanwhile.
      if (BigInt(locked.position) !== from) return 0;
      let count = 0;
      for (const event of events) if (event.type === 'AlertRaised') count += await this.routeAlert(tx, event);
      await tx.query('update notification_router set position = $1 where id = 1', [String(events[events.length - 1].globalPosition)]);
      return count;
    });
    if (created > 0) this.logger.log(`${created} notification(s) queued`);
    return created;
  }

  private async routeAlert(tx: SqlExecutor, event: RecordedEvent): Promise<number> {
    const alert = event.data as AlertCondition;
    const raisedAt = typeof event.metadata['at'] === 'string' ? event.metadata['at'] : event.recordedAt.toISOString();
    const channels = await tx.query<ChannelRow>(
      `select channel_id, kind, name, enabled, alert_kinds, min_severity, recipients, to_members, credential_id
         from notification_channels where workspace_id = $1 order by created_at, channel_id`,
      [alert.workspaceId],
    );
    let count = 0;
    for (const channel of channels) {
      if (!channelWants({ enabled: channel.enabled, alertKinds: json(channel.alert_kinds), minSeverity: channel.min_severity }, alert)) continue;
      let recipients: (string | null)[] = [null];
      if (channel.kind === 'email') {
        const listed = json(channel.recipients);
        const members = channel.to_members
          ? (
              await tx.query<{ email: string }>(
                `select u.email from workspace_members m join users u on u.user_id = m.user_id
                   left join notification_preferences p on p.workspace_id = m.workspace_id and p.user_id = m.user_id
                  where m.workspace_id = $1 and (p.user_id is null or (p.email and p.alert_kinds @> jsonb_build_array($2::text)))
                  order by u.email`,
                [alert.workspaceId, alert.kind],
              )
            ).map((r) => r.email)
          : [];
        recipients = [...new Set([...listed, ...members])];
      }
      for (const recipient of recipients) {
        const id = deliveryId(event.id, channel.channel_id, recipient);
        const payload: NotificationPayload = {
          id,
          type: 'alert.raised',
          createdAt: raisedAt,
          workspaceId: alert.workspaceId,
          alert: payloadAlert(alert, raisedAt),
          ...(this.options.publicUrl ? { url: this.options.publicUrl } : {}),
        };
        const inserted = await tx.query(
          `insert into notification_deliveries (delivery_id, workspace_id, channel_id, channel_kind, channel_name, purpose, alert_id, alert_kind,
                                                event_position, recipient, subject, payload, status, max_attempts)
           values ($1, $2, $3, $4, $5, 'alert', $6, $7, $8, $9, $10, $11::jsonb, 'pending', $12)
           on conflict (delivery_id) do nothing returning 1 as one`,
          [id, alert.workspaceId, channel.channel_id, channel.kind, channel.name, alert.alertId, alert.kind, String(event.globalPosition), recipient, alert.title, JSON.stringify(payload), this.options.maxAttempts],
        );
        count += inserted.length;
      }
    }
    return count;
  }

  /** Test sends: one delivery per target, a single attempt, sent at once. Returns their ids. */
  async queueTest(workspaceId: string, channel: { channelId: string; kind: ChannelKind; name: string }, recipients: (string | null)[], requestedBy: string): Promise<string[]> {
    const ids: string[] = [];
    const createdAt = new Date().toISOString();
    for (const recipient of recipients) {
      const id = randomUUID();
      const payload: NotificationPayload = {
        id,
        type: 'test',
        createdAt,
        workspaceId,
        alert: null,
        text: `This is a test of the notification channel "${channel.name}", sent at ${createdAt}. Alerts will arrive like this.`,
        ...(this.options.publicUrl ? { url: this.options.publicUrl } : {}),
      };
      await this.db.query(
        // Sent by the request that asked for it; the background dispatcher takes it only if that never happens.
        `insert into notification_deliveries (delivery_id, workspace_id, channel_id, channel_kind, channel_name, purpose, recipient, subject, payload, status,
                                              max_attempts, next_attempt_at)
         values ($1, $2, $3, $4, $5, 'test', $6, $7, $8::jsonb, 'pending', 1, now() + interval '5 minutes')`,
        [id, workspaceId, channel.channelId, channel.kind, channel.name, recipient, `Test notification (${requestedBy})`, JSON.stringify(payload)],
      );
      ids.push(id);
    }
    return ids;
  }

  /**
   * One pass of the dispatcher: recover interrupted attempts, claim due deliveries (or exactly
   * `only`), send them concurrently, record the outcomes. Returns the attempts made.
   */
  async dispatch(only?: readonly string[], batchSize = 10): Promise<number> {
    await this.recoverInterrupted();
    const claimed = await this.claim(only, batchSize);
    if (claimed.length === 0) return 0;
    await Promise.all(claimed.map((delivery) => this.attempt(delivery)));
    return claimed.length;
  }

  private async recoverInterrupted(): Promise<void> {
    await this.db.query(
      `with expired as (
         update notification_deliveries
            set status = case when attempts >= max_attempts then 'failed' else 'retrying' end,
                failed_at = case when attempts >= max_attempts then now() else failed_at end,
                last_error = 'The attempt was interrupted (the process stopped while sending): it may or may not have arrived.',
                next_attempt_at = now(), lease_until = null
          where status = 'sending' and lease_until < now()
          returning delivery_id, attempts)
       update notification_attempts a
          set outcome = 'interrupted', finished_at = now(), error = 'Interrupted: no outcome was recorded before the lease ran out.'
         from expired e where a.delivery_id = e.delivery_id and a.attempt = e.attempts and a.outcome = 'in-flight'`,
    );
  }

  private async claim(only: readonly string[] | undefined, batchSize: number): Promise<ClaimedDelivery[]> {
    const leaseMs = this.options.timeoutMs * 2 + 30_000;
    return this.db.transaction(async (tx) => {
      const due = await tx.query<{ delivery_id: string; channel_id: string }>(
        only
          ? `select delivery_id::text, channel_id from notification_deliveries
              where delivery_id::text in (select jsonb_array_elements_text($1::jsonb)) and status in ('pending', 'retrying')
              order by created_at for update skip locked`
          : `select delivery_id::text, channel_id from notification_deliveries
              where status in ('pending', 'retrying') and next_attempt_at <= now()
              order by next_attempt_at, delivery_id limit $1 for update skip locked`,
        only ? [JSON.stringify(only)] : [batchSize],
      );
      const claimed: ClaimedDelivery[] = [];
      for (const { delivery_id, channel_id } of due) {
        const [rate] = await tx.query<{ n: number; oldest: Date | null }>(
          `select count(*)::int as n, min(started_at) as oldest from notification_attempts where channel_id = $1 and started_at > now() - interval '1 minute'`,
          [channel_id],
        );
        if (rate.n >= this.options.ratePerMinute) {
          // Over the channel's rate: wait until the oldest attempt of the minute leaves the window.
          await tx.query(`update notification_deliveries set next_attempt_at = $2::timestamptz + interval '1 minute' where delivery_id = $1`, [delivery_id, rate.oldest]);
          continue;
        }
        const [row] = await tx.query<ClaimedDelivery>(
          `update notification_deliveries set status = 'sending', attempts = attempts + 1, lease_until = now() + $2 * interval '1 millisecond'
            where delivery_id = $1
            returning delivery_id::text, channel_id, channel_kind, purpose, recipient, payload, attempts, max_attempts`,
          [delivery_id, leaseMs],
        );
        await tx.query(`insert into notification_attempts (delivery_id, attempt, channel_id, outcome) values ($1, $2, $3, 'in-flight')`, [delivery_id, row.attempts, channel_id]);
        claimed.push(row);
      }
      return claimed;
    });
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const started = Date.now();
    let outcome: SendOutcome;
    try {
      outcome = await this.sendOne(delivery);
    } catch (error) {
      outcome = { delivered: false, permanent: false, httpStatus: null, error: String((error as Error).message ?? error).slice(0, 500) };
    }
    const duration = Date.now() - started;
    const status = outcome.delivered ? 'delivered' : outcome.permanent || delivery.attempts >= delivery.max_attempts ? 'failed' : 'retrying';
    const backoff = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** (delivery.attempts - 1));
    await this.db.transaction(async (tx) => {
      await tx.query(
        `update notification_attempts set finished_at = now(), outcome = $3, http_status = $4, error = $5, duration_ms = $6
          where delivery_id = $1 and attempt = $2 and outcome = 'in-flight'`,
        [delivery.delivery_id, delivery.attempts, outcome.delivered ? 'delivered' : 'failed', outcome.httpStatus, outcome.error, duration],
      );
      await tx.query(
        `update notification_deliveries
            set status = $2, lease_until = null, last_error = $3,
                delivered_at = case when $2 = 'delivered' then now() else delivered_at end,
                failed_at = case when $2 = 'failed' then now() else failed_at end,
                next_attempt_at = case when $2 = 'retrying' then now() + $4 * interval '1 millisecond' else next_attempt_at end
          where delivery_id = $1 and status = 'sending' and attempts = $5`,
        [delivery.delivery_id, status, outcome.error, backoff, delivery.attempts],
      );
    });
    if (status === 'failed') this.logger.warn(`Notification ${delivery.delivery_id} to a ${delivery.channel_kind} channel failed after ${delivery.attempts} attempt(s): ${outcome.error}`);
  }

  private async sendOne(delivery: ClaimedDelivery): Promise<SendOutcome> {
    const [channel] = await this.db.query<{ kind: ChannelKind; name: string; enabled: boolean; credential_id: string | null }>(
      'select kind, name, enabled, credential_id from notification_channels where channel_id = $1',
      [delivery.channel_id],
    );
    if (!channel) return { delivered: false, permanent: true, httpStatus: null, error: 'The channel was removed.' };
    if (!channel.enabled && delivery.purpose === 'alert') return { delivered: false, permanent: true, httpStatus: null, error: 'The channel is disabled.' };
    let url: string | null = null;
    let secret: string | null = null;
    if (channel.credential_id) {
      const stored = JSON.parse(await this.vault.reveal(channel.credential_id, delivery.channel_id)) as { url: string; secret?: string };
      url = stored.url;
      secret = stored.secret ?? null;
    }
    return this.sender.send({ kind: channel.kind, name: channel.name, url, secret }, json(delivery.payload), delivery.recipient);
  }
}
