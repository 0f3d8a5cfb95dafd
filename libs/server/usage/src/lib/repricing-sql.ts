import type { SqlExecutor } from '@act/server/database';
import type { PriceCatalogue } from '@act/domain/pricing';
import type { ContextTier, OtherUnits, ServiceTier, TokenCounts, UsageSource } from '@act/domain/usage';
import { ENTERED_AMOUNT_CLASS, priceLedgerUsage } from './ledger-pricing';
import { scopePageSql, type RepriceScope, type RowKey } from './repricing';

/*
 * Repricing inside the database, for the recompute worker's batches and the price-change
 * preview: the rows in scope never travel to this process and back (reading them out,
 * repricing in JS and staging them back cost ~4.7 s per 100k rows in the benchmark; the same
 * pages inside the database ~3.4 s).
 *
 * It rests on a property of the cost engine (`estimateCost`): for one price version, service
 * tier and context tier, every line is `quantity × unit price`, and which lines, unpriced
 * quantities, flags, notes and status a row gets depends only on *which* quantities are
 * non-zero, never on their size. So the rows of a page fall into a few shapes — (provider,
 * model, day, tiers, source, final, billed or not, which quantities are non-zero) — and
 * `priceLedgerUsage`, the one definition of pricing, prices one representative per shape here; SQL then multiplies each
 * row's quantities by its shape's unit prices, exactly (NUMERIC, like decimal.js at 100 digits:
 * neither rounds). A test reprices varied rows both ways and compares every column.
 *
 * One line is not quantity × a price of the shape: a manual entry with an amount is estimated
 * at that amount (ledger-pricing.ts), one line "entered amount" of 1 × the amount, whatever
 * its quantities. Its shape (source `manual`, billed) is priced with a placeholder amount, and
 * SQL puts each row's own amount (`reported_cost`) in the line instead.
 */

/** Quantity columns of `usage_latest` in the engine's class names; the order of the mask's characters. */
const CLASS_COLUMNS: readonly (readonly [keyof TokenCounts | keyof OtherUnits, string])[] = [
  ['inputUncached', 'input_uncached'],
  ['inputCachedRead', 'input_cached_read'],
  ['cacheWrite5m', 'cache_write_5m'],
  ['cacheWrite1h', 'cache_write_1h'],
  ['output', 'output'],
  ['reasoning', 'reasoning'],
  ['requests', 'requests'],
  ['images', 'images'],
  ['audioSeconds', 'audio_seconds'],
  ['characters', 'characters'],
  ['searchQueries', 'search_queries'],
  ['webSearchCalls', 'web_search_calls'],
];

const MASK_SQL = CLASS_COLUMNS.map(([, column]) => `case when u.${column} <> 0 then '1' else '0' end`).join(' || ');
const QUANTITY_SQL = `case l.class ${CLASS_COLUMNS.map(([cls, column]) => `when '${cls}' then p.${column}`).join(' ')}
  when '${ENTERED_AMOUNT_CLASS}' then 1 end`;
/** A line's unit price: the shape's, or the row's own amount on an entered amount's line. */
const UNIT_PRICE_SQL = `case when l.class = '${ENTERED_AMOUNT_CLASS}' then p.reported_cost else l.unit_price::numeric end`;

/** What the page keeps of each row in scope: its current estimate, its quantities and its shape. */
const PAGE_COLUMNS = `e.account_id, e.day, e.request_type, e.provider, e.model, e.project, e.usage_event_id, e.status, e.estimated,
  e.price_set_id, ${CLASS_COLUMNS.map(([, column]) => `u.${column}`).join(', ')}, u.service_tier, u.context_tier, u.source, u.final,
  u.reported_cost, u.reported_cost is not null as billed, ${MASK_SQL} as mask`;

const SHAPE_KEY = ['provider', 'model', 'day', 'service_tier', 'context_tier', 'source', 'final', 'billed', 'mask'] as const;

interface ShapeRow {
  provider: string;
  model: string;
  day: string;
  service_tier: string;
  context_tier: string;
  source: string;
  final: boolean;
  /** The row carries its own billed amount (a manual entry's estimate and status depend on it: ledger-pricing.ts). */
  billed: boolean;
  mask: string;
}

