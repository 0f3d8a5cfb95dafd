import { readFileSync } from 'node:fs';
import type { SqlDatabase } from '@act/server/database';
import { resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import { ProjectionRunner } from '@act/server/projections';
import {
  observeUsage,
  reportCost,
  type CostReportInput,
  type UsageLedgerEvent,
  type UsageObservationInput,
} from '@act/domain/usage';
import { RecordUsageHandler } from '../record-usage';
import { usageLedgerProjection } from '../usage-ledger.projection';
import { RecomputeWorker, type RecomputeWorkerOptions } from '../recompute-worker';
import { seedCatalogue, shippedCataloguePath } from '../pricing-commands';

export const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

export function usage(overrides: Partial<UsageObservationInput> = {}): UsageLedgerEvent {
  const result = observeUsage({
    workspaceId: 'ws1',
    accountId: 'acc1',
    day: '2026-10-05',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    operation: 'chat/completions',
    tokens: { inputUncached: 1000, output: 200 },
    units: { requests: 3 },
    source: 'usage-api',
    observedAt: '2026-10-06T01:00:00.000Z',
    final: true,
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

export function cost(overrides: Partial<CostReportInput> = {}): UsageLedgerEvent {
  const result = reportCost({
    workspaceId: 'ws1',
    accountId: 'acc1',
    day: '2026-10-05',
    provider: 'openai',
    description: 'gpt-4o-mini, input',
    amount: '0.15',
    currency: 'USD',
    source: 'usage-api',
    observedAt: '2026-10-06T01:00:00.000Z',
    final: true,
    ...overrides,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

let shipped: Record<string, unknown> | undefined;

/** A few real entries of the shipped LiteLLM catalogue, as a catalogue file of their own. */
export function smallCatalogue(keys: readonly string[] = SMALL_CATALOGUE_KEYS): string {
  shipped ??= JSON.parse(readFileSync(shippedCataloguePath(), 'utf8')) as Record<string, unknown>;
  const catalogue = shipped;
  return JSON.stringify(Object.fromEntries(keys.map((key) => [key, catalogue[key]])));
}

export const SMALL_CATALOGUE_KEYS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'groq/llama-3.3-70b-versatile'];

export interface LedgerHarness {
  store: PostgresEventStore;
  runner: ProjectionRunner;
  worker: RecomputeWorker;
  record: RecordUsageHandler;
  /** Drives projection and worker until neither moves. */
  drain(): Promise<void>;
  /** Seeds the small catalogue (effective from the baseline day). */
  seed(keys?: readonly string[]): Promise<void>;
}

export async function openHarness(
  db: SqlDatabase,
  options: { batchSize?: number; worker?: RecomputeWorkerOptions; reset?: boolean } = {},
): Promise<LedgerHarness> {
  if (options.reset !== false) await resetDatabase(db);
  const store = new PostgresEventStore(db, { pollIntervalMs: 20 });
  await store.migrate();
  const runner = new ProjectionRunner(db, store, [usageLedgerProjection], { logger: quiet, batchSize: options.batchSize ?? 50 });
  await runner.initialize();
  const worker = new RecomputeWorker(db, store, { logger: quiet, batchSize: 3, autoStart: false, ...options.worker });
  await worker.migrate();
  const harness: LedgerHarness = {
    store,
    runner,
    worker,
    record: new RecordUsageHandler(store),
    async drain() {
      for (let i = 0; i < 10_000; i++) {
        const projected = await runner.runOnce();
        const worked = await worker.runOnce();
        if (!projected && !worked) {
          const failed = await db.query<{ last_error: string }>('select last_error from projection_versions where last_error is not null');
          if (failed.length > 0) throw new Error(`projection failed: ${failed[0].last_error}`);
          return;
        }
      }
      throw new Error('drain did not settle');
    },
    async seed(keys = SMALL_CATALOGUE_KEYS) {
      await seedCatalogue(store, { content: smallCatalogue(keys), today: '2026-11-01' });
      await harness.drain();
    },
  };
  return harness;
}

/** Every row of the read model's tables, in a stable order: to compare two builds. */
export async function dumpReadModel(db: SqlDatabase, schema = 'public'): Promise<Record<string, unknown[]>> {
  const tables = usageLedgerProjection.tables;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    // recorded_at is when the event store stored a PriceSet: it differs between two runs of one scenario.
    const rows = await db.query<{ row: string }>(`select (to_jsonb(t) - 'recorded_at')::text as row from "${schema}"."${table}" t`);
    out[table] = rows.map((r) => r.row).sort();
  }
  return out;
}
