import type { SqlExecutor } from '@act/server/database';
import type { RecordedEvent } from '@act/server/event-store';
import type { Projection, ProjectionContext } from '@act/server/projections';
import { PRICE_SET, type PriceCatalogue, type PriceSetData } from '@act/domain/pricing';
import {
  COST_REPORTED,
  COST_VERSION_ACTIVATED,
  foldLatest,
  parseLineItem,
  PERIOD_CLOSED,
  RECOMPUTE_STARTED,
  USAGE_OBSERVED,
  type CostReported,
  type CostVersionActivatedData,
  type PeriodClosedData,
  type RecomputeStartedData,
  type UsageLedgerEvent,
  type UsageObserved,
} from '@act/domain/usage';
import { priceLedgerUsage, type LedgerPricedUsage } from './ledger-pricing';
import { chainPriceSets, loadPriceCatalogue, PRICE_CHAIN_START } from './price-catalogue-cache';
import { repriceRows, selectScopeRows, withoutJit, type RepricedRow } from './repricing';
import { hasStagedRows, STAGED_INPUT_SQL } from './recompute-staging';

/**
 * The usage ledger's read model, in one projection so that every figure comes from one
 * consistent prefix of the log (usage, prices, cost versions and period closes interact):
 *
 * - `usage_latest`, `cost_latest`: the current observation per usage key and per billed line
 *   (latest wins, decided exactly like the domain's `compareLatest`, in SQL as in the batch, so
 *   any arrival order gives the same rows and a replayed event changes nothing).
 * - `price_versions` (+ `price_book_meta`): every `PriceSet`, with its position; the price
 *   book is rebuilt from it (see price-catalogue-cache.ts).
 * - `cost_estimates`: the estimated cost of every usage row, versioned SCD-2 style
 *   (`valid_from` ≤ v < `valid_to`): a row is written only when its figures change. New and
 *   revised usage is priced at once with the PriceSets before it in the log and written into
 *   the workspace's current version; a price change reaches existing rows through a recompute
 *   (`RecomputeStarted` … `CostVersionActivated`), which writes the changed rows into a new
 *   version and leaves the old one as it was.
 * - `cost_workspaces`, `cost_versions`, `cost_version_deltas`: the current version per
 *   workspace, every version (cause, who, when) and the difference it made per month, account
 *   and model.
 * - `period_closes`, `period_close_rows`, `period_close_billed`: what a closed month reported.
 *
 * Money is NUMERIC, written from decimal strings: never a JS number.
 *
 * Keys lead with (workspace_id, day): every query is a workspace's day range, and every write
 * looks a row up by its full key. One index serves both, so the plans stay right on PGlite,
 * which never gathers planner statistics (no autovacuum): with a second (workspace_id, day)
 * index it probed that one and filtered every key of the day, which made ingestion quadratic.
 */
export const usageLedgerProjection: Projection = {
  name: 'usage_ledger',
  // v6: a manual entry's estimate is `manual` (was `unpriced` when its model had no price, e.g.
  // an amount-only subscription; `pending` on its own day): see ledger-pricing.ts. Stored
  // statuses and month-group counts change, so existing read models are rebuilt.
  // v7: a manual entry with an amount is estimated at that amount (was: priced from its
  // quantities, or null), with an "entered amount" cost line: see ledger-pricing.ts. Stored
  // estimates, month-group sums and details change, so existing read models are rebuilt.
  version: 7,
  tables: [
    'usage_latest',
    'cost_latest',
    'price_versions',
    'price_book_meta',
    'cost_estimates',
    'cost_month_groups',
    'cost_workspaces',
    'cost_versions',
    'cost_version_deltas',
    'period_closes',
    'period_close_rows',
    'period_close_billed',
  ],
  eventTypes: [USAGE_OBSERVED, COST_REPORTED, PRICE_SET, RECOMPUTE_STARTED, COST_VERSION_ACTIVATED, PERIOD_CLOSED],

  async setup(tx: SqlExecutor) {
    for (const statement of SCHEMA) await tx.query(statement);
  },

  async apply(tx: SqlExecutor, events: readonly RecordedEvent[], context: ProjectionContext) {
    // Events are applied in log order; runs of ledger events and of PriceSets go set-based.
    // A run of ledger events is priced with the PriceSets applied before it, i.e. exactly the
    // ones earlier in the log.
    // Statistics: live, the tables are analyzed as they grow (see keepPlannerStatistics). A
    // replay only counts its rows and analyzes where a plan depends on them: before the
    // statements that join the big tables (versions past the first, activation, period close)
    // and when readers switch over (beforeSwitch). A 200k-event rebuild went from 10 ANALYZEs to 1 (12.7 → 12.0 s).
    const deferStatistics = context.rebuilding;
    let written = 0;
    const statisticsForJoins = async () => {
      await keepPlannerStatistics(tx, written, { analyze: true });
      written = 0;
    };
    for (const run of runs(events)) {
      if (run.kind === 'ledger') {
        // Not `written += await …`: the callback may reset `written` while the call runs.
        const rows = await applyLedger(tx, run.events, deferStatistics ? statisticsForJoins : undefined);
        written += rows;
      }
      else if (run.kind === 'price') await applyPriceSets(tx, run.events);
      else {
        if (deferStatistics) await statisticsForJoins();
        if (run.events[0].type === RECOMPUTE_STARTED) await applyRecomputeStarted(tx, run.events[0]);
        else if (run.events[0].type === COST_VERSION_ACTIVATED) await applyActivation(tx, run.events[0]);
        else if (run.events[0].type === PERIOD_CLOSED) await applyPeriodClosed(tx, run.events[0]);
        // Any other type (the runner filters by eventTypes; a hand-run replay may not) changes nothing.
      }
    }
    if (written > 0) await keepPlannerStatistics(tx, written, { analyze: !deferStatistics });
  },

  async beforeSwitch(tx: SqlExecutor) {
    // Readers are about to use tables the replay never analyzed (or not since its last join).
    await keepPlannerStatistics(tx, 0, { analyze: 'if-written' });
  },
};

