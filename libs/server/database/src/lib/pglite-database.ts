import { PGlite } from '@electric-sql/pglite';
import { createPostgreSqlTypeParsers } from '@mikro-orm/sql';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import array from 'postgres-array';
import { SqlDatabase, SqlExecutor } from './sql-database';

export const IN_MEMORY = 'memory://';

/** Another live process has the PGlite data directory open. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by process ${pid}. PGlite allows one process at a time: ` +
        'stop that process, or use its HTTP API, or point DATA_DIR elsewhere.',
    );
    this.name = 'DataDirectoryInUseError';
  }
}

/**
 * SqlDatabase over PGlite: one connection in this process. PGlite itself runs each query and
 * each transaction exclusively (a query waits for an open transaction to end), and MikroORM is
 * handed this same instance, so the ORM and our SQL never interleave inside a transaction.
 */
export class PgliteDatabase implements SqlDatabase {
  readonly driver = 'pglite' as const;
  private constructor(
    readonly pglite: PGlite,
    private readonly releaseDirectory: () => void,
  ) {}

  /**
   * Opens `dataDir` (a directory, created if missing) or an in-memory database for `memory://`.
   * A file-backed directory is claimed with a lock file so two processes never write it at once.
   */
  static async open(dataDir: string = IN_MEMORY): Promise<PgliteDatabase> {
    const inMemory = dataDir === IN_MEMORY || dataDir.startsWith('memory:');
    const release = inMemory ? () => undefined : claimDirectory(dataDir);
    try {
      const pglite = await PGlite.create({
        dataDir: inMemory ? undefined : join(dataDir, 'pglite'),
        // The parsers MikroORM installs on the PGlite instances it creates itself: the ORM
        // shares this instance, so it must see the values it expects.
        parsers: createPostgreSqlTypeParsers((s: string) => array.parse(s)),
      });
      return new PgliteDatabase(pglite, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  async query<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return (await this.pglite.query<Row>(sql, params as unknown[])).rows;
  }

  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.pglite.transaction((pgTx) =>
      work({
        query: async <Row extends object>(sql: string, params: readonly unknown[] = []) =>
          (await pgTx.query<Row>(sql, params as unknown[])).rows,
      }),
    );
  }

  async exec(script: string): Promise<void> {
    await this.pglite.exec(script);
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
    this.releaseDirectory();
  }
}

/** Directories this process has open: a second open here is refused like one from elsewhere. */
const claimedHere = new Set<string>();

function claimDirectory(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'pglite.lock');
  if (claimedHere.has(lockFile)) throw new DataDirectoryInUseError(dataDir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      claimedHere.add(lockFile);
      return () => {
        claimedHere.delete(lockFile);
        rmSync(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(lockFile, 'utf8'));
      // Our own pid here is a stale file from an earlier life (containers reuse pid 1).
      if (pid && pid !== process.pid && isAlive(pid)) throw new DataDirectoryInUseError(dataDir, pid);
      // Left behind by a process that died (a crash, SIGKILL): take the directory over.
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`Could not claim ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
