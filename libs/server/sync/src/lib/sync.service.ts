import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  createSyncConnector,
  isSyncError,
  isSyncProvider,
  OpenRouterSyncConnector,
  type SyncConnector,
  type SyncConnectorOptions,
  type SyncProgress,
  type SyncProvider,
} from '@act/server/connectors';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { APP_CONFIG, AppConfig, SQL_DATABASE } from '@act/server/platform';
import { AccountsService, CREDENTIAL_VAULT } from '@act/server/accounts';
import type { CredentialVault } from '@act/server/secrets';
import { RecordUsageHandler } from '@act/server/usage';
import {
  chunkRange,
  daysBetween,
  foldCoverage,
  INTERRUPTED_RUN,
  planSync,
  syncStreamId,
  SYNC_EVENT_TYPES,
  unfinishedRuns,
  type SyncBalance,
  type SyncEvent,
  type SyncKind,
} from './sync-events';
import { SyncLeases } from './sync-leases';

const LEASE_MS = 5 * 60_000;

export type SyncOutcome = { state: 'started'; runId: string; done: Promise<void> } | { state: 'already-running' };

/** A sync run that recorded new observations (see `SyncService.onRunFinished`). */
export interface FinishedSyncRun {
  readonly workspaceId: string;
  readonly accountId: string;
  /** The run's last event: once read models reach it, they hold everything the run recorded. */
  readonly position: bigint;
}

/**
 * Runs one account's sync: takes the account's lease (so no other process or tick runs it at
 * the same time), plans the days to read from the sync checkpoint, reads them chunk by chunk
 * through the provider's connector, records each chunk through the ledger (idempotent: a
 * re-read changes nothing) and its coverage as an event, and ends with a completed or failed run.
 */