/**
 * `cost_month_groups`: `cost_estimates` summed per month, account, provider, model and project,
 * per version range (`valid_from`, `valid_to`), so the month summary reads a few hundred groups
 * instead of every usage row of the month (24,800 in the benchmark's month). Every row of a
 * group shares its version range, so "the month as version v saw it" is the groups whose range
 * holds v, exactly as for the rows.
 *
 * Kept by statement-level triggers on `cost_estimates` (transition tables): whatever writes an
 * estimate (new usage, a revision, a version's close, an activation), the groups move in the
 * same statement and transaction, so they can never disagree with the rows. An update moves a
 * row's contribution: minus its old values, plus its new ones; a group left with no rows is
 * deleted (found through a partial index that holds only such groups, so it costs nothing).
 */
const MONTH_GROUP_KEY = `workspace_id, month, account_id, provider, model, coalesce(project, ''), valid_from, coalesce(valid_to, 0)`;

function monthGroupsDelta(sources: readonly { readonly rows: 'new_rows' | 'old_rows'; readonly sign: 1 | -1 }[]): string {
  const changes = sources
    .map(({ rows, sign }) => `select ${sign} as sign, workspace_id, day, account_id, provider, model, project, valid_from, valid_to, estimated, status from ${rows}`)
    .join(' union all ');
  const counted = (status: string) => `sum(case when status = '${status}' then sign else 0 end)`;
  return `insert into cost_month_groups as g
    select workspace_id, date_trunc('month', day)::date, account_id, provider, model, project, valid_from, valid_to,
           sum(sign * coalesce(estimated, 0)), sum(sign), ${counted('estimated')}, ${counted('manual')},
           ${counted('unpriced')}, ${counted('pending')}
      from (${changes}) c
     group by workspace_id, date_trunc('month', day), account_id, provider, model, project, valid_from, valid_to
    on conflict (${MONTH_GROUP_KEY}) do update set
      estimated = g.estimated + excluded.estimated, n_rows = g.n_rows + excluded.n_rows,
      n_estimated = g.n_estimated + excluded.n_estimated, n_manual = g.n_manual + excluded.n_manual,
      n_unpriced = g.n_unpriced + excluded.n_unpriced, n_pending = g.n_pending + excluded.n_pending`;
}

function monthGroupsTrigger(operation: 'insert' | 'update' | 'delete'): string[] {
  const sources =
    operation === 'insert'
      ? [{ rows: 'new_rows', sign: 1 } as const]
      : operation === 'delete'
        ? [{ rows: 'old_rows', sign: -1 } as const]
        : [{ rows: 'new_rows', sign: 1 } as const, { rows: 'old_rows', sign: -1 } as const];
  const transition = sources.map((s) => `${s.rows === 'new_rows' ? 'new' : 'old'} table as ${s.rows}`).join(' ');
  return [
    // search_path pinned to this version's schema: the function writes this version's groups.
    `create function cost_month_groups_after_${operation}() returns trigger language plpgsql set search_path from current as $$
     begin
       ${monthGroupsDelta(sources)};
       delete from cost_month_groups where n_rows = 0;
       return null;
     end $$`,
    `create trigger cost_month_groups_${operation} after ${operation} on cost_estimates
       referencing ${transition} for each statement execute function cost_month_groups_after_${operation}()`,
  ];
}

const MONTH_GROUPS_SCHEMA = [
  `create table cost_month_groups (
     workspace_id text not null,
     month date not null,
     account_id text not null,
     provider text not null,
     model text not null,
     project text,
     valid_from integer not null,
     valid_to integer,
     estimated numeric not null,
     n_rows integer not null,
     n_estimated integer not null,
     n_manual integer not null,
     n_unpriced integer not null,
     n_pending integer not null
   )`,
  `create unique index cost_month_groups_key on cost_month_groups (${MONTH_GROUP_KEY})`,
  'create index cost_month_groups_empty on cost_month_groups (workspace_id) where n_rows = 0',
  ...monthGroupsTrigger('insert'),
  ...monthGroupsTrigger('update'),
  ...monthGroupsTrigger('delete'),
];

