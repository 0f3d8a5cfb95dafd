import type { Command, Decider, DomainEvent } from '@act/domain/event-sourcing';
import { WrongExpectedRevisionError } from './errors';
import type { EventStore, NewEvent, RecordedEvent } from './event-store';

export interface LoadedStream<S> {
  readonly state: S;
  /** Revision of the last event folded in, or undefined for a stream that does not exist. */
  readonly revision: bigint | undefined;
}

export interface DecidedResult<S, E> {
  readonly state: S;
  readonly events: readonly E[];
  /** Highest global position of the append (0 when the command produced nothing). */
  readonly position: bigint;
}

const PAGE = 1000;
const MAX_ATTEMPTS = 5;

/**
 * Runs deciders against streams of the event store: load (fold), decide, append with the
 * revision as the expected one, and on a concurrent write decide again on the new state.
 * Each command handler is `stream.execute(streamId, command)`; the rules stay in the decider.
 */
export class DeciderStream<C extends Command, E extends DomainEvent, S> {
  constructor(
    private readonly store: EventStore,
    private readonly decider: Decider<C, E, S>,
    /** Which event types belong to the decider: other events in the stream are skipped. */
    private readonly eventTypes: readonly string[],
  ) {}

  /** Folds the stream from `from` (a previously loaded state and revision) or from the start. */
  async load(streamId: string, from?: LoadedStream<S>): Promise<LoadedStream<S>> {
    let state = from?.state ?? this.decider.initialState();
    let revision = from?.revision;
    for (;;) {
      const fromRevision = revision === undefined ? 0n : revision + 1n;
      const page = await this.store.readStream(streamId, { fromRevision, limit: PAGE });
      for (const event of page) {
        if (this.eventTypes.includes(event.type)) state = this.decider.evolve(state, toDomainEvent<E>(event));
        revision = event.streamPosition;
      }
      if (page.length < PAGE) return { state, revision };
    }
  }

  /**
   * Decides and appends. `eventId` derives each new event's id (pass a deterministic one where a
   * retried request must not record the fact twice); by default ids are random.
   */
  async execute(
    streamId: string,
    command: C,
    options: { eventId?: (event: E, index: number) => string } = {},
  ): Promise<DecidedResult<S, E>> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.load(streamId);
      const events = this.decider.decide(command, loaded.state);
      let state = loaded.state;
      for (const event of events) state = this.decider.evolve(state, event);
      if (events.length === 0) return { state, events, position: 0n };
      const toAppend: NewEvent[] = events.map((event, index) => ({
        id: options.eventId?.(event, index) ?? crypto.randomUUID(),
        type: event.type,
        data: event.data,
        metadata: commandMetadata(command),
      }));
      try {
        const result = await this.store.appendToStream(streamId, toAppend, {
          expectedRevision: loaded.revision === undefined ? 'no_stream' : loaded.revision,
        });
        return { state, events, position: result.position };
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }
}

function toDomainEvent<E extends DomainEvent>(event: RecordedEvent): E {
  return { type: event.type, data: event.data } as E;
}

/** Who did it and when travels with every event, outside its data. */
function commandMetadata(command: Command): Record<string, unknown> {
  const { actorId, correlationId, now } = command.metadata;
  return { at: now.toISOString(), ...(actorId ? { actorId } : {}), ...(correlationId ? { correlationId } : {}) };
}
