import { Logger } from '@nestjs/common';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import type { SqlDatabase, SqlExecutor } from '@act/server/database';
import type { EventStore } from '@act/server/event-store';
import { abortableSleep } from '@act/util/core';
import { CostCommands } from './cost-commands';
import { loadPriceCatalogue } from './price-catalogue-cache';
import { migrateRecomputeStaging } from './recompute-staging';
import { stageRepricedPage } from './repricing-sql';
import { countScopeRows, repriceRows, selectScopeRows, withoutJit, type RepriceScope, type RowKey } from './repricing';

export interface RecomputeWorkerOptions {
  /** Usage rows per batch (one transaction each). */
  batchSize?: number;
  /** Longest pause between two passes when idle. */
  idleWaitMs?: number;
  /**
   * Start a recompute on its own for a workspace whose estimates a PriceSet changed (a catalogue
   * refresh, an instance-wide override, a change made while another recompute ran). Checked at
   * most every `autoStartEveryMs`.
   */
  autoStart?: boolean;
  autoStartEveryMs?: number;
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
  now?: () => Date;
  /** Test hook: called inside each batch's transaction after its rows are staged. */
  onBatchStaged?: (batch: { recomputeId: string; rows: number }) => void | Promise<void>;
}

interface RunningRecompute {
  workspace_id: string;
  version: number;
  recompute_id: string;
  started_position: string;
}

interface ProgressRow {
  state: 'running' | 'staged' | 'done';
  rows_total: number;
  rows_done: number;
  rows_changed: number;
  cursor: RowKey | null;
}

/**
 * Runs recomputes: for each one started (`RecomputeStarted`, seen in the `cost_versions` read
 * model), reprices the rows in scope batch by batch with the PriceSets before its start,
 * stages the changed rows, then appends `CostVersionActivated`; the projection applies the
 * staged rows at once, so readers switch from one complete version to the next.
 *
 * Each batch stages its rows and moves the progress cursor in one transaction that first locks
 * the progress row (a second worker waits, then goes on from the moved cursor), so a crash or a
 * second worker at any point loses nothing and doubles nothing; the activation event has a
 * deterministic id, so appending it twice is a no-op.
 */
export class RecomputeWorker {
  private readonly options: Required<Omit<RecomputeWorkerOptions, 'logger' | 'onBatchStaged'>> &
    Pick<RecomputeWorkerOptions, 'onBatchStaged'>;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private readonly commands: CostCommands;
  private lastAutoStart = 0;
  private loop?: Promise<void>;
  private stopping?: AbortController;

  constructor(
    private readonly db: SqlDatabase,
    store: EventStore,
    options: RecomputeWorkerOptions = {},
  ) {
    this.options = {
      batchSize: options.batchSize ?? 1000,
      idleWaitMs: options.idleWaitMs ?? 1000,
      autoStart: options.autoStart ?? true,
      autoStartEveryMs: options.autoStartEveryMs ?? 10_000,
      now: options.now ?? (() => new Date()),
      onBatchStaged: options.onBatchStaged,
    };
    this.logger = options.logger ?? new Logger('RecomputeWorker');
    this.commands = new CostCommands(store);
  }

  /** Creates the worker's tables (idempotent). Call once before `start`/`runOnce`. */
  async migrate(): Promise<void> {
    await migrateRecomputeStaging(this.db);
  }

  start(): void {
    if (this.loop) return;
    this.stopping = new AbortController();
    const signal = this.stopping.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        let progressed = false;
        try {
          progressed = await this.runOnce();
          if (!progressed && this.options.autoStart && Date.now() - this.lastAutoStart >= this.options.autoStartEveryMs) {
            this.lastAutoStart = Date.now();
            progressed = (await this.startPendingRecomputes()).length > 0;
          }
        } catch (error) {
          this.logger.error(`Recompute loop: ${(error as Error).message}`);
        }
        if (!progressed && !signal.aborted) await abortableSleep(this.options.idleWaitMs, signal);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = undefined;
  }

