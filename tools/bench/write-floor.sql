-- What writing the usage ledger's two big read-model tables costs on this server, whatever the
-- projection does around it: docs/benchmarks.md, "Floors". 200,000 rows shaped like the
-- benchmark's, into tables with the projection's columns and indexes, arriving in different ways.
--
--   psql postgres://postgres@127.0.0.1:5432/postgres -f tools/bench/write-floor.sql
--
-- Works in its own schema and drops it at the end.
\timing on
\set ON_ERROR_STOP on
drop schema if exists bench_floor cascade;
create schema bench_floor;
set search_path = bench_floor;

create table usage_latest (
  workspace_id text not null, account_id text not null, day date not null, request_type text not null,
  provider text not null, model text not null, operation text not null, service_tier text not null,
  context_tier text not null, project text, input_uncached bigint not null, input_cached_read bigint not null,
  cache_write_5m bigint not null, cache_write_1h bigint not null, output bigint not null, reasoning bigint not null,
  requests bigint not null, images bigint not null, audio_seconds bigint not null, characters bigint not null,
  search_queries bigint not null, web_search_calls bigint not null, reported_cost numeric, raw jsonb,
  source text not null, final boolean not null, observed_at text collate "C" not null,
  event_id text collate "C" not null, position bigint not null,
  primary key (workspace_id, day, account_id, request_type));
create table cost_estimates (
  workspace_id text not null, account_id text not null, day date not null, request_type text not null,
  valid_from integer not null, valid_to integer, provider text not null, model text not null, project text,
  usage_event_id text not null, estimated_at bigint not null, status text not null, estimated numeric,
  price_set_id text, price_provider text, price_model text, match text, note text, detail jsonb not null,
  primary key (workspace_id, day, account_id, request_type, valid_from));
create unique index cost_estimates_current on cost_estimates (workspace_id, day, account_id, request_type) where valid_to is null;

\echo '1. usage_latest, rows made inside the server (the write alone)'
insert into usage_latest
select 'ws-00000000-0000-0000-0000-000000000001', 'acct-' || (i % 40), date '2022-01-01' + (i / 800),
       'chat|gpt-4o-mini|standard|default|proj-' || (i % 10) || '|' || (i % 800), 'openai', 'gpt-4o-mini', 'chat',
       'standard', 'default', 'proj-' || (i % 10), 1000 + i, 500, 0, 0, 300, 0, 10, 0, 0, 0, 0, 0, null, null,
       'usage-api', true, '2024-01-01T00:00:00.000Z', gen_random_uuid()::text, i
  from generate_series(1, 200000) i;

\echo '2. cost_estimates, rows made inside the server (the write alone)'
insert into cost_estimates
select workspace_id, account_id, day, request_type, 1, null, provider, model, project, event_id, position, 'estimated',
       0.000123456, gen_random_uuid()::text, 'openai', 'gpt-4o-mini', 'exact', null,
       '{"lines":[{"class":"inputUncached","quantity":1234,"unitPrice":"0.00000015","amount":"0.0001851","priceSource":"input"},{"class":"inputCachedRead","quantity":500,"unitPrice":"0.000000075","amount":"0.0000375","priceSource":"cacheRead"},{"class":"output","quantity":300,"unitPrice":"0.0000006","amount":"0.00018","priceSource":"output"}],"unpriced":[],"flags":[]}'::jsonb
  from usage_latest;

-- The same rows as 40 documents of 5,000, as the projection sends them.
create table usage_docs as
select i / 5000 as batch, json_agg(to_json(u))::text as doc
  from (select row_number() over () as i, * from usage_latest) u group by i / 5000;
create table estimate_docs as
select i / 5000 as batch, json_agg(to_json(u))::text as doc
  from (select row_number() over () as i, workspace_id, account_id, day, request_type, provider, model, project,
               usage_event_id, estimated_at, status, estimated, price_set_id, price_provider, price_model, match, note,
               detail, 1 as current_version from cost_estimates) u
 group by i / 5000;
