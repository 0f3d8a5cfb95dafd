import type { SqlExecutor } from '@act/server/database';
import { PRICE_SET, PriceCatalogue, type PriceSet, type PriceSetData } from '@act/domain/pricing';

/*
 * The `PriceCatalogue` (price book + resolution index) as the `price_versions` table holds it.
 * Building it parses every price sheet (about 3,000 for the shipped catalogue), so it is cached
 * per process, keyed by the table's generation (a random id made when the projection version's
 * schema is created) and the last position the table holds (`price_book_meta`). Rows are only
 * ever added in log order, so a cached catalogue is extended with the rows after its position;
 * if the table holds less than the cache (a rolled-back batch), it is rebuilt. Either way the
 * catalogue always equals "every PriceSet in the table", which is what makes it safe to share.
 */

interface Head {
  readonly generation: string;
  readonly position: bigint;
  readonly catalogue: PriceCatalogue;
}

const heads = new Map<string, Head>();
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
  const [meta] = await sql.query<{ generation: string; last_position: string }>(
    'select generation::text, last_position::text from price_book_meta',
  );
  if (!meta) return PriceCatalogue.empty();
  const last = BigInt(meta.last_position);
  let head = heads.get(meta.generation);
  if (!head || head.position > last) {
    head = { generation: meta.generation, position: 0n, catalogue: PriceCatalogue.empty() };
  }
  if (head.position < last) {
    const rows = await readRows(sql, head.position, last + 1n);
    head = { generation: meta.generation, position: last, catalogue: head.catalogue.withEvents(rows.map(toEvent)) };
  }
  remember(heads, meta.generation, head);
  if (before === null || before > head.position) return head.catalogue;

  const cutKey = `${meta.generation}/${before}`;
  const cached = cuts.get(cutKey);
  if (cached) return cached;
  const catalogue = PriceCatalogue.fromEvents((await readRows(sql, 0n, before)).map(toEvent));
  remember(cuts, cutKey, catalogue);
  return catalogue;
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
