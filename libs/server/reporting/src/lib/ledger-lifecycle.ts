import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { APP_CONFIG, jobLeaseOptions, PROJECTION_RUNNER, SQL_DATABASE, type AppConfig } from '@act/server/platform';
import { JobLease, migrateJobLeases, type ProjectionRunner } from '@act/server/projections';
import { RecomputeWorker, seedCatalogue, usageLedgerProjection, type SeedCatalogueResult } from '@act/server/usage';
import { abortableSleep } from '@act/util/core';

/** The longest a first start waits for the read models to take in the seeded catalogue. */
export const SEED_CATCH_UP_MS = 30_000;

/** How often the worker looks for price changes that no recompute has picked up yet (catalogue refresh, instance override, a change made while another recompute ran). */
export const AUTO_RECOMPUTE_EVERY_MS = 10_000;

/**
 * The usage ledger's moving parts beside the projection, tied to the app's lifecycle:
 *
 * - Seeds the shipped price catalogue when the module starts, before the app listens (one
 *   PriceSet per model the first time, ~0.3 s; afterwards one small read of the imports stream).
 *   So every usage recorded through this app is priced with the catalogue already in the log.
 *   After a first import it drives the projections through those ~2,800 events before the app
 *   answers (~0.5 s), so the first reads and `?waitFor=` are not held up behind them.
 * - Runs the `RecomputeWorker` from bootstrap until shutdown (stopped in onModuleDestroy, so
 *   before the platform closes the database): batches of running recomputes, their activation,
 *   and — at most every AUTO_RECOMPUTE_EVERY_MS — recomputes for price changes nobody started.
 *   Only in the process holding the `recompute-worker` lease: with several api processes on one
 *   database, the others would stage the same batches again.
 * - Never evaluates while the usage_ledger projection is being rebuilt (a `building` version:
 *   an admin rebuild, a code-version change at start, or `npm run projections:rebuild`). The
 *   read views then show the previous, possibly frozen, version; staging repriced rows or
 *   starting recomputes from it would act on figures that are about to be replaced. The loop
 *   waits for the switch and carries on.
 */
@Injectable()
export class LedgerLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('UsageLedger');
  private loop?: Promise<void>;
  private stopping?: AbortController;
  private lastAutoStart = 0;
  /** The start-up seeding's outcome (for health checks and tests). */
  seeded: SeedCatalogueResult | null = null;
  /** How long a first start took to drive the read models through the seeded catalogue (null: nothing to do). */
  seedCatchUpMs: number | null = null;
  readonly idleWaitMs: number;
  private readonly lease: JobLease;

  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    private readonly worker: RecomputeWorker,
  ) {
    // Tests poll every 20 ms; production every 250 ms: the worker checks 4× less often, 100 ms–1 s.
    this.idleWaitMs = Math.min(1000, Math.max(100, config.EVENT_POLL_INTERVAL_MS * 4));
    this.lease = new JobLease(db, 'recompute-worker', jobLeaseOptions(config));
  }

  async onModuleInit(): Promise<void> {
    try {
      const result = await seedCatalogue(this.store, { today: new Date().toISOString().slice(0, 10) });
      this.seeded = result;
      if (result.imported) {
        this.logger.log(
          `Price catalogue imported: ${result.appended} price version(s) appended, ${result.unchanged} unchanged, ` +
            `${result.skipped} entries skipped, in ${result.durationMs} ms`,
        );
      } else {
        this.logger.log(`Price catalogue up to date (checked in ${result.durationMs} ms)`);
      }
    } catch (error) {
      // Without a catalogue every estimate is unpriced (never $0): loud, but the app still serves.
      this.logger.error(`Price catalogue not seeded; usage stays unpriced until it is: ${(error as Error).stack ?? error}`);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.catchUpWithSeed();
    await migrateJobLeases(this.db);
    this.start();
  }

  /**
   * After a first import, applies the new PriceSets to every projection before the app starts
   * answering. `runOnce` is safe beside the runner's own loop (a batch and its checkpoint commit
   * together, under the checkpoint's lock). Bounded: a projection that fails or lags only delays
   * the start, and is reported.
   */
  private async catchUpWithSeed(): Promise<void> {
    if (!this.seeded?.imported) return;
    const started = Date.now();
    const position = this.seeded.position;
    while (!(await this.runner.waitForPosition(position, 0))) {
      if (Date.now() - started > SEED_CATCH_UP_MS) {
        this.logger.warn(`Read models have not taken in the price catalogue after ${SEED_CATCH_UP_MS} ms; they catch up in the background`);
        return;
      }
      if (!(await this.runner.runOnce())) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.seedCatchUpMs = Date.now() - started;
    this.logger.log(`Read models took in the price catalogue in ${this.seedCatchUpMs} ms`);
  }

  /** Starts the recompute loop (and its lease's heartbeat); bootstrap does this. */
  start(): void {
    if (this.loop) return;
    this.lease.start();
    this.stopping = new AbortController();
    const signal = this.stopping.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        let progressed = false;
        try {
          if (!this.lease.held || (await this.rebuilding())) {
            await abortableSleep(this.idleWaitMs * 5, signal);
            continue;
          }
          progressed = await this.worker.runOnce();
          if (!progressed && Date.now() - this.lastAutoStart >= AUTO_RECOMPUTE_EVERY_MS) {
            this.lastAutoStart = Date.now();
            const started = await this.worker.startPendingRecomputes();
            if (started.length > 0) this.logger.log(`Started ${started.length} recompute(s) for price changes not yet reflected`);
            progressed = started.length > 0;
          }
        } catch (error) {
          if (!signal.aborted) this.logger.error(`Recompute loop: ${(error as Error).message}`);
        }
        if (!progressed && !signal.aborted) await abortableSleep(this.idleWaitMs, signal);
      }
    })();
  }

  /** Stops the loop and lets the lease go, so another process takes the work over at once. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.loop;
    this.loop = undefined;
    await this.lease.stop();
  }

  onModuleDestroy(): Promise<void> {
    return this.stop();
  }

  /** True while a new version of the usage ledger projection is being built. */
  async rebuilding(): Promise<boolean> {
    const [row] = await this.db.query<{ building: boolean }>(
      `select exists (select 1 from projection_versions where name = $1 and status = 'building') as building`,
      [usageLedgerProjection.name],
    );
    return row?.building === true;
  }
}
