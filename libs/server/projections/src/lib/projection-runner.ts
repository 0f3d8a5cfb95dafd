import { Logger } from '@nestjs/common';
import { SqlDatabase, SqlExecutor } from '@act/server/database';
import { EventStore, RecordedEvent } from '@act/server/event-store';
import { abortableSleep } from '@act/util/core';
import { JobLease, JobLeaseOptions, migrateJobLeases, PROCESS_HOLDER } from './job-lease';
import { Projection } from './projection';

export type VersionStatus = 'building' | 'active' | 'retired';

export interface ProjectionVersionState {
  name: string;
  version: number;
  codeVersion: number;
  schema: string;
  status: VersionStatus;
  checkpoint: bigint;
  createdAt: string;
  lastError: string | null;
}

export interface ProjectionStatus {
  name: string;
  active: ProjectionVersionState;
  building: ProjectionVersionState | null;
  head: bigint;
}

export interface ProjectionRunnerOptions {
  /** Events per transaction for live versions. */
  batchSize?: number;
  /** Events per transaction while rebuilding: bigger batches, fewer commits. */
  rebuildBatchSize?: number;
  /** Longest wait between two looks at the log when idle. */
  idleWaitMs?: number;
  /** Pause before retrying a version whose handler failed. */
  retryAfterMs?: number;
  /**
   * How often `waitForPosition` re-reads the checkpoints when nothing woke it. Where the
   * database offers LISTEN, another process's progress wakes it at once; this is the fallback.
   */
  progressPollMs?: number;
  /**
   * Several api processes on one database: the background loop (`start`) runs only in the
   * process holding the `projections` lease (see JobLease), so the log is read and applied once,
   * not once per process; the others take over within about `ttlMs` of the holder's death.
   * `false`: every process runs its loop (still correct, through the checkpoint row locks, only
   * duplicated work). Defaults: ttl 15 s, renewed every 5 s. `runOnce` is never gated.
   */
  lease?: JobLeaseOptions | false;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

const NAME = /^[a-z][a-z0-9_]{0,40}$/;

/** Notified by every transaction that moves a checkpoint: wakes `waitForPosition` in every process. */
export const PROJECTION_PROGRESS_CHANNEL = 'act_projection_progress';

const REGISTRY = `
create table if not exists projection_versions (
  name text not null,
  version integer not null,
  code_version integer not null,
  schema_name text not null,
  status text not null check (status in ('building', 'active', 'retired')),
  checkpoint bigint not null default 0,
  created_at timestamptz not null default now(),
  activated_at timestamptz,
  last_error text,
  primary key (name, version)
);
create unique index if not exists projection_versions_one_active on projection_versions (name) where status = 'active';
create unique index if not exists projection_versions_one_building on projection_versions (name) where status = 'building';
-- Which process applied how many events to each version: the sum over processes equals the
-- positions the version has covered, so an event applied twice (or by two processes) shows.
create table if not exists projection_applied (
  name text not null,
  version integer not null,
  holder text not null,
  events bigint not null,
  batches bigint not null,
  last_at timestamptz not null default now(),
  primary key (name, version, holder)
);
`;

interface VersionRow {
  name: string;
  version: number;
  code_version: number;
  schema_name: string;
  status: VersionStatus;
  checkpoint: string;
  created_at: string;
  last_error: string | null;
}

/**
 * Drives every registered projection from the global log.
 *
 * - Exactly-once effect: a batch's read-model writes and the version's checkpoint commit in
 *   one transaction, and the checkpoint row is locked first, so two processes never apply the
 *   same events to one version (the second sees the moved checkpoint and skips them).
 * - Blue/green rebuild: `rebuild(name)` creates a new version in a fresh schema and replays
 *   the log into it while readers keep using the active one; when it has caught up, one
 *   transaction retires the old version and repoints the reader views.
 * - A failing handler stops only its own version (the error is kept in the registry and shown
 *   by /health), and is retried after a pause; the other projections go on.
 */
export class ProjectionRunner {
  private readonly projections = new Map<string, Projection>();
  private readonly options: Required<Omit<ProjectionRunnerOptions, 'logger' | 'lease'>>;
  /** One lease for the whole runner, not one per projection: projections at the same checkpoint share one read of the log. */
  private readonly lease: JobLease | null;
  /** This process, in `job_leases` and `projection_applied`. */
  private readonly holder: string;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private readonly failedUntil = new Map<string, number>();
  private loop?: Promise<void>;
  private stopping?: AbortController;
  private progressWaiters = new Set<() => void>();
  private kick: () => void = () => undefined;
  /** Stops listening for other processes' progress (set by `initialize` where the database can listen). */
  private unlisten?: () => void;

