import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { SQLSTATE, sqlState, type SqlDatabase, type SqlExecutor } from '@act/server/database';
import type { RecordUsageHandler } from '@act/server/usage';
import {
  canonicalJson,
  observeUsage,
  OTHER_UNITS,
  TOKEN_CLASSES,
  type Json,
  type OtherUnits,
  type TokenCounts,
  type UsageKey,
  type UsageObserved,
} from '@act/domain/usage';
import { isOfficialSource, supersededRequestLog, type RequestUsage } from '@act/domain/request-usage';
import { QUANTITY_COLUMN } from './schema';

/** A ledger key of one account: the unit request logs are folded into. */
export interface RequestLogKey {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly day: string;
  readonly requestType: string;
}

/** One request ready for the inbox: the validated record plus where it is counted. */
export interface InboxRequest extends RequestLogKey {
  readonly request: RequestUsage;
  /** The account's provider: the ledger key's provider, whichever format the request came in. */
  readonly provider: string;
}

export interface InboxResult {
  /** Requests stored now. */
  readonly inserted: readonly InboxRequest[];
  /** Requests whose id the account had already sent (or sent twice in this batch): not counted again. */
  readonly duplicates: readonly { readonly request: InboxRequest; readonly sameContent: boolean }[];
  /** Every key the batch touches (inserted or duplicate): those with a pending marker are folded. */
  readonly keys: readonly RequestLogKey[];
}

const COUNT_COLUMNS = [...TOKEN_CLASSES, ...OTHER_UNITS].map((name) => QUANTITY_COLUMN[name]);

export function keyString(key: Pick<RequestLogKey, 'accountId' | 'day' | 'requestType'>): string {
  return JSON.stringify([key.accountId, key.day, key.requestType]);
}

