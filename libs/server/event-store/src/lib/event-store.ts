/**
 * The event store port. Two adapters implement it behind one contract suite
 * (`@act/server/event-store/testing`): PostgreSQL/PGlite tables (default) and KurrentDB.
 *
 * Positions are bigints. A stream's revision counts its events from 0 (the first event is
 * revision 0, an empty stream has none); the global position orders every event of the store
 * from 1, and a reader given `after = p` sees the events with position > p.
 */
export interface NewEvent<Type extends string = string, Data = unknown> {
  /**
   * A UUID. Derive it from the event's content where the same fact may be recorded again
   * (a re-run sync): the store keeps one event per id, so a repeat is a no-op.
   */
  readonly id: string;
  readonly type: Type;
  readonly data: Data;
  readonly metadata?: Record<string, unknown>;
}

export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly id: string;
  readonly type: Type;
  readonly data: Data;
  readonly metadata: Record<string, unknown>;
  readonly streamId: string;
  readonly streamPosition: bigint;
  readonly globalPosition: bigint;
  readonly recordedAt: Date;
}

/**
 * What the writer believed about the stream: its exact revision, that it does not exist yet,
 * that it exists, or nothing at all.
 */
export type ExpectedRevision = bigint | 'any' | 'no_stream' | 'stream_exists';

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stream's revision after the append: pass it as the next expected revision. */
  readonly nextExpectedRevision: bigint;
  /**
   * The highest global position among this append's events, new or already stored. A caller
   * that waits for read models to reach it (read-your-writes) sees all of its events applied.
   */
  readonly position: bigint;
  readonly appended: number;
  /** Events whose id was already stored in this stream, and were therefore dropped. */
  readonly duplicates: number;
}

export interface ReadStreamOptions {
  /** First revision to return (default 0). */
  fromRevision?: bigint;
  limit?: number;
}

export interface SubscribeOptions {
  /** Stops the subscription; the iterator then ends. */
  signal?: AbortSignal;
  /** Most events handed over per batch. */
  batchSize?: number;
}

export interface EventStore {
  appendToStream(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Up to `limit` events with a global position above `after`, in order. Never skips: an event
   * is returned only once every event with a lower position is committed and readable.
   */
  readAll(after: bigint, limit: number): Promise<RecordedEvent[]>;
  /** The highest position readAll can return right now (0 for an empty store). */
  headPosition(): Promise<bigint>;
  /** readAll as a live feed: batches in order from `after`, waiting for new events when caught up. */
  subscribe(after: bigint, options?: SubscribeOptions): AsyncIterable<RecordedEvent[]>;
  /**
   * Resolves as soon as new events may be readable (at once after an append in this process;
   * appends by other processes are noticed by polling), or after `ms` at the latest.
   */
  waitForAppend(ms: number, signal?: AbortSignal): Promise<void>;
}

export const EVENT_STORE = Symbol('EventStore');
