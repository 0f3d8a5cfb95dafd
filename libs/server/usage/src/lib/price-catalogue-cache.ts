import { createHash } from 'node:crypto';
import type { SqlExecutor } from '@act/server/database';
import { PRICE_SET, PriceCatalogue, type PriceSet, type PriceSetData } from '@act/domain/pricing';

/*
 * The `PriceCatalogue` (price book + resolution index) as the `price_versions` table holds it.
 * Building it parses every price sheet (about 3,000 for the shipped catalogue), so it is cached
 * per process, keyed by a fingerprint of the table's content: `price_book_meta.chain`, a hash
 * chained over the PriceSet ids in log order, kept by the projection beside `last_position`.
 * The chain is a function of the log (a rebuild or a restored backup gives the same value), and
 * a different content (another database, a reset test schema, a rolled-back batch) gives another
 * one. Rows are only ever added in log order, so a cached catalogue whose chain, extended over
 * the rows after it, reaches the table's chain is extended instead of rebuilt.
 */

export const PRICE_CHAIN_START = 'price-chain-v1';

/** The chain after `ids` (in log order) follow `chain`. */
export function chainPriceSets(chain: string, ids: readonly string[]): string {
  let out = chain;
  for (const id of ids) out = createHash('sha256').update(`${out}|${id}`).digest('hex');
  return out;
}

interface Cached {
  readonly chain: string;
  readonly position: bigint;
  readonly catalogue: PriceCatalogue;
}

/** By chain; the most recently used last. */
const heads = new Map<string, Cached>();
/** Catalogues cut at a position (a recompute prices with the PriceSets before its start). */
const cuts = new Map<string, PriceCatalogue>();
const MAX_ENTRIES = 4;

interface PriceRow {
  price_set_id: string;
  position: string;
  data: PriceSetData;
}

/**
 * The catalogue made of every PriceSet in `price_versions` with a position below `before`
 * (all of them when `before` is null). Reads the projection's tables through `sql`'s
 * search_path: inside `apply` the version's own schema, elsewhere the public views.
 */
export async function loadPriceCatalogue(sql: SqlExecutor, before: bigint | null = null): Promise<PriceCatalogue> {
  const [meta] = await sql.query<{ chain: string; last_position: string }>(
    'select chain, last_position::text from price_book_meta',
  );
  if (!meta) return PriceCatalogue.empty();
  const last = BigInt(meta.last_position);
  let head = heads.get(meta.chain);
  if (!head) {
    // Extend the newest cached catalogue if the table continues it; else start over.
    const newest = [...heads.values()].reverse().find((h) => h.position < last);
    const rows = await readRows(sql, newest?.position ?? 0n, last + 1n);
    const ids = rows.map((r) => r.price_set_id);
    head =
      newest && chainPriceSets(newest.chain, ids) === meta.chain
        ? { chain: meta.chain, position: last, catalogue: newest.catalogue.withEvents(rows.map(toEvent)) }
        : await fromScratch(sql, meta.chain, last, newest ? undefined : rows);
  }
  remember(heads, meta.chain, head);
  if (before === null || before > head.position) return head.catalogue;

  const cutKey = `${meta.chain}/${before}`;
  const cached = cuts.get(cutKey);
  if (cached) return cached;
  const catalogue = PriceCatalogue.fromEvents((await readRows(sql, 0n, before)).map(toEvent));
  remember(cuts, cutKey, catalogue);
  return catalogue;
}

async function fromScratch(sql: SqlExecutor, chain: string, last: bigint, rows?: PriceRow[]): Promise<Cached> {
  const all = rows ?? (await readRows(sql, 0n, last + 1n));
  return { chain, position: last, catalogue: PriceCatalogue.fromEvents(all.map(toEvent)) };
}

async function readRows(sql: SqlExecutor, after: bigint, before: bigint): Promise<PriceRow[]> {
  return sql.query<PriceRow>(
    `select price_set_id, position::text, data from price_versions
      where position > $1::bigint and position < $2::bigint order by position`,
    [String(after), String(before)],
  );
}

function toEvent(row: PriceRow): PriceSet {
  return { id: row.price_set_id, type: PRICE_SET, data: row.data };
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}
