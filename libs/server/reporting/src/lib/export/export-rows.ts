import type { CostStatus } from '@act/contracts';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import { money, moneyString } from '@act/domain/pricing';
import type { SqlExecutor } from '@act/server/database';

/** Rows per keyset page: two pages (usage and billed) are all an export holds in memory. */
export const EXPORT_PAGE_SIZE = 1000;

export interface ExportTokens {
  inputUncached: number;
  inputCachedRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  reasoning: number;
}

export interface ExportUnits {
  requests: number;
  images: number;
  audioSeconds: number;
  characters: number;
  searchQueries: number;
  webSearchCalls: number;
}

/**
 * One row of an export: a usage requestType (estimated side) or a billed line item
 * (reconciled side) of one account on one UTC day — the lines of the audit view.
 *
 * `reconciled` is what the row counts as billed, so that sums over a file are right: a billed
 * line's amount; for a usage row the per-request billed cost the provider sent with it, unless
 * the provider billed that account and day through billed lines (then those are rows of their
 * own, and counting both would count the bill twice).
 */
export interface ExportRow {
  kind: 'usage' | 'billed';
  day: string;
  accountId: string;
  accountName: string | null;
  provider: string;
  /** The requestType (usage) or the line item (billed). */
  line: string;
  model: string | null;
  operation: string | null;
  serviceTier: string | null;
  contextTier: string | null;
  project: string | null;
  source: string | null;
  final: boolean | null;
  status: CostStatus;
  estimated: string | null;
  reconciled: string | null;
  /** True when the account and day have billed lines (usage rows then leave the bill to them). */
  dayBilled: boolean;
  priceSetId: string | null;
  costVersion: number;
  tokens: ExportTokens | null;
  units: ExportUnits | null;
}

export interface ExportScope {
  workspaceId: string;
  /** First day, inclusive. */
  from: string;
  /** Day after the last one (exclusive). */
  end: string;
  version: number;
  accountId?: string;
}

/** The cost version an export reads (default: current), or a 404 problem for one that does not exist. */
export async function exportVersion(sql: SqlExecutor, workspaceId: string, version: number | undefined): Promise<number> {
  const [row] = await sql.query<{ current_version: number }>('select current_version from cost_workspaces where workspace_id = $1', [
    workspaceId,
  ]);
  const current = row?.current_version ?? 1;
  const selected = version ?? current;
  if (selected > current) {
    throw new DomainRuleViolation('cost-version.unknown', `Cost version ${selected} does not exist in this workspace (current: ${current}).`, 'not-found');
  }
  return selected;
}

interface UsageRowSql {
  day: string;
  account_id: string;
  request_type: string;
  provider: string;
  model: string;
  project: string | null;
  status: Exclude<CostStatus, 'reconciled'>;
  estimated: string | null;
  price_set_id: string | null;
  source: string | null;
  final: boolean | null;
  operation: string | null;
  service_tier: string | null;
  context_tier: string | null;
  reported_cost: string | null;
  day_billed: boolean;
  [count: string]: unknown;
}

interface BilledRowSql {
  day: string;
  account_id: string;
  line_item: string;
  provider: string;
  project: string | null;
  amount: string;
  final: boolean;
  source: string;
}

/*
 * Keyset pages, each its own short statement: no transaction is held open while the client
 * reads (on PGlite, one connection serves the whole app). The key is the tables' primary key
 * order, (workspace, day, account, line), so every page is an index range scan from where the
 * previous one stopped. A row changed between two pages shows as it was when its page was read.
 */
const USAGE_PAGE_SQL = `
  select e.day::text as day, e.account_id, e.request_type, e.provider, e.model, e.project, e.status,
         e.estimated::text as estimated, e.price_set_id,
         u.source, u.final, u.operation, u.service_tier, u.context_tier, u.reported_cost::text as reported_cost,
         u.input_uncached::text as input_uncached, u.input_cached_read::text as input_cached_read,
         u.cache_write_5m::text as cache_write_5m, u.cache_write_1h::text as cache_write_1h,
         u.output::text as output, u.reasoning::text as reasoning, u.requests::text as requests, u.images::text as images,
         u.audio_seconds::text as audio_seconds, u.characters::text as characters,
         u.search_queries::text as search_queries, u.web_search_calls::text as web_search_calls,
         exists (select 1 from cost_latest c
                  where c.workspace_id = e.workspace_id and c.day = e.day and c.account_id = e.account_id) as day_billed
    from cost_estimates e
    left join usage_latest u on u.workspace_id = e.workspace_id and u.day = e.day and u.account_id = e.account_id
                            and u.request_type = e.request_type
   where e.workspace_id = $1 and e.day >= $2::date and e.day < $3::date
     and e.valid_from <= $4 and (e.valid_to is null or e.valid_to > $4)
     and ($5::text is null or e.account_id = $5)
     and (e.workspace_id, e.day, e.account_id, e.request_type) > ($1, $6::date, $7, $8)
   order by e.workspace_id, e.day, e.account_id, e.request_type
   limit $9`;

const BILLED_PAGE_SQL = `
  select c.day::text as day, c.account_id, c.line_item, c.provider, c.project, c.amount::text as amount, c.final, c.source
    from cost_latest c
   where c.workspace_id = $1 and c.day >= $2::date and c.day < $3::date
     and ($4::text is null or c.account_id = $4)
     and (c.workspace_id, c.day, c.account_id, c.line_item) > ($1, $5::date, $6, $7)
   order by c.workspace_id, c.day, c.account_id, c.line_item
   limit $8`;

