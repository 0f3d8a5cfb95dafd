/**
 * The event store: the port every part of the server appends to and reads from, its
 * PostgreSQL/PGlite adapter, and the errors the API maps to HTTP statuses.
 */
export * from './lib/event-store';
export * from './lib/errors';
export * from './lib/polling-subscription';
export * from './lib/postgres-event-store';
export * from './lib/decider-stream';
