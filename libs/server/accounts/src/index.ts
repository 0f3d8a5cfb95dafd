/**
 * Provider accounts on the server: connect, rename, rotate credentials, pause/resume,
 * disconnect; credentials in the encrypted vault; connection tests; ingest API keys.
 */
export * from './lib/accounts.module';
export * from './lib/accounts.service';
export * from './lib/accounts-read-model';
export * from './lib/ingest-keys.service';
export * from './lib/keyring';
export * from './lib/tokens';