export interface StagedPage {
  /** Rows of the page (in scope, after the cursor). */
  readonly scanned: number;
  /** Rows whose figures the new prices change, now staged. */
  readonly changed: number;
  /** The page's last key: where the next page starts. Null when the page was empty. */
  readonly last: RowKey | null;
}

/**
 * Reprices the next page of rows in scope (after `after`, at most `limit`) with `catalogue`
 * and stages the changed ones for recompute `recomputeId`, all inside `tx`. The caller owns
 * the transaction (the progress cursor moves in it) and turns JIT off for the scope query.
 */
export async function stageRepricedPage(
  tx: SqlExecutor,
  scope: RepriceScope,
  recomputeId: string,
  page: { readonly after: RowKey | null; readonly limit: number },
  catalogue: PriceCatalogue,
): Promise<StagedPage> {
  const priced = await pricePage(tx, scope, page, catalogue);
  if (!priced) return { scanned: 0, changed: 0, last: null };
  const [staged] = await tx.query<{ matched: number; changed: number }>(
    `with ${repricedSql({ detail: true, shapes: '$2', lines: '$3' })}, inserted as (
       insert into public.cost_recompute_rows
       select $1, account_id, day, request_type, provider, model, project, usage_event_id, status,
              trim_scale(estimated), price_set_id, new_status, new_estimated::numeric, new_price_set_id, price_provider,
              price_model, match, note, detail
         from repriced
        where ${CHANGED}
       on conflict do nothing
       returning 1
     )
     select (select count(*) from repriced)::integer as matched, (select count(*) from inserted)::integer as changed`,
    [recomputeId, priced.shapes, priced.lines],
  );
  const last = await pageEnd(tx, staged?.matched);
  return { scanned: last.scanned, changed: staged?.changed ?? 0, last: last.key };
}

/** A preview page's changed rows summed per month, provider and model (money as NUMERIC text). */
export interface PreviewGroup {
  readonly month: string;
  readonly provider: string;
  readonly model: string;
  readonly rows: number;
  readonly before: string;
  readonly after: string;
  readonly becameUnpriced: number;
  readonly becamePriced: number;
}

export interface PreviewPage {
  /** Rows of the page (in scope, after the cursor). */
  readonly scanned: number;
  readonly groups: readonly PreviewGroup[];
  /** The page's last key: where the next page starts. Null when the page was empty. */
  readonly last: RowKey | null;
}

/**
 * What repricing the next page of rows in scope with `catalogue` would change, summed per
 * month, provider and model; nothing is written (the page lives in a temporary table dropped
 * at commit). The preview's rows never travel to this process: at a million rows in scope,
 * reading them out and pricing each in JS was most of the wait of the pricing page's "Apply".
 */
export async function previewRepricedPage(
  tx: SqlExecutor,
  scope: RepriceScope,
  page: { readonly after: RowKey | null; readonly limit: number },
  catalogue: PriceCatalogue,
): Promise<PreviewPage> {
  const priced = await pricePage(tx, scope, page, catalogue);
  if (!priced) return { scanned: 0, groups: [], last: null };
  // `month` is null on the one row that only carries the page's match count.
  const groups = await tx.query<{
    month: string | null;
    provider: string;
    model: string;
    rows: number;
    before: string;
    after: string;
    became_unpriced: number;
    became_priced: number;
    matched: number;
  }>(
    `with ${repricedSql({ detail: false, shapes: '$1', lines: '$2' })}
     select to_char(day, 'YYYY-MM') as month, provider, model, count(*)::integer as rows,
            coalesce(sum(trim_scale(estimated)), 0)::text as before, coalesce(sum(new_estimated::numeric), 0)::text as after,
            count(*) filter (where status <> 'unpriced' and new_status = 'unpriced')::integer as became_unpriced,
            count(*) filter (where status = 'unpriced' and new_status <> 'unpriced')::integer as became_priced,
            (select count(*) from repriced)::integer as matched
       from repriced
      where ${CHANGED}
      group by to_char(day, 'YYYY-MM'), provider, model
     union all
     -- Always one row, so that the match count arrives when nothing changed.
     select null, null, null, 0, '0', '0', 0, 0, (select count(*) from repriced)::integer`,
    [priced.shapes, priced.lines],
  );
  const last = await pageEnd(tx, groups.find((g) => g.month === null)?.matched);
  return {
    scanned: last.scanned,
    groups: groups.flatMap((g) =>
      g.month === null
        ? []
        : [{ month: g.month, provider: g.provider, model: g.model, rows: g.rows, before: g.before, after: g.after,
             becameUnpriced: g.became_unpriced, becamePriced: g.became_priced }],
    ),
    last: last.key,
  };
}