/** What a request's content is for duplicate detection: where it counts and what it counts. */
function contentHash(item: InboxRequest): string {
  const { usage } = item.request;
  const content: Json = {
    day: item.day,
    requestType: item.requestType,
    tokens: { ...usage.tokens },
    units: { ...usage.units },
    reportedCost: usage.reportedCost,
  };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

/**
 * The inbox of per-request usage. `accept` stores a batch in one transaction: the requests
 * not seen before (one row per account and requestId) and a pending marker for every key they
 * touch. Either both are committed or neither: a request is never stored without its marker.
 */
export class RequestInbox {
  constructor(private readonly db: SqlDatabase) {}

  async accept(items: readonly InboxRequest[]): Promise<InboxResult> {
    const byId = new Map<string, InboxRequest>();
    const repeats: InboxRequest[] = [];
    for (const item of items) {
      const id = idOf(item);
      if (byId.has(id)) repeats.push(item);
      else byId.set(id, item);
    }
    // Sorted, so that concurrent batches take the inbox's and the markers' row locks in one order (no deadlock).
    const unique = [...byId.values()].sort((a, b) => compare(idOf(a), idOf(b)));
    const keys = distinctKeys(items);
    if (unique.length === 0) return { inserted: [], duplicates: [], keys };
    const hashes = new Map(items.map((item) => [item, contentHash(item)]));
    const rows = unique.map((item) => {
      const r = item.request;
      const counts: Record<string, number> = {};
      for (const name of TOKEN_CLASSES) counts[QUANTITY_COLUMN[name]] = r.usage.tokens[name];
      for (const name of OTHER_UNITS) counts[QUANTITY_COLUMN[name]] = r.usage.units[name];
      return {
        account_id: item.accountId,
        request_id: r.requestId,
        workspace_id: item.workspaceId,
        day: item.day,
        request_type: item.requestType,
        provider: item.provider,
        model: r.model,
        operation: r.operation,
        service_tier: r.serviceTier,
        context_tier: r.contextTier,
        project: r.project,
        format: r.usage.format,
        requested_at: r.timestamp,
        ...counts,
        reported_cost: r.usage.reportedCost,
        content_hash: hashes.get(item),
        usage: r.raw,
        tags: r.tags,
      };
    });
    const insertedIds = await retryOnDeadlock(() => this.db.transaction(async (tx) => {
      const inserted = await tx.query<{ account_id: string; request_id: string }>(
        `insert into ingest_requests (account_id, request_id, workspace_id, day, request_type, provider, model, operation,
            service_tier, context_tier, project, format, requested_at, ${COUNT_COLUMNS.join(', ')}, reported_cost, content_hash, usage, tags)
         select account_id, request_id, workspace_id, day::date, request_type, provider, model, operation,
            service_tier, context_tier, project, format, requested_at, ${COUNT_COLUMNS.join(', ')}, reported_cost::numeric, content_hash, usage, tags
           from jsonb_to_recordset($1::jsonb) as x(account_id text, request_id text, workspace_id text, day text, request_type text,
             provider text, model text, operation text, service_tier text, context_tier text, project text, format text,
             requested_at text, ${COUNT_COLUMNS.map((c) => `${c} bigint`).join(', ')}, reported_cost text, content_hash text, usage jsonb, tags jsonb)
         on conflict (account_id, request_id) do nothing
         returning account_id, request_id`,
        [JSON.stringify(rows)],
      );
      const ids = new Set(inserted.map((row) => `${row.account_id}|${row.request_id}`));
      const touched = distinctKeys(unique.filter((item) => ids.has(idOf(item)))).sort((a, b) => compare(keyString(a), keyString(b)));
      if (touched.length > 0) {
        await tx.query(
          `insert into ingest_pending (account_id, day, request_type, workspace_id)
           select account_id, day::date, request_type, workspace_id
             from jsonb_to_recordset($1::jsonb) as x(account_id text, day text, request_type text, workspace_id text)
           on conflict (account_id, day, request_type)
           do update set generation = ingest_pending.generation + 1, marked_at = now()`,
          [JSON.stringify(touched.map((k) => ({ account_id: k.accountId, day: k.day, request_type: k.requestType, workspace_id: k.workspaceId })))],
        );
      }
      return ids;
    }));
    const inserted = unique.filter((item) => insertedIds.has(idOf(item)));
    const notInserted = [...unique.filter((item) => !insertedIds.has(idOf(item))), ...repeats];
    const stored = await this.storedHashes(notInserted);
    const duplicates = notInserted.map((item) => ({
      request: item,
      sameContent: stored.get(idOf(item)) === hashes.get(item),
    }));
    return { inserted, duplicates, keys };
  }

  private async storedHashes(items: readonly InboxRequest[]): Promise<Map<string, string>> {
    if (items.length === 0) return new Map();
    const rows = await this.db.query<{ account_id: string; request_id: string; content_hash: string }>(
      `select account_id, request_id, content_hash from ingest_requests
        where (account_id, request_id) in (select a, r from jsonb_to_recordset($1::jsonb) as x(a text, r text))`,
      [JSON.stringify(items.map((item) => ({ a: item.accountId, r: item.request.requestId })))],
    );
    return new Map(rows.map((row) => [`${row.account_id}|${row.request_id}`, row.content_hash]));
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A deadlock between two batches (should not happen with sorted rows) is retried, not answered with a 500. */
async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 3 || ![SQLSTATE.deadlockDetected, SQLSTATE.serializationFailure].includes(sqlState(error) as never)) throw error;
    }
  }
}

function idOf(item: InboxRequest): string {
  return `${item.accountId}|${item.request.requestId}`;
}

function distinctKeys(items: readonly RequestLogKey[]): RequestLogKey[] {
  const keys = new Map<string, RequestLogKey>();
  for (const item of items) {
    const key = keyString(item);
    if (!keys.has(key)) keys.set(key, { workspaceId: item.workspaceId, accountId: item.accountId, day: item.day, requestType: item.requestType });
  }
  return [...keys.values()];
}

// ---------------------------------------------------------------------------------------------

export interface AggregatorOptions {
  /** The clock; tests move it. */
  now?: () => Date;
  /** How old a pending marker must be before the sweep takes it (the request that wrote it is folding it). */
  sweepGraceMs?: number;
  /**
   * Reads a key's current observation and whether its account-day has official usage. When the
   * account's usage API reported the day, that is authoritative: the request-log total is kept
   * in the inbox (for the coverage gap) but does not count in the ledger. Without a reader every
   * total is recorded.
   */
  ledger?: { dayOf(key: UsageKey): Promise<{ current: UsageObserved | undefined; officialDay: boolean }> };
  logger?: Pick<Logger, 'log' | 'warn' | 'error'>;
}

interface SumRow {
  n: string;
  nc: string;
  cost: string;
  provider: string;
  model: string;
  operation: string;
  service_tier: string;
  context_tier: string;
  project: string | null;
  [column: string]: string | null;
}

export interface FoldResult {
  /** The ledger position holding the key's current total (null when nothing was recorded). */
  readonly position: bigint | null;
  /** False when the key is still pending (new requests kept arriving, or recording failed). */
  readonly done: boolean;
}

