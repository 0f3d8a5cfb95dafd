/**
 * Pure event-sourcing vocabulary shared by every bounded context: events, commands,
 * deciders and the given/when/then spec helper. No framework, database or clock.
 */
export * from './lib/decider';
export * from './lib/decider-spec';
