/**
 * Database access for the server: the SqlDatabase port with its PostgreSQL and PGlite
 * adapters, the choice between them from configuration, and MikroORM's matching settings.
 */
export * from './lib/sql-database';
export * from './lib/pg-pool-database';
export * from './lib/pg-listener';
export * from './lib/connection-gate';
export * from './lib/startup-lock';
export * from './lib/pglite-database';
export * from './lib/open-database';
export * from './lib/mikro-orm-options';
