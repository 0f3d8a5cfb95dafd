import type { SqlExecutor } from '@act/server/database';

/*
 * The recompute worker's own tables, beside the event log in `public` (like the event store's
 * tables, they are not a projection: they hold work in progress, not facts):
 * - `cost_recompute_progress`: one row per recompute: state, rows done / total, the key the
 *   next batch starts after. A batch moves it in the same transaction as it stages its rows,
 *   so a crash loses nothing and a retry doubles nothing.
 * - `cost_recompute_rows`: the rows whose figures the recompute changes, as they will be in
 *   the new version. The projection reads them when it applies `CostVersionActivated`.
 */
export const RECOMPUTE_STAGING_SCHEMA = `
create table if not exists public.cost_recompute_progress (
  recompute_id text primary key,
  workspace_id text not null,
  version integer not null,
  started_position bigint not null,
  state text not null check (state in ('running', 'staged', 'done')),
  rows_total integer not null,
  rows_done integer not null default 0,
  rows_changed integer not null default 0,
  cursor jsonb,
  started_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz,
  last_error text
);
create table if not exists public.cost_recompute_rows (
  recompute_id text not null,
  account_id text not null,
  day date not null,
  request_type text not null,
  provider text not null,
  model text not null,
  project text,
  usage_event_id text not null,
  before_status text not null,
  before_estimated numeric,
  before_price_set_id text,
  status text not null,
  estimated numeric,
  price_set_id text,
  price_provider text,
  price_model text,
  match text,
  note text,
  detail json not null,
  primary key (recompute_id, account_id, day, request_type)
);
`;

/**
 * `detail` was jsonb until the estimates stored it as json (usage_ledger v5): staged rows are
 * copied into the estimates as they are, so they take the same type. The rows are work in
 * progress of at most a few recomputes; converting them is quick and keeps a running one going.
 */
const DETAIL_AS_JSON = `
do $$ begin
  if (select data_type from information_schema.columns
       where table_schema = 'public' and table_name = 'cost_recompute_rows' and column_name = 'detail') = 'jsonb' then
    alter table public.cost_recompute_rows alter column detail type json using detail::json;
  end if;
end $$;
`;

export async function migrateRecomputeStaging(sql: { exec(script: string): Promise<void> }): Promise<void> {
  await sql.exec(RECOMPUTE_STAGING_SCHEMA);
  await sql.exec(DETAIL_AS_JSON);
}

/**
 * Whether the recompute's changed rows are all staged, so activation can apply them inside the
 * database (`STAGED_INPUT_SQL`) instead of carrying them through the process and back.
 */
export async function hasStagedRows(tx: SqlExecutor, recomputeId: string): Promise<boolean> {
  const [exists] = await tx.query<{ found: boolean }>(`select to_regclass('public.cost_recompute_progress') is not null as found`);
  if (!exists?.found) return false;
  const [progress] = await tx.query<{ state: string }>('select state from public.cost_recompute_progress where recompute_id = $1 for share', [recomputeId]);
  return progress?.state === 'staged';
}

/** The staged rows of recompute `$1`, in the shape activation's input takes. */
export const STAGED_INPUT_SQL = `select account_id, day, request_type, usage_event_id, status, estimated, price_set_id, price_provider,
         price_model, match, note, detail
    from public.cost_recompute_rows where recompute_id = $1`;
