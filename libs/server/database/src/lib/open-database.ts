import { PgPoolDatabase } from './pg-pool-database';
import { PgliteDatabase } from './pglite-database';
import { SqlDatabase } from './sql-database';

export interface DatabaseSettings {
  /** postgres://… selects PostgreSQL; absent selects the embedded PGlite. */
  databaseUrl?: string;
  /** PGlite's directory, or `memory://`. */
  dataDir: string;
  poolSize?: number;
  /** PostgreSQL only: dashboard reads run at once (see ConnectionGate). */
  maxConcurrentReads?: number;
}

export async function openDatabase(settings: DatabaseSettings): Promise<SqlDatabase> {
  if (settings.databaseUrl) {
    const db = PgPoolDatabase.open(settings.databaseUrl, { max: settings.poolSize, maxConcurrentReads: settings.maxConcurrentReads });
    try {
      await db.query('select 1');
    } catch (error) {
      await db.close();
      throw new Error(`Cannot connect to DATABASE_URL (${redactUrl(settings.databaseUrl)}): ${(error as Error).message}`);
    }
    return db;
  }
  return PgliteDatabase.open(settings.dataDir);
}

/** A connection string fit for a log line: the password never leaves the process. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
