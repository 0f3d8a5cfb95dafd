import pg from 'pg';
import { ConnectionGate } from './connection-gate';
import { PgListener } from './pg-listener';
import { SqlDatabase, SqlExecutor } from './sql-database';

/**
 * SqlDatabase over a node-postgres pool: real concurrency, one connection per transaction.
 * Every checkout passes a ConnectionGate sized like the pool, so the pool never queues and
 * writes are served before deferrable dashboard reads when connections run out.
 */
export class PgPoolDatabase implements SqlDatabase {
  readonly driver = 'postgresql' as const;
  readonly gate: ConnectionGate;
  private closed = false;
  private listener?: PgListener;

  constructor(readonly pool: pg.Pool, options: { maxConcurrentReads?: number } = {}) {
    const capacity = pool.options.max ?? 10;
    this.gate = new ConnectionGate(capacity, Math.min(capacity, options.maxConcurrentReads ?? capacity));
  }

  /**
   * `maxConcurrentReads`: how many deferrable (dashboard) reads may run at once; see
   * ConnectionGate. Default: all of the pool.
   */
  static open(
    connectionString: string,
    options: { max?: number; maxConcurrentReads?: number; applicationName?: string } = {},
  ): PgPoolDatabase {
    const pool = new pg.Pool({
      connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'ai-cost-tracker',
    });
    // An idle client that loses its connection emits 'error' on the pool; without a
    // listener node-postgres would crash the process. The next checkout reconnects.
    pool.on('error', () => undefined);
    return new PgPoolDatabase(pool, { maxConcurrentReads: options.maxConcurrentReads });
  }

  async query<Row extends object>(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    const result = await this.gate.run(() => this.pool.query(sql, params as unknown[]));
    return result.rows as Row[];
  }

  async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.gate.run(() => this.transactionOnOwnConnection(work));
  }

  private async transactionOnOwnConnection<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: SqlExecutor = {
      query: async <Row extends object>(sql: string, params: readonly unknown[] = []) =>
        (await client.query(sql, params as unknown[])).rows as Row[],
    };
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const result = await work(tx);
      await client.query('commit');
      return result;
    } catch (error) {
      try {
        await client.query('rollback');
      } catch (rollbackError) {
        // The connection is unusable: hand it back as broken so the pool discards it.
        broken = rollbackError as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async exec(script: string): Promise<void> {
    await this.gate.run(() => this.pool.query(script));
  }

  /** LISTEN on one connection of its own (outside the pool and its gate), opened on first use. */
  listen(channel: string, handler: () => void): Promise<() => void> {
    if (this.closed) throw new Error('The database is closed');
    const name = `${this.pool.options.application_name ?? 'ai-cost-tracker'}-listener`;
    this.listener ??= new PgListener(() => new pg.Client({ ...this.pool.options, application_name: name }));
    return this.listener.listen(channel, handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listener?.close();
    await this.pool.end();
  }
}
