/**
 * The narrow SQL port the event store and the projection runner are written against.
 * Two adapters implement it: node-postgres (a pool of real connections) and PGlite
 * (PostgreSQL in WebAssembly, one connection in this process). Both speak the same SQL,
 * so everything above this port runs unchanged on either.
 *
 * Placeholders are `$1, $2…`. Pass JSON as a string with an explicit `::jsonb` cast and
 * select bigints as `::text`: the two drivers parse types differently, text is exact on both.
 */
export interface SqlExecutor {
  query<Row extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
}

export type DatabaseDriver = 'pglite' | 'postgresql';

export interface SqlDatabase extends SqlExecutor {
  readonly driver: DatabaseDriver;
  /**
   * Runs `work` in one transaction on one connection: committed if it resolves, rolled back
   * if it throws. Inside, use only `tx` — on PGlite, calling the database itself from within
   * a transaction would wait for that very transaction to end.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script without parameters (schema setup). */
  exec(script: string): Promise<void>;
  /**
   * Calls `handler` whenever a transaction of any process commits `pg_notify(channel, …)`, until
   * the returned function is called. Only where other processes can share the database
   * (PostgreSQL; PGlite is one process's own). Notifications may be lost while a connection is
   * down: use them to wake up sooner, never instead of polling.
   */
  listen?(channel: string, handler: () => void): Promise<() => void>;
  close(): Promise<void>;
}

/** A database error's SQLSTATE, when the driver reports one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export const SQLSTATE = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;
