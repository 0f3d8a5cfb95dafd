/**
 * Identity and accounts as pure deciders: users, workspaces with their members, roles and
 * invitations, provider accounts and ingest keys. No I/O, no clock, no crypto: hashes, ids and
 * the time arrive in commands from the server.
 */
export * from './lib/roles';
export * from './lib/email';
export * from './lib/user';
export * from './lib/workspace';
export * from './lib/account';
export * from './lib/ingest-key';