/** What a recompute compares (`pricedUsageFingerprint`): status, price version, amount. */
const CHANGED = `(new_status, new_price_set_id, new_estimated) is distinct from (status, price_set_id, trim_scale(estimated)::text)`;

/**
 * Materialises the next page of rows in scope as the temporary table `reprice_page` (dropped at
 * commit) and prices one representative per shape. Null when the page is empty. Materialised
 * once, so that the shapes priced and the rows repriced are the same rows, whatever the live
 * projection writes meanwhile. Returns the JSON parameters of `repricedSql`.
 */
async function pricePage(
  tx: SqlExecutor,
  scope: RepriceScope,
  page: { readonly after: RowKey | null; readonly limit: number },
  catalogue: PriceCatalogue,
): Promise<{ shapes: string; lines: string } | null> {
  await tx.query(`create temp table reprice_page on commit drop as select ${PAGE_COLUMNS} from cost_estimates e join usage_latest u on false`);
  const { sql, params } = scopePageSql(scope, page, PAGE_COLUMNS);
  await tx.query(`insert into reprice_page ${sql}`, params);
  const shapes = await tx.query<ShapeRow>(
    `select distinct provider, model, day::text as day, service_tier, context_tier, source, final, billed, mask from reprice_page`,
  );
  if (shapes.length === 0) return null;
  const priced = priceShapes(scope.workspaceId, shapes, catalogue);
  return { shapes: JSON.stringify(priced.shapes), lines: JSON.stringify(priced.lines) };
}

/**
 * The page's size and last key, once its rows were repriced. Every row of the page has a shape
 * (the shapes were read from the page); a row that matched none would be skipped silently, so
 * it is checked, not assumed.
 */
async function pageEnd(tx: SqlExecutor, matched: number | undefined): Promise<{ scanned: number; key: RowKey }> {
  const [last] = await tx.query<{ scanned: number; account_id: string; day: string; request_type: string }>(
    `select (select count(*) from reprice_page)::integer as scanned, account_id, day::text as day, request_type
       from reprice_page order by day desc, account_id desc, request_type desc limit 1`,
  );
  if (!last || matched !== last.scanned) {
    throw new Error(`Repricing: ${last?.scanned ?? 0} rows in the page but ${matched ?? 0} matched a priced shape`);
  }
  return { scanned: last.scanned, key: { accountId: last.account_id, day: last.day, requestType: last.request_type } };
}

/**
 * The common table expressions `shapes`, `lines` (from `pricePage`'s JSON parameters) and
 * `repriced`: every row of `reprice_page` with its figures under the new prices (`new_status`,
 * `new_price_set_id`, `new_estimated` as NUMERIC text), and its cost lines as json when `detail`.
 */