const SCHEMA = [
  `create table usage_latest (
     workspace_id text not null,
     account_id text not null,
     day date not null,
     request_type text not null,
     provider text not null,
     model text not null,
     operation text not null,
     service_tier text not null,
     context_tier text not null,
     project text,
     input_uncached bigint not null,
     input_cached_read bigint not null,
     cache_write_5m bigint not null,
     cache_write_1h bigint not null,
     output bigint not null,
     reasoning bigint not null,
     requests bigint not null,
     images bigint not null,
     audio_seconds bigint not null,
     characters bigint not null,
     search_queries bigint not null,
     web_search_calls bigint not null,
     reported_cost numeric,
     -- The provider's numbers as received: handed back by the audit drill-down, never queried
     -- into, so json (stored as given) rather than jsonb (converted on every write).
     raw json,
     source text not null,
     final boolean not null,
     observed_at text collate "C" not null,
     event_id text collate "C" not null,
     position bigint not null,
     primary key (workspace_id, day, account_id, request_type)
   )`,
  `create table cost_latest (
     workspace_id text not null,
     account_id text not null,
     day date not null,
     line_item text not null,
     provider text not null,
     project text,
     amount numeric not null,
     currency text not null,
     raw json,
     source text not null,
     final boolean not null,
     observed_at text collate "C" not null,
     event_id text collate "C" not null,
     position bigint not null,
     primary key (workspace_id, day, account_id, line_item)
   )`,
  `create table price_versions (
     position bigint primary key,
     price_set_id text not null unique,
     provider text not null,
     model text not null,
     effective_from date not null,
     source text not null,
     workspace_id text,
     set_by text,
     catalogue_key text,
     supersedes text,
     data jsonb not null,
     recorded_at timestamptz not null
   )`,
  // Billed amounts that arrive with usage (per-request costs: OpenRouter, Perplexity): the month's
  // reconciled figure reads only those rows, not every usage row of the month (RECONCILED_SQL).
  'create index usage_latest_reported on usage_latest (workspace_id, day) where reported_cost is not null',
  'create index price_versions_identity on price_versions (provider, model, position)',
  `create table price_book_meta (chain text not null, last_position bigint not null)`,
  `create table ledger_stats (written_since bigint not null, rows_at_last_analyze bigint not null)`,
  `insert into ledger_stats values (0, 0)`,
  `insert into price_book_meta values ('${PRICE_CHAIN_START}', 0)`,
  `create table cost_estimates (
     workspace_id text not null,
     account_id text not null,
     day date not null,
     request_type text not null,
     valid_from integer not null,
     valid_to integer,
     provider text not null,
     model text not null,
     project text,
     usage_event_id text not null,
     estimated_at bigint not null,
     status text not null check (status in ('estimated', 'unpriced', 'pending', 'manual')),
     estimated numeric,
     price_set_id text,
     price_provider text,
     price_model text,
     match text,
     note text,
     -- json, not jsonb: it is only stored and handed back, never queried into, and converting
     -- every estimate's lines to jsonb was ~30% of writing the row (docs/benchmarks.md, "Floors").
     detail json not null,
     primary key (workspace_id, day, account_id, request_type, valid_from),
     check (valid_to is null or valid_to > valid_from)
   )`,
  `create unique index cost_estimates_current on cost_estimates (workspace_id, day, account_id, request_type)
     where valid_to is null`,
  ...MONTH_GROUPS_SCHEMA,
  `create table cost_workspaces (
     workspace_id text primary key,
     current_version integer not null,
     based_on bigint not null
   )`,
  `create table cost_versions (
     workspace_id text not null,
     version integer not null,
     recompute_id text not null unique,
     from_version integer not null,
     status text not null check (status in ('running', 'active', 'superseded')),
     causes jsonb not null,
     reason text,
     requested_by text,
     requested_at text not null,
     started_position bigint not null,
     activated_at text,
     activated_position bigint,
     rows_changed integer,
     delta numeric,
     primary key (workspace_id, version)
   )`,
  `create table cost_version_deltas (
     workspace_id text not null,
     version integer not null,
     month text not null,
     account_id text not null,
     provider text not null,
     model text not null,
     rows integer not null,
     before numeric not null,
     after numeric not null,
     delta numeric not null,
     became_unpriced integer not null,
     became_priced integer not null,
     primary key (workspace_id, version, month, account_id, provider, model)
   )`,
  `create table period_closes (
     workspace_id text not null,
     month text not null,
     version integer not null,
     closed_by text,
     closed_at text not null,
     position bigint not null,
     primary key (workspace_id, month)
   )`,
  `create table period_close_rows (
     workspace_id text not null,
     month text not null,
     account_id text not null,
     day date not null,
     request_type text not null,
     provider text not null,
     model text not null,
     project text,
     status text not null,
     estimated numeric,
     reported_cost numeric,
     primary key (workspace_id, month, day, account_id, request_type)
   )`,
  `create table period_close_billed (
     workspace_id text not null,
     month text not null,
     account_id text not null,
     day date not null,
     line_item text not null,
     provider text not null,
     project text,
     amount numeric not null,
     final boolean not null,
     primary key (workspace_id, month, day, account_id, line_item)
   )`,
];

