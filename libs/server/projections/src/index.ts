/**
 * Read models: the Projection contract, the runner that feeds projections from the global
 * log (exactly-once effect, blue/green rebuilds, lag, read-your-writes), and the projections
 * every deployment has.
 */
export * from './lib/projection';
export * from './lib/projection-runner';
export * from './lib/event-type-stats.projection';
export * from './lib/job-lease';
