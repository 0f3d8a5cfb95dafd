import type { Options } from '@mikro-orm/core';
import { PgliteDriver } from '@mikro-orm/pglite';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { PgliteDatabase } from './pglite-database';
import { SqlDatabase } from './sql-database';

/**
 * MikroORM settings for the database the process opened. On PGlite the ORM is handed the very
 * instance our SQL layer uses (a data directory can be open once); on PostgreSQL it keeps its
 * own pool against the same server.
 */
export function mikroOrmOptions(
  db: SqlDatabase,
  settings: { databaseUrl?: string; poolSize?: number; entities: Options['entities']; debug?: boolean },
): Partial<Options> {
  const common: Partial<Options> = {
    entities: settings.entities,
    debug: settings.debug ?? false,
    // Read models are created by their projections (versioned schemas behind views), not by
    // the ORM's schema generator; the ORM only reads and writes rows.
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
  };
  if (db instanceof PgliteDatabase) {
    return { ...common, driver: PgliteDriver, dbName: 'postgres', driverOptions: { pglite: db.pglite } };
  }
  if (!settings.databaseUrl) throw new Error('A PostgreSQL database needs its DATABASE_URL');
  return {
    ...common,
    driver: PostgreSqlDriver,
    clientUrl: settings.databaseUrl,
    pool: { max: settings.poolSize ?? 10 },
  };
}
