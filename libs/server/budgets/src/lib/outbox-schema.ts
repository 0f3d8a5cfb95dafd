import type { SqlDatabase } from '@act/server/database';

/**
 * The notification outbox: operational state, not a read model (nothing here is rebuilt from
 * events, and a projection rebuild never touches it).
 *
 * - `notification_router`: the router's checkpoint in the global log (see `migrateOutbox`). The router turns each
 *   `AlertRaised` into deliveries and moves this checkpoint in the same transaction; delivery ids
 *   are UUIDv5 of (event id, channel, recipient), so a replay after a crash inserts nothing twice.
 * - `notification_deliveries`: one row per message to send (an alert to a channel, or to one
 *   e-mail recipient of it; or a test send) with its state: pending → sending → delivered, or
 *   retrying (with `next_attempt_at`) → … → failed after `max_attempts`.
 * - `notification_attempts`: one row per attempt, written *before* the message leaves (outcome
 *   `in-flight`, in the transaction that claims the delivery) and completed after. A crash during
 *   the send leaves the row `in-flight` with an expired lease: the next pass marks it `interrupted`
 *   and retries, so every attempt is on record exactly once.
 */
const SCHEMA = `
create table if not exists notification_router (id int primary key, position bigint not null);
create table if not exists notification_deliveries (
  delivery_id uuid primary key,
  workspace_id text not null,
  channel_id text not null,
  channel_kind text not null,
  channel_name text not null,
  purpose text not null check (purpose in ('alert', 'test')),
  alert_id text,
  alert_kind text,
  event_position bigint,
  recipient text,
  subject text not null,
  payload jsonb not null,
  status text not null check (status in ('pending', 'sending', 'retrying', 'delivered', 'failed')),
  attempts int not null default 0,
  max_attempts int not null,
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  failed_at timestamptz
);
create index if not exists notification_deliveries_due on notification_deliveries (next_attempt_at) where status in ('pending', 'retrying');
create index if not exists notification_deliveries_sending on notification_deliveries (lease_until) where status = 'sending';
create index if not exists notification_deliveries_workspace on notification_deliveries (workspace_id, created_at desc, delivery_id);
create table if not exists notification_attempts (
  delivery_id uuid not null,
  attempt int not null,
  channel_id text not null,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  outcome text not null check (outcome in ('in-flight', 'delivered', 'failed', 'interrupted')),
  http_status int,
  error text,
  duration_ms int,
  primary key (delivery_id, attempt)
);
create index if not exists notification_attempts_channel on notification_attempts (channel_id, started_at);
`;

/**
 * Creates the tables (idempotent). The router starts at `startAt` the first time: the log's head
 * when the outbox is installed (no alert can be older than the feature), so an existing instance
 * does not scan its whole history once; later starts keep the stored checkpoint.
 */
export async function migrateOutbox(db: SqlDatabase, startAt = 0n): Promise<void> {
  await db.exec(SCHEMA);
  await db.query('insert into notification_router (id, position) values (1, $1) on conflict do nothing', [String(startAt)]);
}