create table usage_copy (like usage_latest including all);
create table estimates_copy (like cost_estimates including all);
create table estimates_json (like cost_estimates including all);
alter table estimates_json alter column detail type json;

create function load_usage(reader text, conflict boolean) returns void language plpgsql as $$
declare d record;
begin
  truncate usage_copy;
  for d in select doc from usage_docs order by batch loop
    execute format('insert into usage_copy select * from %s($1::%s) as r(workspace_id text, account_id text, day date,
      request_type text, provider text, model text, operation text, service_tier text, context_tier text, project text,
      input_uncached bigint, input_cached_read bigint, cache_write_5m bigint, cache_write_1h bigint, output bigint,
      reasoning bigint, requests bigint, images bigint, audio_seconds bigint, characters bigint, search_queries bigint,
      web_search_calls bigint, reported_cost numeric, raw jsonb, source text, final boolean, observed_at text,
      event_id text, position bigint) %s', reader, case when reader = 'json_to_recordset' then 'json' else 'jsonb' end,
      case when conflict then 'on conflict (workspace_id, day, account_id, request_type) do update set output = excluded.output
                              where (excluded.observed_at, excluded.event_id) > (usage_copy.observed_at, usage_copy.event_id)' else '' end)
    using d.doc;
  end loop;
end $$;

create function load_estimates(target text, detail text, detail_type text, conflict boolean) returns void language plpgsql as $$
declare d record;
begin
  execute format('truncate %I', target);
  for d in select doc from estimate_docs order by batch loop
    execute format('insert into %I (workspace_id, account_id, day, request_type, provider, model, project, usage_event_id,
      estimated_at, status, estimated, price_set_id, price_provider, price_model, match, note, detail, valid_from)
      select workspace_id, account_id, day, request_type, provider, model, project, usage_event_id, estimated_at, status,
             estimated, price_set_id, price_provider, price_model, match, note, %s, current_version
        from json_to_recordset($1::json) as r(workspace_id text, account_id text, day date, request_type text,
             provider text, model text, project text, usage_event_id text, estimated_at bigint, status text,
             estimated numeric, price_set_id text, price_provider text, price_model text, match text, note text,
             detail %s, current_version integer) %s', target, detail, detail_type,
      case when conflict then 'on conflict (workspace_id, day, account_id, request_type, valid_from) do update set detail = excluded.detail' else '' end)
    using d.doc;
  end loop;
end $$;

\echo '3. usage_latest from jsonb_to_recordset documents'
select load_usage('jsonb_to_recordset', false);
\echo '4. usage_latest from json_to_recordset documents'
select load_usage('json_to_recordset', false);
\echo '5. usage_latest from jsonb_to_recordset documents, with on conflict do update'
select load_usage('jsonb_to_recordset', true);
\echo '6. cost_estimates from json documents'
select load_estimates('estimates_copy', 'detail', 'jsonb', false);
\echo '7. cost_estimates from json documents, with on conflict do update'
select load_estimates('estimates_copy', 'detail', 'jsonb', true);
\echo '8. cost_estimates from json documents, detail read as text and replaced by a constant (what the detail costs)'
select load_estimates('estimates_copy', '''{}''::jsonb', 'text', false);
\echo '9. cost_estimates from json documents, detail stored as json'
select load_estimates('estimates_json', 'detail', 'json', false);

\echo '10. a cost version over half the rows (100,000): close them (valid_to) and insert their successors'
begin;
with closed as (
  update cost_estimates e set valid_to = 2 where e.model = 'gpt-4o-mini' and e.valid_to is null and e.estimated_at % 2 = 0
  returning e.*
)
insert into cost_estimates (workspace_id, account_id, day, request_type, valid_from, provider, model, project, usage_event_id,
                            estimated_at, status, estimated, price_set_id, price_provider, price_model, match, note, detail)
select workspace_id, account_id, day, request_type, 2, provider, model, project, usage_event_id, estimated_at, status,
       estimated * 2, price_set_id, price_provider, price_model, match, note, detail
  from closed;
commit;

drop schema bench_floor cascade;
