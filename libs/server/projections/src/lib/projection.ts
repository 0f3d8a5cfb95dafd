import { SqlExecutor } from '@act/server/database';
import { RecordedEvent } from '@act/server/event-store';

export interface ProjectionContext {
  /** True while replaying into a new version: never cause side effects (e-mails, webhooks) then. */
  readonly rebuilding: boolean;
  readonly version: number;
}

/**
 * A read model built from the global log. The runner gives each version of a projection its
 * own PostgreSQL schema and points `search_path` at it while `setup` and `apply` run, so both
 * use plain table names; readers query views of the same names in `public`, switched to a new
 * version only once it has caught up (blue/green rebuild). See docs/architecture.md.
 */
export interface Projection {
  /** Lower-case letters, digits and underscores; part of schema names. */
  readonly name: string;
  /**
   * Bump when `setup` or the meaning of `apply` changes: on the next start the runner rebuilds
   * the projection into a new version and switches readers when it has caught up.
   */
  readonly version: number;
  /** The tables `setup` creates; each is exposed to readers as `public.<table>`. */
  readonly tables: readonly string[];
  /** Event types `apply` needs; other events only move the checkpoint. Omit for all. */
  readonly eventTypes?: readonly string[];
  setup(tx: SqlExecutor): Promise<void>;
  /**
   * Applies events in log order, in the transaction that also moves the checkpoint: the
   * runner never applies an event twice to one version. Write handlers so that replaying an
   * event would change nothing anyway (key on the event's position or id): it costs little
   * and keeps the read model right if a handler is ever run by hand.
   */
  apply(tx: SqlExecutor, events: readonly RecordedEvent[], context: ProjectionContext): Promise<void>;
  /**
   * Runs in the transaction that switches readers to a rebuilt version, with `search_path` at
   * its schema: for work a replay defers until the tables are complete (planner statistics).
   */
  beforeSwitch?(tx: SqlExecutor): Promise<void>;
}