  constructor(
    private readonly db: SqlDatabase,
    private readonly store: EventStore,
    projections: readonly Projection[],
    options: ProjectionRunnerOptions = {},
  ) {
    for (const projection of projections) {
      if (!NAME.test(projection.name)) throw new Error(`Invalid projection name "${projection.name}"`);
      if (this.projections.has(projection.name)) throw new Error(`Projection "${projection.name}" registered twice`);
      this.projections.set(projection.name, projection);
    }
    this.options = {
      batchSize: options.batchSize ?? 500,
      rebuildBatchSize: options.rebuildBatchSize ?? 5000,
      idleWaitMs: options.idleWaitMs ?? 1000,
      retryAfterMs: options.retryAfterMs ?? 5000,
      progressPollMs: options.progressPollMs ?? 50,
    };
    this.logger = options.logger ?? new Logger('ProjectionRunner');
    this.lease = options.lease === false ? null : new JobLease(db, 'projections', options.lease ?? {});
    this.holder = this.lease?.holder ?? PROCESS_HOLDER;
  }

  /** Whether this process's loop is the one applying events (always true without a lease). */
  get leading(): boolean {
    return this.lease ? this.lease.held : this.loop !== undefined;
  }

  get names(): string[] {
    return [...this.projections.keys()];
  }

  /**
   * Creates the registry and a first active version of every new projection, and starts a
   * rebuild for each projection whose code version differs from its active version's.
   */
  async initialize(): Promise<void> {
    await this.db.exec(REGISTRY);
    // Other processes' progress (the lease holder's, when it is not this one) wakes our waiters.
    if (!this.unlisten && this.db.listen) this.unlisten = await this.db.listen(PROJECTION_PROGRESS_CHANNEL, () => this.notifyProgress());
    if (this.lease) await migrateJobLeases(this.db);
    for (const projection of this.projections.values()) {
      await this.db.transaction(async (tx) => {
        await lockProjection(tx, projection.name);
        const versions = await loadVersions(tx, projection.name);
        const active = versions.find((v) => v.status === 'active');
        if (!active) {
          const created = await this.createVersion(tx, projection, 1 + maxVersion(versions), 'active');
          await repointViews(tx, projection, created.schema);
        } else if (active.codeVersion !== projection.version && !versions.some((v) => v.status === 'building')) {
          this.logger.log(`Projection ${projection.name}: code version ${projection.version} differs from v${active.version}'s ${active.codeVersion}; rebuilding`);
          await this.createVersion(tx, projection, 1 + maxVersion(versions), 'building');
        }
      });
    }
  }