/** Before any key: the day before the range, so the first page starts at the range's first row. */
const START = { day: '0001-01-01', account: '', line: '' };

async function* usagePages(sql: SqlExecutor, scope: ExportScope, pageSize: number): AsyncGenerator<UsageRowSql> {
  let after = START;
  for (;;) {
    const rows = await sql.query<UsageRowSql>(USAGE_PAGE_SQL, [
      scope.workspaceId,
      scope.from,
      scope.end,
      scope.version,
      scope.accountId ?? null,
      after.day,
      after.account,
      after.line,
      pageSize,
    ]);
    yield* rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { day: last.day, account: last.account_id, line: last.request_type };
  }
}

async function* billedPages(sql: SqlExecutor, scope: ExportScope, pageSize: number): AsyncGenerator<BilledRowSql> {
  let after = START;
  for (;;) {
    const rows = await sql.query<BilledRowSql>(BILLED_PAGE_SQL, [
      scope.workspaceId,
      scope.from,
      scope.end,
      scope.accountId ?? null,
      after.day,
      after.account,
      after.line,
      pageSize,
    ]);
    yield* rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { day: last.day, account: last.account_id, line: last.line_item };
  }
}

/**
 * Every row of the scope, ordered by day, account, then usage lines before billed lines (each
 * in the database's order): the two keyset readers merged, so at most a page of each is held.
 */
export async function* exportRows(
  sql: SqlExecutor,
  scope: ExportScope,
  accountNames: ReadonlyMap<string, string>,
  pageSize = EXPORT_PAGE_SIZE,
): AsyncGenerator<ExportRow> {
  const usage = usagePages(sql, scope, pageSize);
  const billed = billedPages(sql, scope, pageSize);
  let u = await usage.next();
  let b = await billed.next();
  while (!u.done || !b.done) {
    // Days and account ids (UUIDs) compare the same in JavaScript as in the database.
    const takeUsage = !u.done && (b.done || cellKey(u.value.day, u.value.account_id) <= cellKey(b.value.day, b.value.account_id));
    if (takeUsage && !u.done) {
      yield usageRow(u.value, scope.version, accountNames);
      u = await usage.next();
    } else if (!b.done) {
      yield billedRow(b.value, scope.version, accountNames);
      b = await billed.next();
    }
  }
}

function cellKey(day: string, account: string): string {
  return `${day}\u0000${account}`;
}

function count(row: Record<string, unknown>, name: string): number {
  const value = row[name];
  return value === null || value === undefined ? 0 : Number(value);
}

function decimal(text: string | null): string | null {
  if (text === null) return null;
  const value = money(text);
  return value.isZero() ? '0' : moneyString(value);
}

function usageRow(row: UsageRowSql, costVersion: number, names: ReadonlyMap<string, string>): ExportRow {
  const estimated = decimal(row.estimated);
  const reconciled = row.day_billed ? null : decimal(row.reported_cost);
  const known = row.source !== null;
  return {
    kind: 'usage',
    day: row.day,
    accountId: row.account_id,
    accountName: names.get(row.account_id) ?? null,
    provider: row.provider,
    line: row.request_type,
    model: row.model,
    operation: row.operation,
    serviceTier: row.service_tier,
    contextTier: row.context_tier,
    project: row.project,
    source: row.source,
    final: row.final,
    status: reconciled !== null && (row.status === 'estimated' || row.status === 'manual') ? 'reconciled' : row.status,
    estimated,
    reconciled,
    dayBilled: row.day_billed,
    priceSetId: row.price_set_id,
    costVersion,
    tokens: known
      ? {
          inputUncached: count(row, 'input_uncached'),
          inputCachedRead: count(row, 'input_cached_read'),
          cacheWrite5m: count(row, 'cache_write_5m'),
          cacheWrite1h: count(row, 'cache_write_1h'),
          output: count(row, 'output'),
          reasoning: count(row, 'reasoning'),
        }
      : null,
    units: known
      ? {
          requests: count(row, 'requests'),
          images: count(row, 'images'),
          audioSeconds: count(row, 'audio_seconds'),
          characters: count(row, 'characters'),
          searchQueries: count(row, 'search_queries'),
          webSearchCalls: count(row, 'web_search_calls'),
        }
      : null,
  };
}

function billedRow(row: BilledRowSql, costVersion: number, names: ReadonlyMap<string, string>): ExportRow {
  return {
    kind: 'billed',
    day: row.day,
    accountId: row.account_id,
    accountName: names.get(row.account_id) ?? null,
    provider: row.provider,
    line: row.line_item,
    model: null,
    operation: null,
    serviceTier: null,
    contextTier: null,
    project: row.project,
    source: row.source,
    final: row.final,
    status: row.final ? 'reconciled' : 'pending',
    estimated: null,
    reconciled: decimal(row.amount),
    dayBilled: true,
    priceSetId: null,
    costVersion,
    tokens: null,
    units: null,
  };
}

/** Display names of the workspace's accounts (a handful of rows, read once per export). */
export async function accountNames(sql: SqlExecutor, workspaceId: string): Promise<Map<string, string>> {
  const rows = await sql.query<{ account_id: string; display_name: string }>(
    'select account_id, display_name from accounts where workspace_id = $1',
    [workspaceId],
  );
  return new Map(rows.map((r) => [r.account_id, r.display_name]));
}
