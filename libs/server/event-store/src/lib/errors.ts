import { ExpectedRevision } from './event-store';

/** The stream was not at the revision the writer expected: someone else wrote first. The API answers 409. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual revision, or undefined when it does not exist. */
    readonly actual: bigint | undefined,
  ) {
    super(
      `Stream ${streamId} is at ${actual === undefined ? 'no revision (it does not exist)' : `revision ${actual}`}, ` +
        `but the write expected ${describe(expected)}. Reload and try again.`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An event id is already stored in a different stream: ids are global, so this is a caller bug. */
export class EventIdConflictError extends Error {
  constructor(
    readonly eventId: string,
    readonly streamId: string,
    readonly existingStreamId: string,
  ) {
    super(`Event ${eventId} cannot be appended to ${streamId}: it is already stored in ${existingStreamId}.`);
    this.name = 'EventIdConflictError';
  }
}

/** The events given to append are not well formed (bad id, empty type, data not JSON). */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

function describe(expected: ExpectedRevision): string {
  if (typeof expected === 'bigint') return `revision ${expected}`;
  return { any: 'any revision', no_stream: 'no stream', stream_exists: 'an existing stream' }[expected];
}