  /** Starts the background loop (after `initialize`). */
  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    const signal = this.stopping.signal;
    const lease = this.lease;
    lease?.start();
    this.loop = (async () => {
      while (!signal.aborted) {
        if (lease && !lease.held) {
          // Another process applies the log; waitForPosition sees its progress in the registry.
          await lease.waitUntilHeld(lease.renewEveryMs, signal);
          continue;
        }
        let progressed = false;
        try {
          progressed = await this.runOnce();
        } catch (error) {
          this.logger.error(`Projection loop: ${(error as Error).message}`);
          await abortableSleep(this.options.retryAfterMs, signal);
        }
        if (!progressed && !signal.aborted) {
          // Idle: wait for an append, a rebuild request (kick) or the poll interval.
          await Promise.race([
            this.store.waitForAppend(this.options.idleWaitMs, signal),
            new Promise<void>((resolve) => (this.kick = resolve)),
          ]);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = undefined;
    // After the loop: no batch of ours is in flight when the next holder starts.
    await this.lease?.stop();
    this.unlisten?.();
    this.unlisten = undefined;
  }

  /**
   * One pass: each live version takes one batch, then caught-up rebuilds are switched in.
   * Returns whether anything moved. Tests and the rebuild command drive the runner with it.
   */
  async runOnce(): Promise<boolean> {
    const versions = (await loadVersions(this.db, null)).filter((v) => this.projections.has(v.name));
    let progressed = false;
    // Projections at the same checkpoint (the usual case when live) share one read of the log.
    const reads = new Map<string, Promise<RecordedEvent[]>>();
    for (const version of versions) {
      if (version.status === 'retired' || this.isFrozen(version) || this.isBackingOff(version)) continue;
      const limit = version.status === 'building' ? this.options.rebuildBatchSize : this.options.batchSize;
      const key = `${version.checkpoint}/${limit}`;
      if (!reads.has(key)) reads.set(key, this.store.readAll(version.checkpoint, limit));
      const events = (await reads.get(key)) ?? [];
      if (events.length === 0) continue;
      progressed = (await this.applyBatch(version, events)) || progressed;
    }
    for (const building of versions.filter((v) => v.status === 'building')) {
      if (await this.trySwitch(building)) progressed = true;
    }
    if (progressed) this.notifyProgress();
    return progressed;
  }

  /** Starts a rebuild of `name` into a new version, or returns the one already under way. */
  async rebuild(name: string): Promise<ProjectionVersionState> {
    const projection = this.require(name);
    const version = await this.db.transaction(async (tx) => {
      await lockProjection(tx, name);
      const versions = await loadVersions(tx, name);
      return (
        versions.find((v) => v.status === 'building') ??
        (await this.createVersion(tx, projection, 1 + maxVersion(versions), 'building'))
      );
    });
    this.kick();
    return version;
  }

  async status(): Promise<ProjectionStatus[]> {
    const [versions, head] = await Promise.all([loadVersions(this.db, null), this.store.headPosition()]);
    return this.names.flatMap((name) => {
      const active = versions.find((v) => v.name === name && v.status === 'active');
      if (!active) return [];
      return [{ name, active, building: versions.find((v) => v.name === name && v.status === 'building') ?? null, head }];
    });
  }

  /**
   * Read-your-writes: resolves true once every projection's active version has applied the log
   * up to `position`, false if that takes longer than `timeoutMs`.
   */
  async waitForPosition(position: bigint, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [row] = await this.db.query<{ low: string | null }>(
        `select min(checkpoint)::text as low from projection_versions where status = 'active' and name in (select jsonb_array_elements_text($1::jsonb))`,
        [JSON.stringify(this.names)],
      );
      if (BigInt(row?.low ?? '0') >= position || this.names.length === 0) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // Woken by this process's runner, or by another process's commit (LISTEN, where the
      // database offers it); else the registry is polled: a checkpoint is committed with its batch.
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.progressWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, this.options.progressPollMs));
        this.progressWaiters.add(wake);
      });
    }
  }

  private async applyBatch(version: ProjectionVersionState, events: readonly RecordedEvent[]): Promise<boolean> {
    const projection = this.require(version.name);
    const key = `${version.name}/${version.version}`;
    try {
      const applied = await this.db.transaction(async (tx) => {
        const [row] = await tx.query<{ checkpoint: string; status: VersionStatus }>(
          'select checkpoint::text, status from projection_versions where name = $1 and version = $2 for update',
          [version.name, version.version],
        );
        if (!row || row.status === 'retired') return false;
        const checkpoint = BigInt(row.checkpoint);
        // Another process may have applied part of this batch since we read the checkpoint.
        const fresh = events.filter((e) => e.globalPosition > checkpoint);
        if (fresh.length === 0) return false;
        const relevant = projection.eventTypes ? fresh.filter((e) => projection.eventTypes?.includes(e.type)) : fresh;
        if (relevant.length > 0) {
          await useSchema(tx, version.schema);
          await projection.apply(tx, relevant, { rebuilding: row.status === 'building', version: version.version });
        }
        await tx.query(
          'update projection_versions set checkpoint = $3, last_error = null where name = $1 and version = $2',
          [version.name, version.version, String(fresh[fresh.length - 1].globalPosition)],
        );
        await tx.query(
          `insert into projection_applied (name, version, holder, events, batches) values ($1, $2, $3, $4, 1)
           on conflict (name, version, holder) do update
             set events = projection_applied.events + excluded.events, batches = projection_applied.batches + 1, last_at = now()`,
          [version.name, version.version, this.holder, fresh.length],
        );
        await tx.query(`select pg_notify('${PROJECTION_PROGRESS_CHANNEL}', '')`);
        return true;
      });
      this.failedUntil.delete(key);
      return applied;
    } catch (error) {
      const message = `${(error as Error).message}`.slice(0, 2000);
      this.logger.error(`Projection ${key} failed at positions ${events[0].globalPosition}–${events[events.length - 1].globalPosition}: ${message}`);
      this.failedUntil.set(key, Date.now() + this.options.retryAfterMs);
      await this.db.query('update projection_versions set last_error = $3 where name = $1 and version = $2', [
        version.name,
        version.version,
        message,
      ]);
      return false;
    }
  }

  /** Switches readers to a rebuilt version once it is at least as far as the active one. */
  private async trySwitch(building: ProjectionVersionState): Promise<boolean> {
    const projection = this.require(building.name);
    const head = await this.store.headPosition();
    if (building.checkpoint < head) return false;
    const switched = await this.db.transaction(async (tx) => {
      await lockProjection(tx, building.name);
      const versions = await loadVersions(tx, building.name);
      const fresh = versions.find((v) => v.version === building.version && v.status === 'building');
      const active = versions.find((v) => v.status === 'active');
      if (!fresh || (active && !this.isFrozen(active) && fresh.checkpoint < active.checkpoint)) return false;
      if (projection.beforeSwitch) {
        await useSchema(tx, fresh.schema);
        await projection.beforeSwitch(tx);
      }
      if (active) {
        await tx.query(`update projection_versions set status = 'retired' where name = $1 and version = $2`, [active.name, active.version]);
      }
      await tx.query(`update projection_versions set status = 'active', activated_at = now() where name = $1 and version = $2`, [
        fresh.name,
        fresh.version,
      ]);
      await repointViews(tx, projection, fresh.schema);
      await tx.query(`select pg_notify('${PROJECTION_PROGRESS_CHANNEL}', '')`);
      // Keep the version just replaced (to compare or roll back by hand); drop older ones.
      for (const old of versions.filter((v) => v.status === 'retired')) {
        await tx.query(`drop schema if exists "${old.schema}" cascade`);
        await tx.query('delete from projection_versions where name = $1 and version = $2', [old.name, old.version]);
        await tx.query('delete from projection_applied where name = $1 and version = $2', [old.name, old.version]);
      }
      return true;
    });
    if (switched) this.logger.log(`Projection ${building.name}: v${building.version} is now active`);
    return switched;
  }

  private async createVersion(
    tx: SqlExecutor,
    projection: Projection,
    version: number,
    status: 'active' | 'building',
  ): Promise<ProjectionVersionState> {
    const schema = `proj_${projection.name}_v${version}`;
    await tx.query(`drop schema if exists "${schema}" cascade`);
    await tx.query(`create schema "${schema}"`);
    await useSchema(tx, schema);
    await projection.setup(tx);
    await tx.query('set local search_path to public');
    const [row] = await tx.query<VersionRow>(
      `insert into projection_versions (name, version, code_version, schema_name, status, activated_at)
       values ($1, $2, $3, $4, $5, case when $5 = 'active' then now() end)
       returning ${VERSION_COLUMNS}`,
      [projection.name, version, projection.version, schema, status],
    );
    return toState(row);
  }

  /**
   * An active version built by other code (its code version differs) is not fed any more:
   * today's handler may not fit yesterday's tables. Its rebuild replaces it.
   */
  private isFrozen(version: ProjectionVersionState): boolean {
    return version.status === 'active' && version.codeVersion !== this.require(version.name).version;
  }

  private isBackingOff(version: ProjectionVersionState): boolean {
    return (this.failedUntil.get(`${version.name}/${version.version}`) ?? 0) > Date.now();
  }

  private require(name: string): Projection {
    const projection = this.projections.get(name);
    if (!projection) throw new UnknownProjectionError(name, this.names);
    return projection;
  }

  private notifyProgress(): void {
    for (const wake of [...this.progressWaiters]) wake();
  }
}