const MAX_ROUNDS = 4;
const UNDEFINED_TABLE = '42P01';

/**
 * Folds the inbox into the ledger: for a pending key, the day's TOTAL of its requests becomes a
 * `UsageObserved` (source `request-log`) recorded through `RecordUsageHandler`; latest wins, so
 * the new total replaces the previous one and nothing is ever added twice.
 *
 * Crash safety and concurrency, step by step for one key:
 * 1. One transaction locks the key's `ingest_aggregates` row, reads the marker's generation,
 *    sums the inbox rows and allocates an `observedAt` strictly later than any before it.
 *    Inbox rows are only ever inserted, so a later snapshot holds a superset of the requests:
 *    whichever fold (request, sweep, another process) commits this step later carries both the
 *    later `observedAt` and the larger total, and latest-wins keeps exactly that one.
 * 2. The total is recorded (no transaction is held meanwhile: PGlite has one connection).
 *    A crash here leaves the marker: the sweep folds the key again; the same total is a
 *    re-send the ledger drops, a larger one replaces it.
 * 3. The marker is deleted only if its generation is still the one read in step 1; a request
 *    stored meanwhile bumped it, so the key is folded again.
 * When the key's account-day has official usage (the provider's usage API reported it), the
 * official numbers are the totals: on the same key the usage API's observation stays, on any
 * other key the request-log total is recorded as a superseded zero (`ingest_aggregates.official`
 * marks such keys; their requests remain in the inbox for the coverage gap).
 */
export class RequestLogAggregator {
  private readonly now: () => Date;
  private readonly graceMs: number;
  private readonly logger: Pick<Logger, 'log' | 'warn' | 'error'>;
  private readonly ledger: AggregatorOptions['ledger'];
  private sweeping: Promise<number> | null = null;

  constructor(
    private readonly db: SqlDatabase,
    private readonly record: RecordUsageHandler,
    options: AggregatorOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.graceMs = options.sweepGraceMs ?? 10_000;
    this.logger = options.logger ?? new Logger('RequestLog');
    this.ledger = options.ledger;
  }

  /** Folds each of these keys that has a pending marker; returns each key's ledger position. */
  async fold(keys: readonly RequestLogKey[]): Promise<Map<string, FoldResult>> {
    const out = new Map<string, FoldResult>();
    for (const key of keys) {
      try {
        out.set(keyString(key), await this.foldKey(key));
      } catch (error) {
        // The key keeps its marker: the sweep folds it later. Other keys go on.
        this.logger.error(`Folding ${keyString(key)} failed; the sweep retries it: ${(error as Error).stack ?? error}`);
        out.set(keyString(key), { position: null, done: false });
      }
    }
    return out;
  }

  /** The last ledger position recorded for these keys (for answers to batches of duplicates). */
  async positions(keys: readonly RequestLogKey[]): Promise<bigint> {
    if (keys.length === 0) return 0n;
    const [row] = await this.db.query<{ position: string | null }>(
      `select max(position)::text as position from ingest_aggregates
        where (account_id, day, request_type) in (select a, d::date, t from jsonb_to_recordset($1::jsonb) as x(a text, d text, t text))`,
      [JSON.stringify(keys.map((k) => ({ a: k.accountId, d: k.day, t: k.requestType })))],
    );
    return BigInt(row?.position ?? '0');
  }

