import { SQLSTATE, SqlDatabase, SqlExecutor, sqlState } from '@act/server/database';
import { EventIdConflictError, InvalidEventError, WrongExpectedRevisionError } from './errors';
import {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
} from './event-store';
import { AppendSignal, pollingSubscription } from './polling-subscription';

/**
 * Positions must become readable in the order they were handed out, or a reader that moves
 * its checkpoint past position N silently loses an N-1 whose transaction commits later
 * (sequence values commit out of order: the classic event-store bug). Appends therefore take
 * this transaction-scoped advisory lock just before they draw positions and hold it until
 * commit: positions are drawn and committed one append at a time, so whatever a reader can see
 * is a gap-free prefix of the log. Everything before (validation, de-duplication, the stream's
 * revision check) runs outside it, and one append carries a whole batch, so the serialised part
 * is one INSERT and the COMMIT. A rolled-back append leaves a hole no one will ever fill,
 * which readers step over harmlessly.
 */
const LOG_APPEND_LOCK = 7_411_000_001;

/**
 * Every append notifies this channel (delivered when it commits), so that other processes
 * sharing the database read the new events at once instead of on their next poll.
 */
export const LOG_APPENDED_CHANNEL = 'act_log_appended';

const SCHEMA = `
create table if not exists es_events (
  global_position bigint generated always as identity primary key,
  event_id uuid not null,
  stream_id text not null,
  stream_position bigint not null,
  type text not null,
  data jsonb not null,
  metadata jsonb not null default '{}'::jsonb,
  recorded_at timestamptz not null default now(),
  constraint es_events_event_id_key unique (event_id),
  constraint es_events_stream_position_key unique (stream_id, stream_position)
);
create table if not exists es_streams (
  stream_id text primary key,
  revision bigint not null
);
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_RETRIES = 3;

interface EventRow {
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  stream_id: string;
  stream_position: string;
  global_position: string;
  recorded_at: string;
}

// Columns come out as text under their own names, so ORDER BY and WHERE below must qualify
// them (es_events.global_position): a bare name would sort the text alias, 10 before 9.
const SELECT_EVENT = `
  select event_id::text, type, data, metadata, stream_id, stream_position::text, global_position::text,
         to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as recorded_at
    from es_events`;

export interface PostgresEventStoreOptions {
  /** How often a caught-up subscription looks for events appended by other processes. */
  pollIntervalMs?: number;
}

/** The event store on PostgreSQL tables; runs unchanged on PGlite. */
export class PostgresEventStore implements EventStore {
  private readonly appended = new AppendSignal();
  private readonly pollIntervalMs: number;
  /** Set once listening (the database's `close` ends it). */
  private listening = false;

  constructor(
    private readonly db: SqlDatabase,
    options: PostgresEventStoreOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
  }

  /** Creates the tables if missing. Safe to run on every start. */
  async migrate(): Promise<void> {
    await this.db.exec(SCHEMA);
  }

  async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.db.transaction((tx) => this.appendWithin(tx, streamId, events, options));
        if (result.appended > 0) this.appended.notify();
        return result;
      } catch (error) {
        // A concurrent append stored one of these ids between our duplicate check and our
        // insert. Retrying sees it as a duplicate, which is exactly the idempotent outcome.
        if (attempt < MAX_RETRIES && isEventIdRace(error)) continue;
        throw error;
      }
    }
  }

  /**
   * The append, inside a transaction the caller owns: lets a command handler commit its
   * events together with other rows (an outbox message, say). The caller must commit promptly,
   * since the log's append lock is held until then; subscribers in this process are woken on
   * their next poll.
   */
  async appendWithin(
    tx: SqlExecutor,
    streamId: string,
    events: readonly NewEvent[],
    { expectedRevision = 'any' }: AppendOptions = {},
  ): Promise<AppendResult> {
    const batch = validate(streamId, events);
    const stored = await tx.query<{ id: string; stream_id: string; global_position: string }>(
      'select event_id::text as id, stream_id, global_position::text from es_events where event_id = any($1::uuid[])',
      [batch.map((e) => e.id)],
    );
    const storedIds = new Set<string>();
    let position = 0n;
    for (const row of stored) {
      if (row.stream_id !== streamId) throw new EventIdConflictError(row.id, streamId, row.stream_id);
      storedIds.add(row.id);
      position = max(position, BigInt(row.global_position));
    }
    const fresh = batch.filter((e) => !storedIds.has(e.id));
    const duplicates = events.length - fresh.length;

    if (fresh.length === 0) {
      // Everything is already stored: a replay. Answer as the first append did, whatever
      // revision the caller expected then.
      const revision = await currentRevision(tx, streamId);
      return { streamId, nextExpectedRevision: revision ?? -1n, position, appended: 0, duplicates };
    }

    const revision = await reserveRevisions(tx, streamId, BigInt(fresh.length), expectedRevision);
    await tx.query('select pg_advisory_xact_lock($1)', [LOG_APPEND_LOCK]);
    // One array per column (unnest) rather than one JSON document of the batch: PostgreSQL
    // parses each event's jsonb once instead of parsing the document and then copying every
    // element out of it, which matters here because this statement runs under the log lock.
    const inserted = await tx.query<{ global_position: string }>(
      `with inserted as (
         insert into es_events (event_id, stream_id, stream_position, type, data, metadata)
         select t.id, $1, $2::bigint + t.ord - 1, t.type, t.data, t.metadata
           from unnest($3::uuid[], $4::text[], $5::jsonb[], $6::jsonb[]) with ordinality as t(id, type, data, metadata, ord)
          order by t.ord
         returning global_position
       ),
       -- In the same statement, not one more round trip under the lock; a CTE, so it runs once.
       notified as (select pg_notify('${LOG_APPENDED_CHANNEL}', ''))
       select global_position::text from inserted cross join notified`,
      [
        streamId,
        String(revision - BigInt(fresh.length) + 1n),
        fresh.map((e) => e.id),
        fresh.map((e) => e.type),
        fresh.map((e) => JSON.stringify(e.data)),
        fresh.map((e) => JSON.stringify(e.metadata ?? {})),
      ],
    );
    for (const row of inserted) position = max(position, BigInt(row.global_position));
    return { streamId, nextExpectedRevision: revision, position, appended: fresh.length, duplicates };
  }

  async readStream(streamId: string, { fromRevision = 0n, limit = 10_000 }: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const rows = await this.db.query<EventRow>(
      `${SELECT_EVENT} where stream_id = $1 and stream_position >= $2 order by es_events.stream_position limit $3`,
      [streamId, String(fromRevision), limit],
    );
    return rows.map(toRecorded);
  }

  async readAll(after: bigint, limit: number): Promise<RecordedEvent[]> {
    // Gap-free by construction (see LOG_APPEND_LOCK): every visible position is final.
    const rows = await this.db.query<EventRow>(`${SELECT_EVENT} where es_events.global_position > $1 order by es_events.global_position limit $2`, [
      String(after),
      limit,
    ]);
    return rows.map(toRecorded);
  }

  async headPosition(): Promise<bigint> {
    const [row] = await this.db.query<{ head: string | null }>(
      'select (select global_position from es_events order by global_position desc limit 1)::text as head',
    );
    return BigInt(row?.head ?? '0');
  }

  subscribe(after: bigint, options: SubscribeOptions = {}): AsyncIterable<RecordedEvent[]> {
    return pollingSubscription(this, after, { ...options, pollIntervalMs: this.pollIntervalMs });
  }

  waitForAppend(ms: number, signal?: AbortSignal): Promise<void> {
    return this.appended.wait(Math.min(ms, this.pollIntervalMs), signal);
  }

  /**
   * Wakes this process's subscribers when another process appends (LISTEN, where the database
   * offers it), instead of on their next poll. Polling goes on, so a lost notification only
   * costs one poll interval.
   */
  async listenForOtherProcesses(): Promise<void> {
    if (this.listening || !this.db.listen) return;
    this.listening = true;
    await this.db.listen(LOG_APPENDED_CHANNEL, () => this.appended.notify());
  }

  /** Wakes this process's subscribers now (after an `appendWithin` transaction committed). */
  notifyAppended(): void {
    this.appended.notify();
  }
}

function validate(streamId: string, events: readonly NewEvent[]): NewEvent[] {
  if (!streamId || streamId.length > 512) throw new InvalidEventError('A stream id must be 1 to 512 characters long.');
  if (events.length === 0) throw new InvalidEventError('An append needs at least one event.');
  const seen = new Set<string>();
  const batch: NewEvent[] = [];
  for (const event of events) {
    if (!UUID.test(event.id)) throw new InvalidEventError(`Event id "${event.id}" is not a UUID.`);
    if (!event.type) throw new InvalidEventError(`Event ${event.id} has no type.`);
    if (event.data === undefined) throw new InvalidEventError(`Event ${event.id} has no data.`);
    const id = event.id.toLowerCase();
    // The same event twice in one batch is stored once, like a repeat across batches.
    if (seen.has(id)) continue;
    seen.add(id);
    batch.push({ ...event, id });
  }
  return batch;
}

async function currentRevision(tx: SqlExecutor, streamId: string): Promise<bigint | undefined> {
  const [row] = await tx.query<{ revision: string }>('select revision::text from es_streams where stream_id = $1', [streamId]);
  return row ? BigInt(row.revision) : undefined;
}

/**
 * Moves the stream's revision forward by `count`, checking the expectation atomically: the
 * stream row is locked for the rest of the transaction, so concurrent writers to one stream
 * queue here and the loser sees the winner's revision.
 */
async function reserveRevisions(tx: SqlExecutor, streamId: string, count: bigint, expected: ExpectedRevision): Promise<bigint> {
  let rows: { revision: string }[];
  if (expected === 'any') {
    rows = await tx.query(
      `insert into es_streams (stream_id, revision) values ($1, $2::bigint - 1)
       on conflict (stream_id) do update set revision = es_streams.revision + $2::bigint
       returning revision::text`,
      [streamId, String(count)],
    );
  } else if (expected === 'no_stream') {
    rows = await tx.query(
      `insert into es_streams (stream_id, revision) values ($1, $2::bigint - 1)
       on conflict (stream_id) do nothing returning revision::text`,
      [streamId, String(count)],
    );
  } else {
    const sameRevision = typeof expected === 'bigint' ? 'and revision = $3::bigint' : '';
    rows = await tx.query(
      `update es_streams set revision = revision + $2::bigint where stream_id = $1 ${sameRevision} returning revision::text`,
      typeof expected === 'bigint' ? [streamId, String(count), String(expected)] : [streamId, String(count)],
    );
  }
  if (rows.length === 0) throw new WrongExpectedRevisionError(streamId, expected, await currentRevision(tx, streamId));
  return BigInt(rows[0].revision);
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamPosition: BigInt(row.stream_position),
    globalPosition: BigInt(row.global_position),
    recordedAt: new Date(row.recorded_at),
  };
}

function isEventIdRace(error: unknown): boolean {
  return sqlState(error) === SQLSTATE.uniqueViolation && (error as { constraint?: string }).constraint === 'es_events_event_id_key';
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