@Injectable()
export class SyncService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Sync');
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly leases: SyncLeases;
  private readonly finishedListeners = new Set<(run: FinishedSyncRun) => void>();
  private readonly record: RecordUsageHandler;
  /**
   * Transport settings of the connectors (time-outs, retries, backoff); the defaults suit real providers.
   * Tests against the local provider servers shorten them so a fault runs its course in milliseconds.
   */
  connectorOptions: SyncConnectorOptions = {};
  private readonly running = new Map<string, { runId: string; step: string | null; abort: AbortController; done: Promise<void> }>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) db: SqlDatabase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault,
    private readonly accounts: AccountsService,
  ) {
    this.leases = new SyncLeases(db);
    this.record = new RecordUsageHandler(store);
  }

  async onModuleInit(): Promise<void> {
    await this.leases.migrate();
  }

  /** What a running run in this process is doing right now. */
  currentStep(runId: string): string | null {
    for (const run of this.running.values()) if (run.runId === runId) return run.step;
    return null;
  }

  /** Starts a run in the background unless one already runs for the account (here or elsewhere). */
  async start(workspaceId: string, accountId: string, kind: SyncKind, range?: { from: string; to: string }): Promise<SyncOutcome> {
    if (this.running.has(accountId)) return { state: 'already-running' };
    const account = await this.accounts.load({ workspaceId }, accountId);
    if (!isSyncProvider(account.provider)) throw new Error(`${account.provider} has no usage API to sync from`);
    if (!(await this.leases.tryAcquire(accountId, this.holder, LEASE_MS))) return { state: 'already-running' };
    const runId = randomUUID();
    const abort = new AbortController();
    const entry = { runId, step: null as string | null, abort, done: Promise.resolve() };
    this.running.set(accountId, entry);
    entry.done = this.run(workspaceId, accountId, runId, kind, range, entry, abort.signal)
      .catch((error: Error) => this.logger.error(`Sync run ${runId} crashed: ${error.message}`, error.stack))
      .finally(async () => {
        this.running.delete(accountId);
        await this.leases.release(accountId, this.holder).catch(() => undefined);
      });
    return { state: 'started', runId, done: entry.done };
  }

  private async run(
    workspaceId: string,
    accountId: string,
    runId: string,
    kind: SyncKind,
    range: { from: string; to: string } | undefined,
    entry: { step: string | null },
    signal: AbortSignal,
  ): Promise<void> {
    const streamId = syncStreamId(accountId);
    const append = (event: SyncEvent) =>
      this.store.appendToStream(streamId, [{ id: randomUUID(), type: event.type, data: event.data, metadata: { at: new Date().toISOString() } }]);
    const history = await this.store.readStream(streamId);
    const chunks = range ? chunkRange(range, this.config.SYNC_CHUNK_DAYS) : planSync({
      today: new Date().toISOString().slice(0, 10),
      coverage: foldCoverage(history.filter((e) => (SYNC_EVENT_TYPES as readonly string[]).includes(e.type))),
      backfillDays: this.config.SYNC_BACKFILL_DAYS,
      lookbackDays: this.config.SYNC_LOOKBACK_DAYS,
      chunkDays: this.config.SYNC_CHUNK_DAYS,
    });
    const from = chunks.reduce((min, c) => (c.from < min ? c.from : min), chunks[0].from);
    const to = chunks[0].to;
    const days = chunks.reduce((sum, c) => sum + daysBetween(c.from, c.to), 0);
    // This process holds the account's lease, so an earlier run still open in the history died
    // with its process: close it, or the sync history would show it running forever.
    for (const orphan of unfinishedRuns(history)) {
      await append({ type: 'SyncRunFailed', data: { runId: orphan, workspaceId, accountId, ...INTERRUPTED_RUN } });
    }
    await append({ type: 'SyncRunStarted', data: { runId, workspaceId, accountId, kind, from, to, days } });
    let appended = 0;
    let requests = 0;
    const pendingDays = new Set<string>();
    const warnings: string[] = [];
    try {
      const account = await this.accounts.load({ workspaceId }, accountId);
      if (account.disconnected || !account.credentialId) throw Object.assign(new Error('The account has no credentials (disconnected, or never given): add its admin key.'), { category: 'auth', code: 'no_credentials' });
      const credential = await this.vault.reveal(account.credentialId, accountId);
      const connector = createSyncConnector(account.provider as SyncProvider, { workspaceId, accountId, credential, baseUrl: account.settings.baseUrl }, this.connectorOptions);
      for (const chunk of chunks) {
        const result = await connector.sync(chunk, {
          signal,
          onProgress: (progress: SyncProgress) =>
            (entry.step = `${progress.step} (${chunk.from} → ${chunk.to}), page ${progress.page}, ${progress.rowsTotal} rows`),
        });
        const recorded = await this.record.handle([...result.usage, ...result.costs]);
        appended += recorded.appended;
        requests += result.stats.requests;
        result.pendingDays.forEach((day) => pendingDays.add(day));
        warnings.push(...result.warnings.map((w) => w.message));
        await append({
          type: 'SyncChunkRecorded',
          data: {
            runId,
            accountId,
            from: chunk.from,
            to: chunk.to,
            usageObservations: result.usage.length,
            costLines: result.costs.length,
            appended: recorded.appended,
            ...(range ? { resync: true } : {}),
          },
        });
        if (!(await this.leases.renew(accountId, this.holder, LEASE_MS))) throw Object.assign(new Error('Another process took over this account’s sync.'), { category: 'transient', code: 'lease_lost' });
      }
      // After the usage, so a balance that cannot be read never costs the run its usage.
      const balance = await this.readBalance(connector, accountId, signal);
      const kept = warnings.slice(0, 50);
      if (balance?.status === 'unavailable') {
        // Always kept, even when the usage warned 50 times: the history shows a failed read only through it.
        kept.splice(49, 1, `The credit balance could not be read (${balance.category}/${balance.code}): ${balance.message} The usage was recorded; the balance shown is the last one read.`);
      }
      const completed = await append({
        type: 'SyncRunCompleted',
        data: { runId, workspaceId, accountId, pendingDays: [...pendingDays].sort(), appended, requests, warnings: kept, ...(balance ? { balance } : {}) },
      });
      this.logger.log(`Account ${accountId}: ${days} days synced, ${appended} new observations`);
      if (appended > 0) this.notifyFinished({ workspaceId, accountId, position: completed.position });
    } catch (error) {
      const { category, code, message } = describeFailure(error);
      await append({ type: 'SyncRunFailed', data: { runId, workspaceId, accountId, category, code, message } });
      this.logger.warn(`Account ${accountId}: sync failed (${category}/${code}): ${message}`);
      if (category === 'auth' || category === 'permission') {
        await this.accounts
          .pauseAfterSyncFailure(workspaceId, accountId, `Sync paused: ${message} Fix the key (rotate the credentials), then resume sync.`)
          .catch((error: Error) => this.logger.warn(`Could not pause account ${accountId}: ${error.message}`));
      }
    }
  }

  /**
   * The account's prepaid credit balance, for providers that have one (OpenRouter `/credits`), else null. Any
   * failure to read it (a refused key, a changed answer, a provider outage after the retries) comes back as
   * `unavailable` with its typed reason instead of failing the run; only a cancelled run (a shutdown) stops here.
   */
  private async readBalance(connector: SyncConnector, accountId: string, signal: AbortSignal): Promise<SyncBalance | null> {
    if (!(connector instanceof OpenRouterSyncConnector)) return null;
    try {
      const credits = await connector.credits({ signal });
      return {
        status: 'read',
        totalCredits: credits.totalCredits,
        totalUsage: credits.totalUsage,
        remaining: credits.remaining,
        currency: credits.currency,
        readAt: credits.observedAt,
      };
    } catch (error) {
      if (signal.aborted) throw error;
      const { category, code, message } = describeFailure(error);
      if (category === 'internal') this.logger.error(`Account ${accountId}: reading the balance failed: ${(error as Error).message}`, (error as Error).stack);
      else this.logger.warn(`Account ${accountId}: balance not read (${category}/${code}): ${message}`);
      return { status: 'unavailable', category, code, message, readAt: new Date().toISOString() };
    }
  }

  /**
   * Calls `listener` after each run in this process that recorded new observations, with the
   * position to wait for before reading them. Lets other modules react to official data (the
   * request-log fold stops counting days the usage API reported) without sync knowing them.
   */
  onRunFinished(listener: (run: FinishedSyncRun) => void): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  private notifyFinished(run: FinishedSyncRun): void {
    for (const listener of this.finishedListeners) {
      try {
        listener(run);
      } catch (error) {
        this.logger.warn(`A sync-finished listener failed: ${(error as Error).message}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const run of this.running.values()) run.abort.abort();
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
  }
}

function describeFailure(error: unknown): { category: string; code: string; message: string } {
  if (isSyncError(error)) return { category: error.category, code: error.code, message: error.message };
  const e = error as Error & { category?: string; code?: string };
  if (e?.category) return { category: e.category, code: e.code ?? 'error', message: e.message };
  // An unexpected failure of ours: say so without internals (the log has the stack).
  return { category: 'internal', code: 'internal_error', message: 'The sync failed on our side; the server log has the details.' };
}
