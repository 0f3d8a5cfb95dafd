import type { PriceEntryDto, PriceHistoryDto, PriceSearchQueryDto, PriceSearchResultDto, PriceVersionDto } from '@act/contracts';
import type { PriceSetData } from '@act/domain/pricing';
import type { SqlExecutor } from '@act/server/database';
import { decodeCursor, encodeCursor, requireDay } from './query-support';

interface PriceRow {
  price_set_id: string;
  provider: string;
  model: string;
  effective_from: string;
  source: 'catalogue' | 'override';
  workspace_id: string | null;
  set_by: string | null;
  catalogue_key: string | null;
  supersedes: string | null;
  data: PriceSetData;
  recorded_at: string;
  position: string;
  versions?: string;
}

const COLUMNS = `price_set_id, provider, model, effective_from::text, source, workspace_id, set_by, catalogue_key,
  supersedes, data, to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as recorded_at, position::text`;

/**
 * The price catalogue as a workspace sees it: the shipped catalogue, instance-wide overrides
 * and (when `workspaceId` is given) that workspace's own overrides — never another
 * workspace's. `workspaceId` is required; pass null only for the instance-wide view
 * (`GET /prices` without a workspace).
 */
export class PricingQueries {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * The version in force on `day` for every model matching the query (precedence as in the
   * price book: workspace override, instance override, catalogue; then the latest
   * `effectiveFrom`), ordered by provider and model, paged by cursor.
   */
  async search(workspaceId: string | null, query: PriceSearchQueryDto & { day: string }): Promise<PriceSearchResultDto> {
    const day = requireDay(query.day);
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
    const after = query.cursor ? decodeCursor(query.cursor, 2) : null;
    const q = query.q?.trim() ? `%${query.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    const rows = await this.sql.query<PriceRow>(
      `with visible as (
         select * from price_versions where workspace_id is null or workspace_id = $1
       ), ranked as (
         select v.*, row_number() over (
                  partition by provider, model
                  order by case when workspace_id is not null then 0 when source = 'override' then 1 else 2 end,
                           effective_from desc, position desc) as rn
           from visible v
          where effective_from <= $2::date
            and ($3::text is null or provider = $3) and ($4::text is null or model = $4)
            and ($5::text is null or provider ilike $5 or model ilike $5 or catalogue_key ilike $5)
            and ($6::text is null or (provider, model) > ($6::text, $7::text))
       )
       select ${COLUMNS}, (select count(*) from visible c where c.provider = r.provider and c.model = r.model)::text as versions
         from ranked r where rn = 1
        order by provider, model
        limit $8`,
      [workspaceId, day, query.provider ?? null, query.model ?? null, q, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row): PriceEntryDto => ({ ...toDto(row), versions: Number(row.versions ?? 1) })),
      nextCursor: rows.length > limit && last ? encodeCursor([last.provider, last.model]) : null,
    };
  }

  /** Every version of one model visible to the workspace, in log order (the audit of who set what, when). */
  async history(workspaceId: string | null, provider: string, model: string): Promise<PriceHistoryDto> {
    const rows = await this.sql.query<PriceRow>(
      `select ${COLUMNS} from price_versions
        where provider = $2 and model = $3 and (workspace_id is null or workspace_id = $1)
        order by position`,
      [workspaceId, provider, model],
    );
    return { provider, model, versions: rows.map(toDto) };
  }

  /** One price version by its PriceSet id, if the workspace may see it. */
  async version(workspaceId: string | null, priceSetId: string): Promise<PriceVersionDto | null> {
    const [row] = await this.sql.query<PriceRow>(
      `select ${COLUMNS} from price_versions where price_set_id = $2 and (workspace_id is null or workspace_id = $1)`,
      [workspaceId, priceSetId],
    );
    return row ? toDto(row) : null;
  }
}

function toDto(row: PriceRow): PriceVersionDto {
  return {
    priceSetId: row.price_set_id,
    provider: row.provider,
    model: row.model,
    effectiveFrom: row.effective_from,
    source: row.source,
    scope: row.source === 'catalogue' ? 'catalogue' : row.workspace_id === null ? 'instance' : 'workspace',
    catalogueKey: row.catalogue_key,
    setBy: row.set_by,
    recordedAt: row.recorded_at,
    supersedes: row.supersedes,
    currency: 'USD',
    prices: row.data.prices,
    position: row.position,
  };
}
