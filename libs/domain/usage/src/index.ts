/**
 * The usage ledger's domain: what was consumed (token classes and other units), the
 * observation events keyed by (account, day, requestType), and the rule that a changed
 * observation replaces the previous one for its key. Pure: no clock, no I/O.
 *
 * - `observeUsage` / `reportCost`: validate input, return the `UsageObserved.v1` / `CostReported.v1`
 *   event (deterministic id) or `ValidationProblem`s.
 * - `buildRequestType` / `parseRequestType`, `buildLineItem` / `parseLineItem`: canonical keys.
 * - `ledgerStreamId`: the stream an event goes to; `ledgerState` + `decideRecord`: what to append.
 * - `foldLatest`, `usageTotals`, `costTotals`: latest-wins per key, then exact totals.
 * - `costVersionDecider`: recomputes into new cost versions, their activation, period closes
 *   (`RecomputeStarted.v1`, `CostVersionActivated.v1`, `PeriodClosed.v1` in `costStreamId`).
 */
export * from './lib/quantities';
export * from './lib/json';
export * from './lib/request-type';
export * from './lib/events';
export * from './lib/ids';
export * from './lib/money';
export * from './lib/validation';
export * from './lib/latest';
export * from './lib/totals';
export * from './lib/ledger';
export * from './lib/cost-versions';
