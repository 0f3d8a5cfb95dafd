import { readFileSync } from 'node:fs';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import { ProjectionRunner } from '@act/server/projections';
import { RecordUsageHandler, seedCatalogue, shippedCataloguePath, usageLedgerProjection } from '@act/server/usage';
import { RequestValidationError } from '@act/server/platform';
import { buildRequestType, LedgerDecimal, latestUsage, observeUsage, USAGE_OBSERVED, type UsageLedgerEvent } from '@act/domain/usage';
import { readRequestRecord } from '@act/domain/request-usage';
import { CoverageQueries } from './coverage-queries';
import { LedgerReader } from './ledger-reader';
import { RequestInbox, RequestLogAggregator, type InboxRequest } from './request-log';
import { migrateIngest } from './schema';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const WS = 'ws-cov';
const OTHER_WS = 'ws-other';
const ACCOUNT = '0b7d3c2e-1111-4222-8333-944455556666';
const DAY = '2026-10-05';
const NEXT = '2026-10-06';

function request(id: string, day: string, prompt: number, completion: number, model = 'gpt-4o-mini', workspaceId = WS): InboxRequest {
  const read = readRequestRecord(
    { requestId: id, provider: 'openai', model, timestamp: `${day}T12:00:00Z`, usage: { prompt_tokens: prompt, completion_tokens: completion } },
    { path: '', now: '2030-01-01T00:00:00.000Z' },
  );
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  const requestType = buildRequestType({ provider: 'openai', model, operation: 'chat/completions', serviceTier: 'standard', contextTier: 'standard' });
  return { request: read.value, requestType, workspaceId, accountId: ACCOUNT, day, provider: 'openai' };
}