type Run =
  | { kind: 'ledger'; events: RecordedEvent[] }
  | { kind: 'price'; events: RecordedEvent[] }
  | { kind: 'single'; events: [RecordedEvent] };

function* runs(events: readonly RecordedEvent[]): Iterable<Run> {
  let current: Run | null = null;
  for (const event of events) {
    const kind = event.type === USAGE_OBSERVED || event.type === COST_REPORTED ? 'ledger' : event.type === PRICE_SET ? 'price' : 'single';
    if (current && current.kind === kind && kind !== 'single') {
      current.events.push(event);
      continue;
    }
    if (current) yield current;
    current = kind === 'single' ? { kind, events: [event] } : { kind, events: [event] };
  }
  if (current) yield current;
}

// ---------------------------------------------------------------------------------------------
// Usage and billed costs

/** `beforeJoin`, when given, runs before a statement that joins the big tables (for their statistics). */
async function applyLedger(tx: SqlExecutor, events: readonly RecordedEvent[], beforeJoin?: () => Promise<void>): Promise<number> {
  const positions = new Map(events.map((e) => [e.id, e.globalPosition]));
  // One winner per key within the batch: an upsert may not touch the same row twice.
  const winners = [...foldLatest(events.map((e) => ({ id: e.id, type: e.type, data: e.data }) as UsageLedgerEvent)).values()];
  const usage = winners.filter((e): e is UsageObserved => e.type === USAGE_OBSERVED);
  const costs = winners.filter((e): e is CostReported => e.type === COST_REPORTED);
  if (usage.length > 0) {
    // Neither the prices nor the workspaces' versions depend on the upsert below: read them first.
    const catalogue = await loadPriceCatalogue(tx);
    const versions = await currentVersions(tx, usage);
    const upserted = tx.query<{ event_id: string }>(
      `insert into usage_latest
       select workspace_id, account_id, day, request_type, provider, model, operation, service_tier, context_tier, project,
              input_uncached, input_cached_read, cache_write_5m, cache_write_1h, output, reasoning,
              requests, images, audio_seconds, characters, search_queries, web_search_calls,
              reported_cost, raw, source, final, observed_at, event_id, position
         from json_to_recordset($1::json) as r(
              workspace_id text, account_id text, day date, request_type text, provider text, model text,
              operation text, service_tier text, context_tier text, project text,
              input_uncached bigint, input_cached_read bigint, cache_write_5m bigint, cache_write_1h bigint,
              output bigint, reasoning bigint, requests bigint, images bigint, audio_seconds bigint,
              characters bigint, search_queries bigint, web_search_calls bigint, reported_cost numeric, raw json,
              source text, final boolean, observed_at text, event_id text, position bigint)
       on conflict (workspace_id, account_id, day, request_type) do update set
         provider = excluded.provider, model = excluded.model, operation = excluded.operation,
         service_tier = excluded.service_tier, context_tier = excluded.context_tier, project = excluded.project,
         input_uncached = excluded.input_uncached, input_cached_read = excluded.input_cached_read,
         cache_write_5m = excluded.cache_write_5m, cache_write_1h = excluded.cache_write_1h,
         output = excluded.output, reasoning = excluded.reasoning, requests = excluded.requests,
         images = excluded.images, audio_seconds = excluded.audio_seconds, characters = excluded.characters,
         search_queries = excluded.search_queries, web_search_calls = excluded.web_search_calls,
         reported_cost = excluded.reported_cost, raw = excluded.raw, source = excluded.source, final = excluded.final,
         observed_at = excluded.observed_at, event_id = excluded.event_id, position = excluded.position
       where (excluded.observed_at, excluded.event_id) > (usage_latest.observed_at, usage_latest.event_id)
       returning event_id`,
      [JSON.stringify(usage.map((e) => usageRow(e, positions.get(e.id))))],
    );
    // Awaited below; this only keeps a failure from counting as unhandled while we price.
    upserted.catch(() => undefined);
    // While PostgreSQL upserts (its own process, on the other core), price every winner and
    // serialise its estimate: most become current. Pricing after the upsert left one of the two
    // idle while the other worked (a 200k rebuild: ~2 s of pricing and JSON, ~2 s of upsert).
    const estimates = await inSlices(usage, (e) => {
      const row = { ...estimateRow(e, positions.get(e.id) ?? 0n, catalogue), current_version: versions.get(e.data.workspaceId) ?? 1 };
      return { id: e.id, row, json: JSON.stringify(row) };
    });
    // Only observations that became current are written: a stale or replayed one changed nothing.
    const current = new Set((await upserted).map((r) => r.event_id));
    const priced = estimates.filter((e) => current.has(e.id));
    if (priced.length > 0) await writeUsageEstimates(tx, priced, beforeJoin);
  }
  if (costs.length > 0) {
    await tx.query(
      `insert into cost_latest
       select workspace_id, account_id, day, line_item, provider, project, amount, currency, raw, source, final,
              observed_at, event_id, position
         from json_to_recordset($1::json) as r(
              workspace_id text, account_id text, day date, line_item text, provider text, project text, amount numeric,
              currency text, raw json, source text, final boolean, observed_at text, event_id text, position bigint)
       on conflict (workspace_id, account_id, day, line_item) do update set
         provider = excluded.provider, project = excluded.project, amount = excluded.amount,
         currency = excluded.currency, raw = excluded.raw, source = excluded.source, final = excluded.final,
         observed_at = excluded.observed_at, event_id = excluded.event_id, position = excluded.position
       where (excluded.observed_at, excluded.event_id) > (cost_latest.observed_at, cost_latest.event_id)`,
      [JSON.stringify(costs.map((e) => costRow(e, positions.get(e.id))))],
    );
  }
  return usage.length + costs.length;
}

