import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { PgPoolDatabase } from '../lib/pg-pool-database';
import { PgliteDatabase } from '../lib/pglite-database';
import { SqlDatabase } from '../lib/sql-database';

/**
 * Integration specs run on both engines: an in-memory PGlite, and a fresh database on the
 * real PostgreSQL server the jest global setup found (tools/jest/postgres-probe.cjs). When no
 * server is reachable the PostgreSQL half is skipped with the reason in its title, unless
 * REQUIRE_POSTGRES=1 (CI), where the probe fails the run instead.
 */
export type EngineName = 'pglite' | 'postgresql';

export interface TestDatabase {
  readonly db: SqlDatabase;
  readonly url?: string;
  dispose(): Promise<void>;
}

export async function openTestDatabase(engine: EngineName): Promise<TestDatabase> {
  if (engine === 'pglite') {
    const db = await PgliteDatabase.open();
    return { db, dispose: () => db.close() };
  }
  const adminUrl = process.env['ACT_TEST_POSTGRES_URL'];
  if (!adminUrl) throw new Error('No PostgreSQL server for tests (see tools/jest/postgres-probe.cjs)');
  const name = `act_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = withDatabase(adminUrl, name);
  const db = PgPoolDatabase.open(url, { max: 12 });
  return {
    db,
    url,
    dispose: async () => {
      await db.close();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** The engines a spec should run on, each with the reason when it cannot. */
export function testEngines(): { engine: EngineName; skipReason?: string }[] {
  return [
    { engine: 'pglite' },
    {
      engine: 'postgresql',
      skipReason: process.env['ACT_TEST_POSTGRES_URL']
        ? undefined
        : (process.env['ACT_TEST_POSTGRES_SKIP'] ?? 'no PostgreSQL server configured'),
    },
  ];
}

/**
 * `describe` once per engine, with a fresh database for the block. The PostgreSQL block is
 * skipped (and says why in its title) when the probe found no server.
 */
export function describeOnEachEngine(title: string, body: (database: () => TestDatabase, engine: EngineName) => void) {
  for (const { engine, skipReason } of testEngines()) {
    const run = skipReason ? describe.skip : describe;
    run(`${title} [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await openTestDatabase(engine);
      });
      afterAll(async () => {
        await database?.dispose();
      });
      body(() => {
        if (!database) throw new Error('test database not open yet');
        return database;
      }, engine);
    });
  }
}

/** Drops everything a test created, so the next test starts from an empty database. */
export async function resetDatabase(db: SqlDatabase): Promise<void> {
  const schemas = await db.query<{ name: string }>(
    `select nspname as name from pg_namespace
      where nspname not in ('pg_catalog', 'information_schema', 'pg_toast') and nspname not like 'pg\\_%'`,
  );
  await db.exec(
    schemas.map(({ name }) => `drop schema if exists "${name}" cascade;`).join('\n') + '\ncreate schema public;',
  );
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