/** What the OpenAI connector records for a day: per project (so on another key than the logs), source usage-api. */
function official(day: string, input: number, output: number, requests: number, observedAt: string) {
  const result = observeUsage({
    workspaceId: WS,
    accountId: ACCOUNT,
    day,
    provider: 'openai',
    model: 'gpt-4o-mini',
    operation: 'chat/completions',
    project: 'proj_main',
    tokens: { inputUncached: input, output },
    units: { requests },
    source: 'usage-api',
    observedAt,
    final: true,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.value;
}

describeOnEachEngine('coverage gap: official usage vs request logs', (database) => {
  const db = () => database().db;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let record: RecordUsageHandler;
  let aggregator: RequestLogAggregator;
  let inbox: RequestInbox;
  const clock = Date.parse('2026-10-06T08:00:00.000Z');

  async function drain() {
    while (await runner.runOnce()) {
      /* until caught up */
    }
  }

  /** The day's totals as the read model has them (what every report sums). */
  async function dayTotals(day: string) {
    const [row] = await db().query<{ input: string; output: string; requests: string }>(
      `select coalesce(sum(input_uncached), 0)::text as input, coalesce(sum(output), 0)::text as output, coalesce(sum(requests), 0)::text as requests
         from usage_latest where workspace_id = $1 and account_id = $2 and day = $3::date`,
      [WS, ACCOUNT, day],
    );
    return { input: Number(row.input), output: Number(row.output), requests: Number(row.requests) };
  }

  /** The same from the ledger's events, folded by the domain (independent of the read model). */
  async function ledgerTotals(day: string) {
    const events = (await store.readAll(0n, 100_000)).filter((e) => e.type === USAGE_OBSERVED).map((e) => ({ id: e.id, type: e.type, data: e.data }) as UsageLedgerEvent);
    let input = 0;
    let requests = 0;
    for (const event of latestUsage(events).values()) {
      if (event.data.day !== day || event.data.accountId !== ACCOUNT) continue;
      input += event.data.tokens.inputUncached;
      requests += event.data.units.requests;
    }
    return { input, requests };
  }

  beforeEach(async () => {
    await resetDatabase(db());
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
    runner = new ProjectionRunner(db(), store, [usageLedgerProjection], { logger: quiet, batchSize: 50 });
    await runner.initialize();
    await migrateIngest(db());
    const shipped = JSON.parse(readFileSync(shippedCataloguePath(), 'utf8')) as Record<string, unknown>;
    await seedCatalogue(store, { content: JSON.stringify({ 'gpt-4o-mini': shipped['gpt-4o-mini'] }), today: '2026-11-01' });
    record = new RecordUsageHandler(store);
    inbox = new RequestInbox(db());
    aggregator = new RequestLogAggregator(db(), record, { now: () => new Date(clock), logger: quiet, sweepGraceMs: 0, ledger: new LedgerReader(store) });
    await drain();
  });

  it('counts a day once when the usage API reported it after the request logs, and reports the gap', async () => {
    // Logged first (no official data yet): the request-log total counts.
    const first = await inbox.accept([request('r1', DAY, 100, 10), request('r2', DAY, 200, 20)]);
    await aggregator.fold(first.keys);
    await drain();
    expect(await dayTotals(DAY)).toEqual({ input: 300, output: 30, requests: 2 });

    // The sync reports the day per project: another key. Until the sweep, both would count.
    await record.handle([official(DAY, 1000, 100, 5, '2026-10-06T07:00:00.000Z')]);
    await drain();
    expect(await dayTotals(DAY)).toEqual({ input: 1300, output: 130, requests: 7 });
    // The sweep finds the account-day in the read model and supersedes the request-log total.
    await aggregator.sweep();
    await drain();
    expect(await dayTotals(DAY)).toEqual({ input: 1000, output: 100, requests: 5 });
    expect(await ledgerTotals(DAY)).toEqual({ input: 1000, requests: 5 });

    // Requests logged later that day are kept for the comparison, never added to the total.
    const later = await inbox.accept([request('r3', DAY, 50, 5), request('r4', DAY, 7, 1, 'gpt-4o-mini-unlisted')]);
    await aggregator.fold(later.keys);
    const events = (await store.readAll(0n, 100_000)).length;
    await aggregator.fold(later.keys); // folding again changes nothing
    await aggregator.sweep();
    expect((await store.readAll(0n, 100_000)).length).toBe(events);
    await drain();
    expect(await dayTotals(DAY)).toEqual({ input: 1000, output: 100, requests: 5 });
    expect(await ledgerTotals(DAY)).toEqual({ input: 1000, requests: 5 });

    const page = await new CoverageQueries(db()).coverage(WS, { from: DAY, to: DAY });
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((r) => [r.requestKind, r.status, r.official.totalTokens, r.logged.totalTokens, r.gap.totalTokens, r.gap.units.requests])).toEqual([
      ['openai|gpt-4o-mini-unlisted|chat/completions', 'not-seen', 0, 8, -8, -1],
      ['openai|gpt-4o-mini|chat/completions', 'not-logged', 1100, 385, 715, 2],
    ]);
    const [unlisted, main] = page.items;
    // Money: decimal strings, the gap exactly official − logged.
    expect(main.official.cost).toMatch(/^\d+\.\d+$/);
    expect(main.gap.cost).toBe(new LedgerDecimal(main.official.cost as string).minus(main.logged.cost as string).toFixed());
    expect(main.currency).toBe('USD');
    // A model without a price: no cost, never $0.
    expect(unlisted.logged).toMatchObject({ cost: null, partlyUnpriced: true });
    expect(unlisted.gap.cost).toBeNull();
    // Scoped to the workspace.
    expect((await new CoverageQueries(db()).coverage(OTHER_WS, { from: DAY, to: DAY })).items).toEqual([]);
  });

  it('never records request logs over an account-day the usage API already reported', async () => {
    await record.handle([official(DAY, 1000, 100, 5, '2026-10-06T07:00:00.000Z')]);
    const stored = await inbox.accept([request('r1', DAY, 100, 10)]);
    await aggregator.fold(stored.keys);
    await drain();
    expect(await dayTotals(DAY)).toEqual({ input: 1000, output: 100, requests: 5 });
    expect(await db().query('select official from ingest_aggregates')).toEqual([{ official: true }]);
    // Another day of the same account without official data: the logs are the totals.
    const other = await inbox.accept([request('r2', NEXT, 40, 4)]);
    await aggregator.fold(other.keys);
    await drain();
    expect(await dayTotals(NEXT)).toEqual({ input: 40, output: 4, requests: 1 });
  });

  it('pages by account-day and refuses bad ranges and cursors', async () => {
    await record.handle([official(DAY, 10, 1, 1, '2026-10-06T07:00:00.000Z'), official(NEXT, 20, 2, 2, '2026-10-07T07:00:00.000Z')]);
    const stored = await inbox.accept([request('r1', DAY, 10, 1), request('r2', NEXT, 10, 1)]);
    await aggregator.fold(stored.keys);
    await drain();
    const queries = new CoverageQueries(db());
    const first = await queries.coverage(WS, { from: DAY, to: NEXT, limit: 1 });
    expect(first.items.map((r) => [r.day, r.status])).toEqual([[DAY, 'covered']]);
    expect(first.nextCursor).not.toBeNull();
    const second = await queries.coverage(WS, { from: DAY, to: NEXT, limit: 1, cursor: first.nextCursor as string });
    expect(second.items.map((r) => [r.day, r.status, r.gap.totalTokens])).toEqual([[NEXT, 'not-logged', 11]]);
    expect(second.nextCursor).toBeNull();
    expect((await queries.coverage(WS, { from: DAY, to: NEXT, accountId: '9b7d3c2e-1111-4222-8333-944455556666' })).items).toEqual([]);
    await expect(queries.coverage(WS, { from: NEXT, to: DAY })).rejects.toBeInstanceOf(RequestValidationError);
    await expect(queries.coverage(WS, { from: '2025-01-01', to: NEXT })).rejects.toBeInstanceOf(RequestValidationError);
    await expect(queries.coverage(WS, { from: DAY, to: NEXT, cursor: 'nope' })).rejects.toBeInstanceOf(RequestValidationError);
  });
});
