/**
 * The usage ledger's domain: what was consumed (token classes and other units), the
 * observation events keyed by (account, day, requestType), and the rule that a changed
 * observation replaces the previous one for its key. Pure: no clock, no I/O.
 */
export * from './lib/quantities';
