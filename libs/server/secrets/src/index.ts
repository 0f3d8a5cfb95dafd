/**
 * The credential vault: provider credentials encrypted with AES-256-GCM under a keyring from
 * CREDENTIAL_KEYS (or a generated key file for zero-config installs), stored in their own table
 * beside the event log and referenced from events by id only.
 */
export * from './lib/errors';
export * from './lib/keyring';
export * from './lib/key-file';
export * from './lib/load-keyring';
export * from './lib/seal';
export * from './lib/mask-secret';
export * from './lib/credential-vault';
