import pg from 'pg';

/** Any fixed number: the key of the session-level advisory lock that serialises start-ups. */
const STARTUP_LOCK_KEY = 7_243_019_551;

export interface StartupLockOptions {
  /** How long to wait for another process's start-up before giving up (ms). */
  waitMs?: number;
}

/**
 * Runs `work` (a process's whole start-up: connecting, creating tables, seeding) while holding
 * a PostgreSQL advisory lock, so api processes started together on one database take turns.
 * Without it, two processes creating the same table at the same instant fail one of them
 * (`create table if not exists` is not safe against a concurrent create). The lock lives on a
 * connection of its own: ending that session — or the process dying — releases it.
 * With no URL (the embedded PGlite, owned by one process) `work` simply runs.
 */
export async function withStartupLock<T>(databaseUrl: string | undefined, work: () => Promise<T>, options: StartupLockOptions = {}): Promise<T> {
  if (!databaseUrl) return work();
  const waitMs = options.waitMs ?? 120_000;
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'ai-cost-tracker start-up' });
  // An error on this idle connection must not crash the process; the start-up goes on.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`set lock_timeout = ${Math.max(1, Math.floor(waitMs))}`);
    try {
      await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    } catch (error) {
      if ((error as { code?: string }).code === '55P03') {
        throw new Error(`Another process has been starting on this database for ${Math.round(waitMs / 1000)} s; start again once it is up (or stop it).`);
      }
      throw error;
    }
    return await work();
  } finally {
    await client.end().catch(() => undefined);
  }
}