  async foldKey(key: RequestLogKey): Promise<FoldResult> {
    let position: bigint | null = null;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const step = await this.db.transaction((tx) => this.snapshot(tx, key));
      if (step === null) return { position: position ?? (await this.positions([key])), done: true };
      if (step.event !== null) {
        const day = await this.ledger?.dayOf(step.event.data);
        const official = day?.current && isOfficialSource(day.current.data.source) ? day.current : undefined;
        // The provider's own usage API outranks what clients logged: on the same key its
        // observation stays; on another key of an account-day it reported, the request-log total
        // is replaced by a superseded (zero) one, so the day is never counted twice.
        const event = official ?? (day?.officialDay ? superseded(step.event) : step.event);
        const recorded = await this.record.handle([event]);
        position = recorded.position;
        if (official || day?.officialDay) {
          await this.db.query(
            `update ingest_aggregates set official = true where account_id = $1 and day = $2::date and request_type = $3`,
            [key.accountId, key.day, key.requestType],
          );
        }
      }
      const finished = await this.db.transaction(async (tx) => {
        if (position !== null) {
          await tx.query(
            `update ingest_aggregates set position = greatest(coalesce(position, 0), $4::bigint)
              where account_id = $1 and day = $2::date and request_type = $3`,
            [key.accountId, key.day, key.requestType, position.toString()],
          );
        }
        const deleted = await tx.query(
          `delete from ingest_pending where account_id = $1 and day = $2::date and request_type = $3 and generation = $4::bigint returning 1`,
          [key.accountId, key.day, key.requestType, step.generation],
        );
        return deleted.length > 0;
      });
      if (finished) return { position, done: true };
    }
    return { position, done: false };
  }

  /** Step 1: under the key's lock, the total and its observedAt; null when the key is not pending. */
  private async snapshot(tx: SqlExecutor, key: RequestLogKey): Promise<{ generation: string; event: UsageObserved | null } | null> {
    await tx.query(
      `insert into ingest_aggregates (account_id, day, request_type, workspace_id, observed_at)
       values ($1, $2::date, $3, $4, '') on conflict (account_id, day, request_type) do nothing`,
      [key.accountId, key.day, key.requestType, key.workspaceId],
    );
    const [aggregate] = await tx.query<{ observed_at: string }>(
      `select observed_at from ingest_aggregates where account_id = $1 and day = $2::date and request_type = $3 for update`,
      [key.accountId, key.day, key.requestType],
    );
    const [pending] = await tx.query<{ generation: string }>(
      `select generation::text as generation from ingest_pending where account_id = $1 and day = $2::date and request_type = $3`,
      [key.accountId, key.day, key.requestType],
    );
    if (!pending) return null;
    const [sum] = await tx.query<SumRow>(
      `select count(*)::text as n, count(reported_cost)::text as nc, coalesce(sum(reported_cost), 0)::text as cost,
              min(provider) as provider, min(model) as model, min(operation) as operation, min(service_tier) as service_tier,
              min(context_tier) as context_tier, min(project) as project,
              ${COUNT_COLUMNS.map((c) => `coalesce(sum(${c}), 0)::text as ${c}`).join(', ')}
         from ingest_requests where account_id = $1 and day = $2::date and request_type = $3`,
      [key.accountId, key.day, key.requestType],
    );
    const requests = Number(sum.n);
    if (requests === 0) return { generation: pending.generation, event: null };
    const now = this.now().toISOString();
    const observedAt = latest([now, `${key.day}T00:00:00.000Z`, aggregate.observed_at === '' ? '' : plusOneMs(aggregate.observed_at)]);
    const final = observedAt >= `${nextDay(key.day)}T00:00:00.000Z`;
    const count = (column: string): number => {
      const value = Number(sum[column]);
      if (!Number.isSafeInteger(value)) throw new RangeError(`The ${column} total of ${keyString(key)} cannot be counted exactly.`);
      return value;
    };
    const tokens = Object.fromEntries(TOKEN_CLASSES.map((name) => [name, count(QUANTITY_COLUMN[name])])) as unknown as TokenCounts;
    const units = Object.fromEntries(OTHER_UNITS.map((name) => [name, count(QUANTITY_COLUMN[name])])) as unknown as OtherUnits;
    const costed = Number(sum.nc);
    const observed = observeUsage({
      workspaceId: key.workspaceId,
      accountId: key.accountId,
      day: key.day,
      provider: sum.provider,
      model: sum.model,
      operation: sum.operation,
      serviceTier: sum.service_tier,
      contextTier: sum.context_tier,
      project: sum.project,
      tokens,
      units,
      raw: { requests, requestsWithBilledCost: costed, billedCostOfThose: sum.cost },
      source: 'request-log',
      observedAt,
      final,
      reportedCost: costed === requests ? { amount: sum.cost, currency: 'USD' } : null,
    });
    if (!observed.ok) throw new Error(`The request log of ${keyString(key)} does not make a valid observation: ${JSON.stringify(observed.problems)}`);
    if (observed.value.data.requestType !== key.requestType) throw new Error(`Inbox rows of ${keyString(key)} do not rebuild their requestType.`);
    await tx.query(
      `update ingest_aggregates set observed_at = $4, final = $5, requests = $6 where account_id = $1 and day = $2::date and request_type = $3`,
      [key.accountId, key.day, key.requestType, observedAt, final, requests],
    );
    const event = { ...observed.value, metadata: { at: now, by: 'request-log' } } as UsageObserved;
    return { generation: pending.generation, event };
  }

  /**
   * Folds every pending key whose marker is older than the grace period (left by a crash, or
   * by a request that could not record its totals), after marking the keys of days that have
   * ended since their last total so that it becomes final. Returns how many keys it folded.
   * One sweep at a time per process; several processes may sweep at once safely.
   */
  sweep(options: { graceMs?: number } = {}): Promise<number> {
    this.sweeping ??= this.runSweep(options.graceMs ?? this.graceMs).finally(() => (this.sweeping = null));
    return this.sweeping;
  }

  /** Resolves when no sweep is running. */
  async idle(): Promise<void> {
    await this.sweeping?.catch(() => undefined);
  }

  /**
   * Keys whose request-log total is in the ledger while their account-day has official usage
   * (the sync came after the requests were folded) are marked, so the fold replaces the total
   * by a superseded one. The read model only points at candidates; the fold decides on the
   * ledger's streams. `official` is set once a key's fold saw the official day.
   */
  private async markOfficialDays(): Promise<void> {
    await this.db.query(
      `insert into ingest_pending (account_id, day, request_type, workspace_id, marked_at)
       select a.account_id, a.day, a.request_type, a.workspace_id, '-infinity'::timestamptz
         from ingest_aggregates a
        where not a.official and a.requests > 0
          and exists (select 1 from usage_latest u
                       where u.workspace_id = a.workspace_id and u.day = a.day and u.account_id = a.account_id and u.source = 'usage-api')
       on conflict (account_id, day, request_type) do nothing`,
    ).catch((error: unknown) => {
      // Before the ledger's read model exists (first start, a rebuild's switch) there is nothing to compare with.
      if (sqlState(error) !== UNDEFINED_TABLE) throw error;
    });
  }

  private async runSweep(graceMs: number): Promise<number> {
    const today = this.now().toISOString().slice(0, 10);
    await this.db.query(
      `insert into ingest_pending (account_id, day, request_type, workspace_id, marked_at)
       select account_id, day, request_type, workspace_id, '-infinity'::timestamptz from ingest_aggregates
        where not final and day < $1::date and requests > 0
       on conflict (account_id, day, request_type) do nothing`,
      [today],
    );
    if (this.ledger) await this.markOfficialDays();
    let folded = 0;
    for (;;) {
      const keys = await this.db.query<{ account_id: string; day: string; request_type: string; workspace_id: string }>(
        `select account_id, day::text as day, request_type, workspace_id from ingest_pending
          where marked_at <= now() - make_interval(secs => $1::double precision / 1000)
          order by marked_at, account_id, day, request_type limit 200`,
        [graceMs],
      );
      let progressed = false;
      for (const row of keys) {
        try {
          const result = await this.foldKey({ accountId: row.account_id, day: row.day, requestType: row.request_type, workspaceId: row.workspace_id });
          if (result.done) {
            folded += 1;
            progressed = true;
          }
        } catch (error) {
          this.logger.error(`Folding ${row.account_id} ${row.day} ${row.request_type} failed, retried on the next sweep: ${(error as Error).stack ?? error}`);
        }
      }
      if (keys.length < 200 || !progressed) return folded;
    }
  }
}

/** The request-log total of a key whose account-day the usage API reported: zero, same key and instant. */
function superseded(event: UsageObserved): UsageObserved {
  const zero = supersededRequestLog();
  const d = event.data;
  const observed = observeUsage({
    workspaceId: d.workspaceId,
    accountId: d.accountId,
    day: d.day,
    provider: d.provider,
    model: d.model,
    operation: d.operation,
    serviceTier: d.serviceTier,
    contextTier: d.contextTier,
    project: d.project ?? null,
    tokens: zero.tokens,
    units: zero.units,
    raw: zero.raw,
    source: 'request-log',
    observedAt: d.observedAt,
    final: d.final,
    reportedCost: null,
  });
  if (!observed.ok) throw new Error(`A superseded request-log total is not a valid observation: ${JSON.stringify(observed.problems)}`);
  return { ...observed.value, metadata: (event as { metadata?: unknown }).metadata } as UsageObserved;
}

function latest(instants: readonly string[]): string {
  return instants.reduce((a, b) => (b > a ? b : a));
}

function plusOneMs(instant: string): string {
  return new Date(Date.parse(instant) + 1).toISOString();
}

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + 86_400_000).toISOString().slice(0, 10);
}
