import type { SqlDatabase } from '@act/server/database';
import type { OtherUnits, TokenCounts } from '@act/domain/usage';

/** The SQL column of each token class and unit, in `ingest_requests` and `usage_latest` alike. */
export const QUANTITY_COLUMN = {
  inputUncached: 'input_uncached',
  inputCachedRead: 'input_cached_read',
  cacheWrite5m: 'cache_write_5m',
  cacheWrite1h: 'cache_write_1h',
  output: 'output',
  reasoning: 'reasoning',
  requests: 'requests',
  images: 'images',
  audioSeconds: 'audio_seconds',
  characters: 'characters',
  searchQueries: 'search_queries',
  webSearchCalls: 'web_search_calls',
} as const satisfies Record<keyof TokenCounts | keyof OtherUnits, string>;

/**
 * The ingest library's own state (not read models: nothing here is rebuilt from events).
 *
 * - `ingest_requests`: the inbox. One row per (account, requestId), so a re-sent request is
 *   stored once; its normalized counts and the native usage object for the audit trail.
 * - `ingest_pending`: a marker per (account, day, requestType) whose day total has not been
 *   recorded in the ledger since its last inbox insert. Written in the same transaction as the
 *   inbox rows and removed only after the total is recorded (and only if no insert came in
 *   meanwhile: `generation`), so a crash in between leaves the marker for the sweep.
 * - `ingest_aggregates`: per key, the last `observedAt` given to a total (each new total gets a
 *   strictly later one, allocated under this row's lock together with the sum it belongs to),
 *   whether it was final, the ledger position it reached, and whether the provider's usage API
 *   reported the key's account-day (`official`: the request-log total no longer counts there).
 * - `manual_entries`: manual-entry ids → their ledger key (the entries themselves are events).
 * - `import_jobs`: a validated CSV import's observations, stored before they are appended
 *   and marked applied after, so a crash mid-way is completed by the sweep.
 */
const SCHEMA = `
create table if not exists ingest_requests (
  account_id text not null,
  request_id text not null,
  workspace_id text not null,
  day date not null,
  request_type text not null,
  provider text not null,
  model text not null,
  operation text not null,
  service_tier text not null,
  context_tier text not null,
  project text,
  format text not null,
  requested_at text not null,
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
  content_hash text not null,
  usage jsonb not null,
  tags jsonb not null,
  received_at timestamptz not null default now(),
  primary key (account_id, request_id)
);
create index if not exists ingest_requests_key on ingest_requests (account_id, day, request_type);
create table if not exists ingest_pending (
  account_id text not null,
  day date not null,
  request_type text not null,
  workspace_id text not null,
  generation bigint not null default 1,
  marked_at timestamptz not null default now(),
  primary key (account_id, day, request_type)
);
create table if not exists ingest_aggregates (
  account_id text not null,
  day date not null,
  request_type text not null,
  workspace_id text not null,
  observed_at text collate "C" not null,
  final boolean not null default false,
  requests bigint not null default 0,
  official boolean not null default false,
  position bigint,
  primary key (account_id, day, request_type)
);
create index if not exists ingest_aggregates_open on ingest_aggregates (day) where not final;
create table if not exists manual_entries (
  id text primary key,
  workspace_id text not null,
  account_id text not null,
  day date not null,
  request_type text not null,
  created_at timestamptz not null default now()
);
create table if not exists import_jobs (
  id text primary key,
  workspace_id text not null,
  file_sha256 text not null,
  events jsonb not null,
  status text not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  applied_at timestamptz,
  position bigint
);
create index if not exists import_jobs_pending on import_jobs (created_at) where status = 'pending';
`;

export async function migrateIngest(db: SqlDatabase): Promise<void> {
  await db.exec(SCHEMA);
}
