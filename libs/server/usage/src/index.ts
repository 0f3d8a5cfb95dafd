/**
 * The usage ledger on the server: the command handler that records observations
 * (idempotent, latest-wins per key), the projection holding the current observation per key
 * and billed line, and the queries over it.
 */
export * from './lib/record-usage';
export * from './lib/usage-ledger.projection';
export * from './lib/usage-read-model';
