/** Backup and restore of the event log and the credential vault. */
export * from './lib/backup';
export * from './lib/backup.module';