/**
 * ANALYZE the growing tables now and then, as autovacuum would on a PostgreSQL server. PGlite
 * has no autovacuum, so without this its planner keeps believing the tables are nearly empty
 * and joins a batch against a whole table per row (measured: 6,000 rows, 8.5 s for one
 * 500-row batch; ingestion and recomputes became quadratic). Runs when the rows written since
 * the last ANALYZE exceed 1,000 + the table's size then: the tables are analyzed each time they
 * double, so the planner's idea of their size is never off by more than a factor of two and
 * the total cost of analyzing stays about twice that of analyzing the final table once.
 */
async function keepPlannerStatistics(
  tx: SqlExecutor,
  written: number,
  /** `true`: when the tables have doubled; `false`: only count; `if-written`: whenever rows were written since. */
  options: { analyze: boolean | 'if-written' },
): Promise<void> {
  const [stats] = await tx.query<{ written_since: string; rows_at_last_analyze: string }>(
    'update ledger_stats set written_since = written_since + $1 returning written_since::text, rows_at_last_analyze::text',
    [written],
  );
  if (!stats || !options.analyze) return;
  const since = Number(stats.written_since);
  const due = options.analyze === 'if-written' ? since > 0 : since > 1000 + Number(stats.rows_at_last_analyze);
  if (!due) return;
  await tx.query('analyze usage_latest, cost_latest, cost_estimates, cost_month_groups');
  await tx.query(
    `update ledger_stats set written_since = 0,
            rows_at_last_analyze = (select greatest(reltuples, 0)::bigint from pg_class where oid = 'cost_estimates'::regclass)`,
  );
}

interface EstimateRow {
  workspace_id: string;
  account_id: string;
  day: string;
  request_type: string;
  provider: string;
  model: string;
  project: string | null;
  usage_event_id: string;
  estimated_at: string;
  status: string;
  estimated: string | null;
  price_set_id: string | null;
  price_provider: string | null;
  price_model: string | null;
  match: string | null;
  note: string | null;
  detail: unknown;
}

function estimateRow({ id, data }: UsageObserved, position: bigint, catalogue: PriceCatalogue): EstimateRow {
  return {
    workspace_id: data.workspaceId,
    account_id: data.accountId,
    day: data.day,
    request_type: data.requestType,
    provider: data.provider,
    model: data.model,
    project: data.project ?? null,
    usage_event_id: id,
    estimated_at: String(position),
    ...pricedColumns(priceLedgerUsage({ ...data, billedAmount: data.reportedCost?.amount ?? null }, catalogue)),
  };
}

function pricedColumns(priced: LedgerPricedUsage) {
  return {
    status: priced.status,
    estimated: priced.estimated,
    price_set_id: priced.priceSetId,
    price_provider: priced.priceProvider,
    price_model: priced.priceModel,
    match: priced.match,
    note: priced.note,
    detail: priced.detail,
  };
}

const ESTIMATE_RECORD = `workspace_id text, account_id text, day date, request_type text, provider text, model text,
  project text, usage_event_id text, estimated_at bigint, status text, estimated numeric, price_set_id text,
  price_provider text, price_model text, match text, note text, detail json`;
const ESTIMATE_COLUMNS = `workspace_id, account_id, day, request_type, provider, model, project, usage_event_id,
  estimated_at, status, estimated, price_set_id, price_provider, price_model, match, note, detail`;

/** The current cost version of each workspace the events name (1 until a recompute activates). */
async function currentVersions(tx: SqlExecutor, usage: readonly UsageObserved[]): Promise<Map<string, number>> {
  const workspaces = [...new Set(usage.map((e) => e.data.workspaceId))];
  const rows = await tx.query<{ workspace_id: string; current_version: number }>(
    'select workspace_id, current_version from cost_workspaces where workspace_id = any($1::text[])',
    [workspaces],
  );
  return new Map(rows.map((r) => [r.workspace_id, r.current_version]));
}