  /**
   * One pass: a batch for every running recompute, the activation of finished ones, and the
   * clean-up of activated ones. Returns whether anything moved.
   */
  async runOnce(): Promise<boolean> {
    if (!(await this.ready())) return false;
    let progressed = false;
    const running = await this.db.query<RunningRecompute>(
      `select workspace_id, version, recompute_id, started_position::text from cost_versions
        where status = 'running' order by started_position`,
    );
    for (const recompute of running) {
      try {
        progressed = (await this.step(recompute)) || progressed;
      } catch (error) {
        const message = (error as Error).message.slice(0, 2000);
        this.logger.error(`Recompute ${recompute.recompute_id}: ${message}`);
        await this.db.query(
          'update cost_recompute_progress set last_error = $2, updated_at = now() where recompute_id = $1',
          [recompute.recompute_id, message],
        );
      }
    }
    progressed = (await this.cleanUp()) || progressed;
    return progressed;
  }

  /**
   * Starts a recompute in every workspace (or the ones given) where a PriceSet not yet
   * reflected would change at least one estimate. Returns the recompute ids started.
   */
  async startPendingRecomputes(workspaceIds?: readonly string[]): Promise<string[]> {
    if (!(await this.ready())) return [];
    const candidates =
      workspaceIds ??
      (await this.db.query<{ workspace_id: string }>('select distinct workspace_id from cost_estimates where valid_to is null')).map(
        (r) => r.workspace_id,
      );
    const started: string[] = [];
    for (const workspaceId of candidates) {
      const [busy] = await this.db.query(`select 1 from cost_versions where workspace_id = $1 and status = 'running'`, [workspaceId]);
      if (busy) continue;
      const scope: RepriceScope = { workspaceId, before: null, basedOn: await basedOn(this.db, workspaceId) };
      const causes = await this.changingCauses(scope);
      if (causes === null) continue;
      try {
        const result = await this.commands.startRecompute(
          workspaceId,
          { causes, reason: 'prices changed for days that already have usage' },
          { now: this.options.now() },
        );
        started.push(result.recomputeId);
      } catch (error) {
        if (!(error instanceof DomainRuleViolation)) throw error;
      }
    }
    return started;
  }

  /** Runs passes until nothing moves (tests, the CLI). The projection must be driven meanwhile. */
  async runUntilIdle(maxPasses = 100_000): Promise<void> {
    for (let i = 0; i < maxPasses && (await this.runOnce()); i++);
  }

  private async ready(): Promise<boolean> {
    const [row] = await this.db.query<{ ok: boolean }>(
      `select to_regclass('public.cost_versions') is not null and to_regclass('public.cost_recompute_progress') is not null as ok`,
    );
    return row?.ok === true;
  }

  private async step(recompute: RunningRecompute): Promise<boolean> {
    const id = recompute.recompute_id;
    const startedAt = BigInt(recompute.started_position);
    const scope: RepriceScope = {
      workspaceId: recompute.workspace_id,
      before: startedAt,
      basedOn: await basedOn(this.db, recompute.workspace_id),
    };
    let progress = await this.progress(id);
    if (!progress) {
      const total = await withoutJit(this.db, (tx) => countScopeRows(tx, scope));
      await this.db.query(
        `insert into cost_recompute_progress (recompute_id, workspace_id, version, started_position, state, rows_total)
         values ($1, $2, $3, $4::bigint, 'running', $5) on conflict do nothing`,
        [id, recompute.workspace_id, recompute.version, recompute.started_position, total],
      );
      progress = await this.progress(id);
      if (!progress) return false;
    }
    if (progress.state === 'running') {
      const catalogue = await loadPriceCatalogue(this.db, startedAt);
      return this.db.transaction(async (tx) => {
        // The progress row is locked for the batch: a second worker waits, then sees the moved
        // cursor. The batch's rows are staged and the cursor moved in this one transaction.
        const [locked] = await tx.query<Pick<ProgressRow, 'state' | 'cursor'>>(
          'select state, cursor from cost_recompute_progress where recompute_id = $1 for update',
          [id],
        );
        if (locked?.state !== 'running') return true;
        await tx.query('set local jit = off'); // see withoutJit
        const page = await stageRepricedPage(tx, scope, id, { after: locked.cursor, limit: this.options.batchSize }, catalogue);
        if (page.last === null) {
          await tx.query(
            `update cost_recompute_progress set state = 'staged', rows_total = rows_done, updated_at = now(), last_error = null
              where recompute_id = $1`,
            [id],
          );
          return true;
        }
        await tx.query(
          `update cost_recompute_progress
              set cursor = $2::jsonb, rows_done = rows_done + $3, rows_changed = rows_changed + $4,
                  updated_at = now(), last_error = null
            where recompute_id = $1`,
          [id, JSON.stringify(page.last), page.scanned, page.changed],
        );
        await this.options.onBatchStaged?.({ recomputeId: id, rows: page.scanned });
        return true;
      });
    }
    if (progress.state === 'staged') {
      const result = await this.commands.activate(
        recompute.workspace_id,
        id,
        { rowsScanned: progress.rows_done, rowsChanged: progress.rows_changed },
        { now: this.options.now() },
      );
      // Appended once; until the projection applies it, later passes have nothing to do here.
      return result.appended > 0;
    }
    return false;
  }

