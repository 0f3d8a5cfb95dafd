import type { SqlExecutor } from '@act/server/database';
import { pricedUsageFingerprint, type PriceCatalogue } from '@act/domain/pricing';
import type { ContextTier, ServiceTier, UsageSource } from '@act/domain/usage';
import { priceLedgerUsage, type LedgerPricedUsage, type LedgerUsageInput } from './ledger-pricing';

/*
 * Repricing: which current estimate rows of a workspace a set of price changes may affect, and
 * their figures under another catalogue. Shared by the recompute worker (in batches), by the
 * projection when it activates a version without staged rows (a rebuild), and by the preview:
 * one definition, so the three always agree.
 *
 * A row is in scope when a PriceSet it has not been priced with yet could apply to it:
 * positioned after what the row already reflects (`greatest(estimated_at, basedOn)`: its own
 * estimate, or the last recompute that checked it) and before the recompute's start; effective
 * on or before the row's day; visible to the workspace; and naming the identity the row was
 * priced under, or the model id as reported (an override), or any model at all when the row is
 * unpriced or matched by alias (a new catalogue entry may resolve it). Everything else is
 * provably unchanged and never read, so a price change touches only the days and models it
 * concerns. A manual entry with an amount is estimated at that amount with no price
 * (ledger-pricing.ts): it has no price identity, so it is in scope like an unpriced row, and
 * repricing it always gives the figures it has, so it is never changed.
 */

/**
 * Runs `work` with PostgreSQL's JIT compiler off. The scope query's OR of EXISTS subplans makes
 * the planner's cost estimate huge (it cannot know the LIMIT stops early), which crosses
 * `jit_above_cost`: each page then spent ~1.5 s compiling for a 100 ms query. Inside a
 * transaction when `sql` can open one (`SET LOCAL` lasts until it ends); PGlite has no JIT and
 * ignores the setting.
 */
export async function withoutJit<T>(
  sql: SqlExecutor & { transaction?: <R>(work: (tx: SqlExecutor) => Promise<R>) => Promise<R> },
  work: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  if (!sql.transaction) {
    await sql.query('set local jit = off');
    return work(sql);
  }
  return sql.transaction(async (tx) => {
    await tx.query('set local jit = off');
    return work(tx);
  });
}

export interface RepriceScope {
  readonly workspaceId: string;
  /** The recompute's start position: PriceSets before it count. Null: all of them (a preview). */
  readonly before: bigint | null;
  /** The position the current version's recompute started at (0 for version 1). */
  readonly basedOn: bigint;
  /**
   * A price change not in the log (a preview): rows it could affect are in scope too, and the
   * position conditions are dropped for it.
   */
  readonly hypothetical?: { readonly provider: string; readonly model: string; readonly effectiveFrom: string };
}

export interface RowKey {
  readonly accountId: string;
  readonly day: string;
  readonly requestType: string;
}

export interface ScopeRow extends RowKey {
  readonly provider: string;
  readonly model: string;
  readonly project: string | null;
  readonly usageEventId: string;
  readonly estimatedAt: bigint;
  readonly status: string;
  readonly estimated: string | null;
  readonly priceSetId: string | null;
  readonly usage: LedgerUsageInput;
}

export interface RepricedRow extends RowKey {
  readonly provider: string;
  readonly model: string;
  readonly project: string | null;
  readonly usageEventId: string;
  readonly before: { readonly status: string; readonly estimated: string | null; readonly priceSetId: string | null };
  readonly after: LedgerPricedUsage;
}

const SCOPE_ROW_COLUMNS = `e.account_id, e.day::text as day, e.request_type, e.provider, e.model, e.project, e.usage_event_id,
  e.estimated_at::text as estimated_at, e.status, e.estimated::text as estimated, e.price_set_id,
  u.input_uncached::text, u.input_cached_read::text, u.cache_write_5m::text, u.cache_write_1h::text,
  u.output::text, u.reasoning::text, u.requests::text, u.images::text, u.audio_seconds::text,
  u.characters::text, u.search_queries::text, u.web_search_calls::text,
  u.service_tier, u.context_tier, u.source, u.final, u.reported_cost::text as billed_amount`;

/** The rows in scope, `columns` of `cost_estimates e` joined with `usage_latest u`; counted when `columns` is null. */
const SCOPE_SQL = (withCursor: boolean, withLimit: boolean, columns: string | null) => `
  select ${columns ?? 'count(*)::text as n'}
    from cost_estimates e
    join usage_latest u on u.workspace_id = e.workspace_id and u.account_id = e.account_id
                       and u.day = e.day and u.request_type = e.request_type
   where e.workspace_id = $1 and u.workspace_id = $1 and e.valid_to is null
     and ($2::bigint is null or e.estimated_at < $2::bigint)
     and (
       exists (select 1 from price_versions c
                where c.provider = e.price_provider and c.model = e.price_model
                  and c.position > greatest(e.estimated_at, $3::bigint) and ($2::bigint is null or c.position < $2::bigint)
                  and c.effective_from <= e.day and (c.workspace_id is null or c.workspace_id = $1))
       or exists (select 1 from price_versions c
                where c.provider = e.provider and c.model = e.model
                  and c.position > greatest(e.estimated_at, $3::bigint) and ($2::bigint is null or c.position < $2::bigint)
                  and c.effective_from <= e.day and (c.workspace_id is null or c.workspace_id = $1))
       or ((e.match is null or e.match = 'alias') and exists (select 1 from price_versions c
                where c.position > greatest(e.estimated_at, $3::bigint) and ($2::bigint is null or c.position < $2::bigint)
                  and c.effective_from <= e.day and (c.workspace_id is null or c.workspace_id = $1)))
       or ($4::text is not null and e.day >= $6::date
           and ((e.price_provider = $4 and e.price_model = $5) or (e.provider = $4 and e.model = $5)
                or e.match is null or e.match = 'alias'))
     )
     ${
       withCursor
         ? `and (e.day, e.account_id, e.request_type) > ($8::date, $7::text, $9::text)
            -- The same bound on the joined side, so a merge join starts at the cursor, not at the workspace's first row.
            and (u.day, u.account_id, u.request_type) > ($8::date, $7::text, $9::text)`
         : ''
     }
   ${columns === null ? '' : 'order by e.day, e.account_id, e.request_type'}
   ${withLimit ? `limit ${withCursor ? '$10' : '$7'}` : ''}`;