/**
 * `map` over `items` in slices, yielding to the event loop between them: a query sent just
 * before goes on being written to its socket (a batch's parameter is megabytes) instead of
 * waiting until the whole loop is done.
 */
async function inSlices<T, R>(items: readonly T[], map: (item: T) => R, slice = 500): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += slice) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const item of items.slice(i, i + slice)) out.push(map(item));
  }
  return out;
}

interface VersionedEstimate {
  readonly row: EstimateRow & { readonly current_version: number };
  /** `row` as JSON, made while the usage upsert ran. */
  readonly json: string;
}

/**
 * Writes re-priced usage into each workspace's current version: a row that belongs to an
 * earlier version too is closed there (so that version keeps what it said) and a new row is
 * started; a row that started in the current version is updated in place.
 */
async function writeUsageEstimates(tx: SqlExecutor, estimates: readonly VersionedEstimate[], beforeJoin?: () => Promise<void>): Promise<void> {
  const input = `[${estimates.map((e) => e.json).join(',')}]`;
  const versioned = estimates.map((e) => e.row);
  // Only a workspace past its first version can hold a row from an earlier version to close.
  // Most batches (every one of a rebuild until the first activation) have none: skip the
  // statement instead of probing the index once per row for nothing.
  const closable = versioned.filter((r) => r.current_version > 1);
  if (closable.length > 0) {
    await beforeJoin?.();
    await tx.query(
      `update cost_estimates e set valid_to = r.current_version
         from json_to_recordset($1::json) as r(workspace_id text, day date, account_id text, request_type text, current_version integer)
        where e.workspace_id = r.workspace_id and e.day = r.day and e.account_id = r.account_id
          and e.request_type = r.request_type and e.valid_to is null and e.valid_from < r.current_version`,
      [JSON.stringify(closable.map(({ workspace_id, day, account_id, request_type, current_version }) => ({ workspace_id, day, account_id, request_type, current_version })))],
    );
  }
  await tx.query(
    `insert into cost_estimates (${ESTIMATE_COLUMNS}, valid_from)
     select ${ESTIMATE_COLUMNS}, current_version
       from json_to_recordset($1::json) as r(${ESTIMATE_RECORD}, current_version integer)
     on conflict (workspace_id, day, account_id, request_type, valid_from) do update set
       provider = excluded.provider, model = excluded.model, project = excluded.project,
       usage_event_id = excluded.usage_event_id, estimated_at = excluded.estimated_at, status = excluded.status,
       estimated = excluded.estimated, price_set_id = excluded.price_set_id, price_provider = excluded.price_provider,
       price_model = excluded.price_model, match = excluded.match, note = excluded.note, detail = excluded.detail`,
    [input],
  );
}

function usageRow({ id, data }: UsageObserved, position: bigint | undefined) {
  const { tokens: t, units: u } = data;
  return {
    workspace_id: data.workspaceId,
    account_id: data.accountId,
    day: data.day,
    request_type: data.requestType,
    provider: data.provider,
    model: data.model,
    operation: data.operation,
    service_tier: data.serviceTier,
    context_tier: data.contextTier,
    project: data.project ?? null,
    // An event written before a class existed has no field for it: that is a 0.
    input_uncached: t.inputUncached ?? 0,
    input_cached_read: t.inputCachedRead ?? 0,
    cache_write_5m: t.cacheWrite5m ?? 0,
    cache_write_1h: t.cacheWrite1h ?? 0,
    output: t.output ?? 0,
    reasoning: t.reasoning ?? 0,
    requests: u.requests ?? 0,
    images: u.images ?? 0,
    audio_seconds: u.audioSeconds ?? 0,
    characters: u.characters ?? 0,
    search_queries: u.searchQueries ?? 0,
    web_search_calls: u.webSearchCalls ?? 0,
    // Money travels as a decimal string into NUMERIC: never through a JS number.
    reported_cost: data.reportedCost?.amount ?? null,
    raw: data.raw ?? null,
    source: data.source,
    final: data.final,
    observed_at: data.observedAt,
    event_id: id,
    position: String(position ?? 0n),
  };
}

function costRow({ id, data }: CostReported, position: bigint | undefined) {
  const line = parseLineItem(data.lineItem);
  return {
    workspace_id: data.workspaceId,
    account_id: data.accountId,
    day: data.day,
    line_item: data.lineItem,
    provider: line.ok ? line.value.provider : (data.lineItem.split('|')[0] ?? ''),
    project: line.ok ? (line.value.project ?? null) : null,
    amount: data.amount,
    currency: data.currency,
    raw: data.raw ?? null,
    source: data.source,
    final: data.final,
    observed_at: data.observedAt,
    event_id: id,
    position: String(position ?? 0n),
  };
}

