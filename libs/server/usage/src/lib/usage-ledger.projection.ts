import type { SqlExecutor } from '@act/server/database';
import type { RecordedEvent } from '@act/server/event-store';
import type { Projection } from '@act/server/projections';
import {
  COST_REPORTED,
  foldLatest,
  USAGE_OBSERVED,
  type CostReported,
  type UsageLedgerEvent,
  type UsageObserved,
} from '@act/domain/usage';

/**
 * The ledger's current state: one row per usage key (workspace, account, day, requestType) and
 * per billed line (workspace, account, day, lineItem), holding the latest observation.
 *
 * Latest-wins is decided exactly as the domain's `compareLatest` does, and in SQL as well as in
 * the batch: a row is replaced only by an observation with a greater (observedAt, event id),
 * both compared byte-wise (collate "C", like JavaScript string order). So the read model is the
 * same whatever order events arrive in, and replaying an event changes nothing.
 */
export const usageLedgerProjection: Projection = {
  name: 'usage_ledger',
  version: 1,
  tables: ['usage_latest', 'cost_latest'],
  eventTypes: [USAGE_OBSERVED, COST_REPORTED],

  async setup(tx: SqlExecutor) {
    await tx.query(`
      create table usage_latest (
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
        source text not null,
        final boolean not null,
        observed_at text collate "C" not null,
        event_id text collate "C" not null,
        position bigint not null,
        primary key (workspace_id, account_id, day, request_type)
      )`);
    await tx.query('create index usage_latest_workspace_day on usage_latest (workspace_id, day)');
    await tx.query(`
      create table cost_latest (
        workspace_id text not null,
        account_id text not null,
        day date not null,
        line_item text not null,
        amount numeric not null,
        currency text not null,
        source text not null,
        final boolean not null,
        observed_at text collate "C" not null,
        event_id text collate "C" not null,
        position bigint not null,
        primary key (workspace_id, account_id, day, line_item)
      )`);
    await tx.query('create index cost_latest_workspace_day on cost_latest (workspace_id, day)');
  },

  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]) {
    const positions = new Map(events.map((e) => [e.id, e.globalPosition]));
    // One winner per key within the batch: an upsert may not touch the same row twice.
    const winners = [...foldLatest(events.map((e) => ({ id: e.id, type: e.type, data: e.data }) as UsageLedgerEvent)).values()];
    const usage = winners.filter((e): e is UsageObserved => e.type === USAGE_OBSERVED);
    const costs = winners.filter((e): e is CostReported => e.type === COST_REPORTED);
    if (usage.length > 0) {
      await tx.query(
        `insert into usage_latest
         select workspace_id, account_id, day, request_type, provider, model, operation, service_tier, context_tier, project,
                input_uncached, input_cached_read, cache_write_5m, cache_write_1h, output, reasoning,
                requests, images, audio_seconds, characters, search_queries, web_search_calls,
                reported_cost, source, final, observed_at, event_id, position
           from jsonb_to_recordset($1::jsonb) as r(
                workspace_id text, account_id text, day date, request_type text, provider text, model text,
                operation text, service_tier text, context_tier text, project text,
                input_uncached bigint, input_cached_read bigint, cache_write_5m bigint, cache_write_1h bigint,
                output bigint, reasoning bigint, requests bigint, images bigint, audio_seconds bigint,
                characters bigint, search_queries bigint, web_search_calls bigint, reported_cost numeric,
                source text, final boolean, observed_at text, event_id text, position bigint)
         on conflict (workspace_id, account_id, day, request_type) do update set
           provider = excluded.provider, model = excluded.model, operation = excluded.operation,
           service_tier = excluded.service_tier, context_tier = excluded.context_tier, project = excluded.project,
           input_uncached = excluded.input_uncached, input_cached_read = excluded.input_cached_read,
           cache_write_5m = excluded.cache_write_5m, cache_write_1h = excluded.cache_write_1h,
           output = excluded.output, reasoning = excluded.reasoning, requests = excluded.requests,
           images = excluded.images, audio_seconds = excluded.audio_seconds, characters = excluded.characters,
           search_queries = excluded.search_queries, web_search_calls = excluded.web_search_calls,
           reported_cost = excluded.reported_cost, source = excluded.source, final = excluded.final,
           observed_at = excluded.observed_at, event_id = excluded.event_id, position = excluded.position
         where (excluded.observed_at, excluded.event_id) > (usage_latest.observed_at, usage_latest.event_id)`,
        [JSON.stringify(usage.map((e) => usageRow(e, positions.get(e.id))))],
      );
    }
    if (costs.length > 0) {
      await tx.query(
        `insert into cost_latest
         select workspace_id, account_id, day, line_item, amount, currency, source, final, observed_at, event_id, position
           from jsonb_to_recordset($1::jsonb) as r(
                workspace_id text, account_id text, day date, line_item text, amount numeric, currency text,
                source text, final boolean, observed_at text, event_id text, position bigint)
         on conflict (workspace_id, account_id, day, line_item) do update set
           amount = excluded.amount, currency = excluded.currency, source = excluded.source, final = excluded.final,
           observed_at = excluded.observed_at, event_id = excluded.event_id, position = excluded.position
         where (excluded.observed_at, excluded.event_id) > (cost_latest.observed_at, cost_latest.event_id)`,
        [JSON.stringify(costs.map((e) => costRow(e, positions.get(e.id))))],
      );
    }
  },
};

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
    input_uncached: t.inputUncached,
    input_cached_read: t.inputCachedRead,
    cache_write_5m: t.cacheWrite5m,
    cache_write_1h: t.cacheWrite1h,
    output: t.output,
    reasoning: t.reasoning,
    requests: u.requests,
    images: u.images,
    audio_seconds: u.audioSeconds,
    characters: u.characters,
    search_queries: u.searchQueries,
    web_search_calls: u.webSearchCalls,
    // Money travels as a decimal string into NUMERIC: never through a JS number.
    reported_cost: data.reportedCost?.amount ?? null,
    source: data.source,
    final: data.final,
    observed_at: data.observedAt,
    event_id: id,
    position: String(position ?? 0n),
  };
}

function costRow({ id, data }: CostReported, position: bigint | undefined) {
  return {
    workspace_id: data.workspaceId,
    account_id: data.accountId,
    day: data.day,
    line_item: data.lineItem,
    amount: data.amount,
    currency: data.currency,
    source: data.source,
    final: data.final,
    observed_at: data.observedAt,
    event_id: id,
    position: String(position ?? 0n),
  };
}