function scopeParams(scope: RepriceScope): unknown[] {
  return [
    scope.workspaceId,
    scope.before === null ? null : String(scope.before),
    String(scope.basedOn),
    scope.hypothetical?.provider ?? null,
    scope.hypothetical?.model ?? null,
    scope.hypothetical?.effectiveFrom ?? null,
  ];
}

/** Rows in scope after `after` (in (day, account, requestType) order), at most `limit` (all when undefined). */
export async function selectScopeRows(
  sql: SqlExecutor,
  scope: RepriceScope,
  page: { readonly after?: RowKey | null; readonly limit?: number } = {},
): Promise<ScopeRow[]> {
  const { sql: text, params } = scopePageSql(scope, page, SCOPE_ROW_COLUMNS);
  const rows = await sql.query<Record<string, string | boolean | null>>(text, params);
  return rows.map((r) => toScopeRow(scope.workspaceId, r));
}

/**
 * The statement and parameters that select `columns` (over `cost_estimates e` joined with
 * `usage_latest u`) of the rows in scope after `page.after`, in key order, at most `page.limit`.
 */
export function scopePageSql(
  scope: RepriceScope,
  page: { readonly after?: RowKey | null; readonly limit?: number },
  columns: string,
): { sql: string; params: unknown[] } {
  const after = page.after ?? null;
  const params = scopeParams(scope);
  if (after) params.push(after.accountId, after.day, after.requestType);
  if (page.limit !== undefined) params.push(page.limit);
  return { sql: SCOPE_SQL(after !== null, page.limit !== undefined, columns), params };
}

export async function countScopeRows(sql: SqlExecutor, scope: RepriceScope): Promise<number> {
  const [row] = await sql.query<{ n: string }>(SCOPE_SQL(false, false, null), scopeParams(scope));
  return Number(row?.n ?? 0);
}

/** The rows whose figures differ under `catalogue`, with before and after. */
export function repriceRows(rows: readonly ScopeRow[], catalogue: PriceCatalogue): RepricedRow[] {
  const changed: RepricedRow[] = [];
  for (const row of rows) {
    const after = priceLedgerUsage(row.usage, catalogue);
    if (pricedUsageFingerprint(after) === pricedUsageFingerprint(row)) continue;
    changed.push({
      accountId: row.accountId,
      day: row.day,
      requestType: row.requestType,
      provider: row.provider,
      model: row.model,
      project: row.project,
      usageEventId: row.usageEventId,
      before: { status: row.status, estimated: row.estimated, priceSetId: row.priceSetId },
      after,
    });
  }
  return changed;
}

function toScopeRow(workspaceId: string, r: Record<string, string | boolean | null>): ScopeRow {
  const n = (name: string) => Number(r[name]);
  const text = (name: string) => r[name] as string;
  const estimated = r['estimated'] as string | null;
  return {
    accountId: text('account_id'),
    day: text('day'),
    requestType: text('request_type'),
    provider: text('provider'),
    model: text('model'),
    project: r['project'] as string | null,
    usageEventId: text('usage_event_id'),
    estimatedAt: BigInt(text('estimated_at')),
    status: text('status'),
    estimated: estimated === null ? null : normalizeDecimal(estimated),
    priceSetId: r['price_set_id'] as string | null,
    usage: {
      workspaceId,
      day: text('day'),
      provider: text('provider'),
      model: text('model'),
      tokens: {
        inputUncached: n('input_uncached'),
        inputCachedRead: n('input_cached_read'),
        cacheWrite5m: n('cache_write_5m'),
        cacheWrite1h: n('cache_write_1h'),
        output: n('output'),
        reasoning: n('reasoning'),
      },
      units: {
        requests: n('requests'),
        images: n('images'),
        audioSeconds: n('audio_seconds'),
        characters: n('characters'),
        searchQueries: n('search_queries'),
        webSearchCalls: n('web_search_calls'),
      },
      serviceTier: text('service_tier') as ServiceTier,
      contextTier: text('context_tier') as ContextTier,
      source: text('source') as UsageSource,
      final: r['final'] as boolean,
      billedAmount: r['billed_amount'] === null ? null : normalizeDecimal(r['billed_amount'] as string),
    },
  };
}

/** NUMERIC text (`0.000750000`) → the plain normalized form Decimal writes (`0.00075`). */
export function normalizeDecimal(text: string): string {
  if (!text.includes('.')) return text === '-0' ? '0' : text;
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' || trimmed === '' ? '0' : trimmed;
}