// ---------------------------------------------------------------------------------------------
// Prices

async function applyPriceSets(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  const rows = events.map((e) => {
    const data = e.data as PriceSetData;
    return {
      position: String(e.globalPosition),
      price_set_id: e.id,
      provider: data.provider,
      model: data.model,
      effective_from: data.effectiveFrom,
      source: data.source,
      workspace_id: data.workspaceId ?? null,
      // Who set it: the event's own field, else the acting user in its metadata.
      set_by: data.setBy ?? actorOf(e),
      catalogue_key: data.catalogueKey ?? null,
      supersedes: data.supersedes ?? null,
      data,
      recorded_at: e.recordedAt.toISOString(),
    };
  });
  await tx.query(
    `insert into price_versions
     select position, price_set_id, provider, model, effective_from, source, workspace_id, set_by, catalogue_key,
            supersedes, data, recorded_at
       from jsonb_to_recordset($1::jsonb) as r(position bigint, price_set_id text, provider text, model text,
            effective_from date, source text, workspace_id text, set_by text, catalogue_key text, supersedes text,
            data jsonb, recorded_at timestamptz)
     on conflict do nothing`,
    [JSON.stringify(rows)],
  );
  // Chain the ids of the PriceSets the table holds, in log order: a fingerprint of its content
  // that readers key their cached price catalogue on (see price-catalogue-cache.ts).
  const [meta] = await tx.query<{ chain: string; last_position: string }>(
    'select chain, last_position::text from price_book_meta',
  );
  const fresh = events.filter((e) => e.globalPosition > BigInt(meta?.last_position ?? '0'));
  if (fresh.length > 0) {
    await tx.query('update price_book_meta set chain = $1, last_position = $2::bigint', [
      chainPriceSets(meta?.chain ?? PRICE_CHAIN_START, fresh.map((e) => e.id)),
      String(fresh[fresh.length - 1].globalPosition),
    ]);
  }
}

function actorOf(event: RecordedEvent): string | null {
  const actor = event.metadata?.['actorId'];
  return typeof actor === 'string' ? actor : null;
}

// ---------------------------------------------------------------------------------------------
// Cost versions

async function applyRecomputeStarted(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
  const data = event.data as RecomputeStartedData;
  await tx.query(
    `insert into cost_versions (workspace_id, version, recompute_id, from_version, status, causes, reason,
                                requested_by, requested_at, started_position)
     values ($1, $2, $3, $4, 'running', $5::jsonb, $6, $7, $8, $9::bigint)
     on conflict do nothing`,
    [
      data.workspaceId,
      data.version,
      data.recomputeId,
      data.fromVersion,
      JSON.stringify(data.causes),
      data.reason ?? null,
      data.requestedBy ?? actorOf(event),
      data.requestedAt,
      String(event.globalPosition),
    ],
  );
}

/**
 * Makes a recompute's version current. The changed rows come from the worker's staging table
 * when it finished staging this recompute (the usual, live case), else they are computed here
 * with the same function (a rebuild, after the staging rows were cleaned up): both give the
 * rows in scope repriced with the PriceSets before the recompute's start. A row whose usage
 * changed after that start was priced with newer prices already and is left alone.
 */