function repricedSql(options: { readonly detail: boolean; readonly shapes: string; readonly lines: string }): string {
  const detail = options.detail
    ? `, json_build_object('lines', coalesce(d.lines, '[]'::json), 'unpriced', coalesce(d.unpriced, '[]'::json),
                         'flags', s.flags) as detail`
    : '';
  // json, not jsonb: the estimates store `detail` as json (usage-ledger.projection.ts).
  const lineDetail = options.detail
    ? `, json_agg(case when l.note is null
                       then json_build_object('class', l.class, 'quantity', q.n, 'unitPrice', q.unit_price,
                                              'amount', trim_scale(q.n * q.price)::text,
                                              'priceSource', l.price_source)
                       else json_build_object('class', l.class, 'quantity', q.n, 'unitPrice', q.unit_price,
                                              'amount', trim_scale(q.n * q.price)::text,
                                              'priceSource', l.price_source, 'note', l.note) end
                  order by l.ord) filter (where l.kind = 'line') as lines,
         json_agg(json_build_object('class', l.class, 'quantity', q.n, 'reason', l.reason) order by l.ord)
           filter (where l.kind = 'unpriced') as unpriced`
    : '';
  return `shapes as (
       select * from json_to_recordset(${options.shapes}::json) as s(shape integer, provider text, model text, day date,
              service_tier text, context_tier text, source text, final boolean, billed boolean, mask text, status text,
              has_estimate boolean, price_set_id text, price_provider text, price_model text, match text, note text,
              flags json)
     ), lines as (
       select * from json_to_recordset(${options.lines}::json) as l(shape integer, ord integer, kind text, class text,
              unit_price text, price_source text, note text, reason text)
     ), repriced as (
       select p.*, s.status as new_status, s.price_set_id as new_price_set_id, s.price_provider, s.price_model,
              s.match, s.note,
              case when s.has_estimate then trim_scale(coalesce(d.total, 0))::text end as new_estimated${detail}
         from reprice_page p
         join shapes s on (${SHAPE_KEY.map((k) => `s.${k}`).join(', ')}) = (${SHAPE_KEY.map((k) => `p.${k}`).join(', ')})
         cross join lateral (
           select sum(q.n * q.price) filter (where l.kind = 'line') as total${lineDetail}
             from lines l
             cross join lateral (select ${QUANTITY_SQL} as n, ${UNIT_PRICE_SQL} as price) q0
             cross join lateral (select q0.n, q0.price,
                                        -- As the cost engine writes it: the shape's text, or the amount normalized.
                                        case when l.class = '${ENTERED_AMOUNT_CLASS}' then trim_scale(q0.price)::text
                                             else l.unit_price end as unit_price) q
            where l.shape = s.shape
         ) d
     )`;
}

/** Prices one representative row per shape with the cost engine and splits the result into shape and line rows. */
function priceShapes(workspaceId: string, shapes: readonly ShapeRow[], catalogue: PriceCatalogue) {
  const shapeRows: Record<string, unknown>[] = [];
  const lineRows: Record<string, unknown>[] = [];
  shapes.forEach((shape, index) => {
    const quantity = (position: number) => (shape.mask[position] === '1' ? 1 : 0);
    const quantities = Object.fromEntries(CLASS_COLUMNS.map(([cls], position) => [cls, quantity(position)]));
    const priced = priceLedgerUsage(
      {
        workspaceId,
        day: shape.day,
        provider: shape.provider,
        model: shape.model,
        tokens: quantities as unknown as TokenCounts,
        units: quantities as unknown as OtherUnits,
        serviceTier: shape.service_tier as ServiceTier,
        contextTier: shape.context_tier as ContextTier,
        source: shape.source as UsageSource,
        final: shape.final,
        // A placeholder: an entered amount's line takes each row's own amount in SQL.
        billedAmount: shape.billed ? '0' : null,
      },
      catalogue,
    );
    shapeRows.push({
      shape: index,
      ...shape,
      status: priced.status,
      has_estimate: priced.estimated !== null,
      price_set_id: priced.priceSetId,
      price_provider: priced.priceProvider,
      price_model: priced.priceModel,
      match: priced.match,
      note: priced.note,
      flags: priced.detail.flags,
    });
    priced.detail.lines.forEach((line, ord) =>
      lineRows.push({
        shape: index,
        ord,
        kind: 'line',
        class: line.class,
        unit_price: line.unitPrice,
        price_source: line.priceSource,
        note: 'note' in line ? line.note : null,
        reason: null,
      }),
    );
    priced.detail.unpriced.forEach((entry, ord) =>
      lineRows.push({ shape: index, ord, kind: 'unpriced', class: entry.class, unit_price: null, price_source: null, note: null, reason: entry.reason }),
    );
  });
  return { shapes: shapeRows, lines: lineRows };
}
