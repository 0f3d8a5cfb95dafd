/**
 * The write-side shape every bounded context follows (see docs/architecture.md):
 * a command handler loads a stream, folds it with `evolve`, asks `decide` for new events
 * and appends them with the stream's revision as the expected revision.
 *
 * Events and commands are plain data (discriminated unions on `type`), never classes, so
 * they serialise to the event store unchanged and compare structurally in tests.
 */
export interface DomainEvent<
  Type extends string = string,
  Data extends object = Record<string, unknown>,
> {
  readonly type: Type;
  readonly data: Data;
}

export interface Command<
  Type extends string = string,
  Data extends object = Record<string, unknown>,
> {
  readonly type: Type;
  readonly data: Data;
  /** Time and identity come in from the edge: the domain has no clock of its own. */
  readonly metadata: CommandMetadata;
}

export interface CommandMetadata {
  readonly now: Date;
  readonly actorId?: string;
  readonly correlationId?: string;
}

export interface Decider<C extends Command, E extends DomainEvent, S> {
  readonly initialState: () => S;
  readonly evolve: (state: S, event: E) => S;
  /** Pure: returns the events the command produces, or throws a DomainRuleViolation. */
  readonly decide: (command: C, state: S) => readonly E[];
}

/** Folds a stream's events into state. */
export function foldEvents<C extends Command, E extends DomainEvent, S>(
  decider: Decider<C, E, S>,
  events: Iterable<E>,
): S {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

/**
 * A business rule said no. The API maps it to a 4xx (409 for a state conflict, 403 when the
 * actor's role does not allow it, 404 when the thing it names does not exist, 422 for anything
 * else) with `message` as the detail, so write it for the user who sent the command.
 */
export class DomainRuleViolation extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: 'conflict' | 'invalid' | 'forbidden' | 'not-found' = 'invalid',
  ) {
    super(message);
    this.name = 'DomainRuleViolation';
  }
}