  /** Activated recomputes: mark them done, drop their staged rows, and start a follow-up if prices moved meanwhile. */
  private async cleanUp(): Promise<boolean> {
    const finished = await this.db.query<{ recompute_id: string; workspace_id: string }>(
      `select p.recompute_id, p.workspace_id from cost_recompute_progress p
        where p.state <> 'done'
          and exists (select 1 from cost_versions v where v.recompute_id = p.recompute_id and v.status <> 'running')`,
    );
    for (const { recompute_id } of finished) {
      await this.db.transaction(async (tx: SqlExecutor) => {
        await tx.query(
          `update cost_recompute_progress set state = 'done', finished_at = now(), updated_at = now() where recompute_id = $1`,
          [recompute_id],
        );
        await tx.query('delete from cost_recompute_rows where recompute_id = $1', [recompute_id]);
      });
    }
    if (finished.length > 0 && this.options.autoStart) {
      await this.startPendingRecomputes([...new Set(finished.map((f) => f.workspace_id))]);
    }
    return finished.length > 0;
  }

  private async progress(recomputeId: string): Promise<ProgressRow | undefined> {
    const [row] = await this.db.query<ProgressRow>(
      'select state, rows_total, rows_done, rows_changed, cursor from cost_recompute_progress where recompute_id = $1',
      [recomputeId],
    );
    return row;
  }

  /**
   * The PriceSets not yet reflected in the workspace's estimates that would change at least one
   * of them (checked by repricing the rows in scope, stopping at the first change): a PriceSet
   * that changes nothing (a model the workspace does not use, or a row that stays unpriced)
   * starts no empty version.
   */
  private async changingCauses(scope: RepriceScope): Promise<string[] | null> {
    const catalogue = await loadPriceCatalogue(this.db);
    let after: RowKey | null = null;
    for (;;) {
      const from = after;
      const rows = await withoutJit(this.db, (tx) => selectScopeRows(tx, scope, { after: from, limit: 2000 }));
      if (rows.length === 0) return null;
      const changed = repriceRows(rows, catalogue);
      if (changed.length > 0) {
        const ids = await this.db.query<{ price_set_id: string }>(
          `select price_set_id from price_versions
            where position > $2::bigint and (workspace_id is null or workspace_id = $1)
              and price_set_id in (select jsonb_array_elements_text($3::jsonb))
            order by position`,
          [scope.workspaceId, String(scope.basedOn), JSON.stringify([...new Set(changed.map((c) => c.after.priceSetId).filter((x) => x !== null))])],
        );
        return ids.map((r) => r.price_set_id);
      }
      const last: RowKey = rows[rows.length - 1];
      after = { accountId: last.accountId, day: last.day, requestType: last.requestType };
    }
  }
}

async function basedOn(sql: SqlExecutor, workspaceId: string): Promise<bigint> {
  const [row] = await sql.query<{ based_on: string }>('select based_on::text from cost_workspaces where workspace_id = $1', [
    workspaceId,
  ]);
  return BigInt(row?.based_on ?? '0');
}