export class UnknownProjectionError extends Error {
  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(`There is no projection named "${projection}". Known projections: ${known.join(', ') || 'none'}.`);
    this.name = 'UnknownProjectionError';
  }
}

const VERSION_COLUMNS = `name, version, code_version, schema_name, status, checkpoint::text,
  to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as created_at, last_error`;

async function loadVersions(sql: SqlExecutor, name: string | null): Promise<ProjectionVersionState[]> {
  const rows = await sql.query<VersionRow>(
    `select ${VERSION_COLUMNS} from projection_versions where $1::text is null or name = $1 order by name, version`,
    [name],
  );
  return rows.map(toState);
}

function toState(row: VersionRow): ProjectionVersionState {
  return {
    name: row.name,
    version: row.version,
    codeVersion: row.code_version,
    schema: row.schema_name,
    status: row.status,
    checkpoint: BigInt(row.checkpoint),
    createdAt: row.created_at,
    lastError: row.last_error,
  };
}

function maxVersion(versions: readonly ProjectionVersionState[]): number {
  return versions.reduce((max, v) => Math.max(max, v.version), 0);
}

/** Serialises registry changes for one projection across processes (held until commit). */
async function lockProjection(tx: SqlExecutor, name: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('projection:' || $1))`, [name]);
}

async function useSchema(tx: SqlExecutor, schema: string): Promise<void> {
  await tx.query(`set local search_path to "${schema}", public`);
}

async function repointViews(tx: SqlExecutor, projection: Projection, schema: string): Promise<void> {
  for (const table of projection.tables) {
    // Drop and create rather than `create or replace`: a new version may change the columns.
    await tx.query(`drop view if exists public."${table}"`);
    await tx.query(`create view public."${table}" as select * from "${schema}"."${table}"`);
  }
}