async function applyActivation(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
  const data = event.data as CostVersionActivatedData;
  const [run] = await tx.query<{ version: number; started_position: string; status: string }>(
    `select version, started_position::text, status from cost_versions where recompute_id = $1`,
    [data.recomputeId],
  );
  // Replayed, or a recompute this version never saw start: nothing to do.
  if (!run || run.status !== 'running') return;
  const startedAt = BigInt(run.started_position);
  const [workspace] = await tx.query<{ based_on: string }>(
    'select based_on::text from cost_workspaces where workspace_id = $1',
    [data.workspaceId],
  );
  const basedOn = BigInt(workspace?.based_on ?? '0');

  // A staged recompute (the worker's normal path) is applied inside the database: at a million
  // rows, carrying them through this process as one JSON parameter exceeds what a string can hold.
  const staged = await hasStagedRows(tx, data.recomputeId);
  let input: string;
  let json = '[]';
  if (staged) {
    input = STAGED_INPUT_SQL;
  } else {
    const scope = { workspaceId: data.workspaceId, before: startedAt, basedOn };
    const changed: readonly RepricedRow[] = await withoutJit(tx, async (inner) =>
      repriceRows(await selectScopeRows(inner, scope), await loadPriceCatalogue(inner, startedAt)),
    );
    json = JSON.stringify(
      changed.map((row) => ({
        account_id: row.accountId,
        day: row.day,
        request_type: row.requestType,
        usage_event_id: row.usageEventId,
        ...pricedColumns(row.after),
      })),
    );
    input = `select * from json_to_recordset($1::json) as r(account_id text, day date, request_type text, usage_event_id text,
              status text, estimated numeric, price_set_id text, price_provider text, price_model text, match text,
              note text, detail json)`;
  }

  const version = run.version;
  // Close the rows the recompute changed (only those still as it saw them) and start new ones.
  await tx.query(
    `with input as (${input}), closed as (
       update cost_estimates e set valid_to = $3
         from input i
        where e.workspace_id = $2 and e.account_id = i.account_id and e.day = i.day and e.request_type = i.request_type
          and e.valid_to is null and e.usage_event_id = i.usage_event_id and e.estimated_at < $4::bigint
       -- Each closed row with its successor's figures: what follows reads only this, no second join.
       returning e.workspace_id, e.account_id, e.day, e.request_type, e.provider, e.model, e.project, e.usage_event_id,
                 e.status as before_status, e.estimated as before_estimated, i.status, i.estimated, i.price_set_id,
                 i.price_provider, i.price_model, i.match, i.note, i.detail
     ), deltas as (
       insert into cost_version_deltas
       select $2, $3, to_char(c.day, 'YYYY-MM'), c.account_id, c.provider, c.model, count(*),
              coalesce(sum(c.before_estimated), 0), coalesce(sum(c.estimated), 0),
              coalesce(sum(c.estimated), 0) - coalesce(sum(c.before_estimated), 0),
              count(*) filter (where c.before_status <> 'unpriced' and c.status = 'unpriced'),
              count(*) filter (where c.before_status = 'unpriced' and c.status <> 'unpriced')
         from closed c
        group by to_char(c.day, 'YYYY-MM'), c.account_id, c.provider, c.model
     )
     insert into cost_estimates (${ESTIMATE_COLUMNS}, valid_from)
     select c.workspace_id, c.account_id, c.day, c.request_type, c.provider, c.model, c.project, c.usage_event_id,
            $4::bigint, c.status, c.estimated, c.price_set_id, c.price_provider, c.price_model, c.match, c.note, c.detail, $3
       from closed c`,
    [staged ? data.recomputeId : json, data.workspaceId, version, String(startedAt)],
  );
  const [summary] = await tx.query<{ rows: string; delta: string }>(
    `select coalesce(sum(rows), 0)::text as rows, coalesce(sum(delta), 0)::text as delta
       from cost_version_deltas where workspace_id = $1 and version = $2`,
    [data.workspaceId, version],
  );
  await tx.query(
    `update cost_versions set status = 'superseded' where workspace_id = $1 and status = 'active'`,
    [data.workspaceId],
  );
  await tx.query(
    `update cost_versions set status = 'active', activated_at = $3, activated_position = $4::bigint,
            rows_changed = $5, delta = $6::numeric
      where workspace_id = $1 and version = $2`,
    [data.workspaceId, version, data.activatedAt, String(event.globalPosition), Number(summary?.rows ?? 0), summary?.delta ?? '0'],
  );
  await tx.query(
    `insert into cost_workspaces (workspace_id, current_version, based_on) values ($1, $2, $3::bigint)
     on conflict (workspace_id) do update set current_version = excluded.current_version, based_on = excluded.based_on`,
    [data.workspaceId, version, String(startedAt)],
  );
}

// ---------------------------------------------------------------------------------------------
// Period close

/**
 * Freezes what the month reports at the close: a copy of its current estimates and billed
 * lines. Later changes (a recompute, late usage, a late bill) never touch the copy; queries
 * show them as adjustments against it.
 */
async function applyPeriodClosed(tx: SqlExecutor, event: RecordedEvent): Promise<void> {
  const data = event.data as PeriodClosedData;
  const inserted = await tx.query(
    `insert into period_closes (workspace_id, month, version, closed_by, closed_at, position)
     select $1, $2, coalesce((select current_version from cost_workspaces where workspace_id = $1), 1), $3, $4, $5::bigint
     on conflict do nothing
     returning month`,
    [data.workspaceId, data.month, data.closedBy ?? actorOf(event), data.closedAt, String(event.globalPosition)],
  );
  if (inserted.length === 0) return;
  const start = `${data.month}-01`;
  await tx.query(
    `insert into period_close_rows
     select e.workspace_id, $2, e.account_id, e.day, e.request_type, e.provider, e.model, e.project, e.status,
            e.estimated, u.reported_cost
       from cost_estimates e
       left join usage_latest u on u.workspace_id = e.workspace_id and u.account_id = e.account_id
                               and u.day = e.day and u.request_type = e.request_type
      where e.workspace_id = $1 and e.valid_to is null
        and e.day >= $3::date and e.day < ($3::date + interval '1 month')`,
    [data.workspaceId, data.month, start],
  );
  await tx.query(
    `insert into period_close_billed
     select workspace_id, $2, account_id, day, line_item, provider, project, amount, final
       from cost_latest
      where workspace_id = $1 and day >= $3::date and day < ($3::date + interval '1 month')`,
    [data.workspaceId, data.month, start],
  );
}

/** The projections this library needs registered (today one: everything the ledger reads is in it). */
export const usageProjections: readonly Projection[] = [usageLedgerProjection];
