/**
 * Request and response shapes shared by the api and the web app.
 * Types and constant lists only (no behaviour), so both sides can import them freely.
 */
export * from './lib/health';
export * from './lib/problem';
export * from './lib/identity';
export * from './lib/accounts';
export * from './lib/usage';
export * from './lib/pricing';
