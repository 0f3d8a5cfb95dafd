import type { SqlDatabase } from '@act/server/database';
import { RequestValidationError } from '@act/server/platform';
import { loadPriceCatalogue } from '@act/server/usage';
import { priceUsage, type PriceCatalogue } from '@act/domain/pricing';
import {
  buildRequestType,
  OTHER_UNITS,
  TOKEN_CLASSES,
  type ContextTier,
  type Operation,
  type OtherUnits,
  type ServiceTier,
  type TokenCounts,
  type UsageSource,
} from '@act/domain/usage';
import { coverageGap, NO_SIDE, type CoverageSide } from '@act/domain/request-usage';
import type { CoveragePageDto, CoverageQuery, CoverageRowDto, CoverageSideDto } from './coverage.dto';
import { QUANTITY_COLUMN } from './schema';

const SUMS = [...TOKEN_CLASSES, ...OTHER_UNITS].map((name) => `coalesce(sum(${QUANTITY_COLUMN[name]}), 0)::text as ${QUANTITY_COLUMN[name]}`).join(', ');
const GROUP = 'account_id, day, provider, model, operation, service_tier, context_tier';
const MAX_DAYS = 366;

interface GroupRow {
  account_id: string;
  day: string;
  provider: string;
  model: string;
  operation: string;
  service_tier: string;
  context_tier: string;
  [column: string]: string;
}

/**
 * The coverage gap: for each account-day that has both the provider's official usage (synced,
 * source `usage-api`) and request logs (the ingest inbox), or official usage on a day of an
 * account that sends request logs, the two side by side per kind of usage (requestType without
 * the project) and their difference. Official numbers are the totals (see the aggregator); the
 * logs are read from the inbox, where every accepted request stays.
 *
 * Both sides are priced here with the current price book, the same way, so the cost gap
 * measures the usage difference and not a price difference. Paged by account-day (keyset).
 */
export class CoverageQueries {
  constructor(private readonly db: SqlDatabase) {}

  async coverage(workspaceId: string, query: CoverageQuery): Promise<CoveragePageDto> {
    const { from, to } = query;
    const span = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
    if (Number.isNaN(span) || span < 0) throw new RequestValidationError([{ path: 'to', message: `to (${to}) must be a real day on or after from (${from}).` }]);
    if (span >= MAX_DAYS) throw new RequestValidationError([{ path: 'to', message: `The range may span at most ${MAX_DAYS} days; ask for it in parts.` }]);
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    // Accounts that send request logs in the range (ingest_aggregates: one row per key, small),
    // then the days their usage API reported.
    const days = await this.db.query<{ account_id: string; day: string }>(
      `with logging as (
         select distinct account_id from ingest_aggregates
          where workspace_id = $1 and day between $2::date and $3::date and requests > 0 and ($4::text is null or account_id = $4)
       )
       select distinct u.account_id, u.day::text as day
         from usage_latest u join logging l on l.account_id = u.account_id
        where u.workspace_id = $1 and u.source = 'usage-api' and u.day between $2::date and $3::date
          and ($5::date is null or (u.day, u.account_id) > ($5::date, $6::text))
        order by day, account_id
        limit $7`,
      [workspaceId, from, to, query.accountId ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
    );
    const page = days.slice(0, limit);
    if (page.length === 0) return { items: [], nextCursor: null };
    const pairs = JSON.stringify(page.map((d) => ({ a: d.account_id, d: d.day })));
    const [official, logged] = await Promise.all([
      this.db.query<GroupRow>(
        `select ${GROUP.replace('day', 'day::text as day')}, ${SUMS} from usage_latest
          where workspace_id = $1 and source = 'usage-api'
            and (account_id, day) in (select a, d::date from jsonb_to_recordset($2::jsonb) as x(a text, d text))
          group by ${GROUP}`,
        [workspaceId, pairs],
      ),
      this.db.query<GroupRow>(
        `select ${GROUP.replace('day', 'day::text as day')}, ${SUMS} from ingest_requests
          where workspace_id = $1
            and (account_id, day) in (select a, d::date from jsonb_to_recordset($2::jsonb) as x(a text, d text))
          group by ${GROUP}`,
        [workspaceId, pairs],
      ),
    ]);
    const catalogue = await loadPriceCatalogue(this.db);
    const rows = new Map<string, { group: GroupRow; official: CoverageSide; logged: CoverageSide }>();
    const place = (group: GroupRow, source: UsageSource) => {
      const id = JSON.stringify([group.day, group.account_id, kindOf(group)]);
      const entry = rows.get(id) ?? { group, official: NO_SIDE, logged: NO_SIDE };
      const side = priced(workspaceId, group, source, catalogue);
      if (source === 'usage-api') entry.official = side;
      else entry.logged = side;
      rows.set(id, entry);
    };
    for (const group of official) place(group, 'usage-api');
    for (const group of logged) place(group, 'request-log');
    const items = [...rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, { group, official: o, logged: l }]): CoverageRowDto => {
        const gap = coverageGap(o, l);
        return {
          accountId: group.account_id,
          day: group.day,
          requestKind: kindOf(group),
          provider: group.provider,
          model: group.model,
          operation: group.operation,
          serviceTier: group.service_tier,
          contextTier: group.context_tier,
          status: gap.status,
          official: sideDto(o),
          logged: sideDto(l),
          gap: { tokens: { ...gap.tokens }, units: { ...gap.units }, totalTokens: gap.totalTokens, cost: gap.cost },
          currency: 'USD',
        };
      });
    const last = page[page.length - 1];
    return { items, nextCursor: days.length > limit ? encodeCursor([last.day, last.account_id]) : null };
  }
}

function kindOf(group: GroupRow): string {
  return buildRequestType({
    provider: group.provider,
    model: group.model,
    operation: group.operation as Operation,
    serviceTier: group.service_tier as ServiceTier,
    contextTier: group.context_tier as ContextTier,
  });
}

function counts<K extends string>(group: GroupRow, names: readonly K[]): Record<K, number> {
  return Object.fromEntries(names.map((name) => [name, Number(group[QUANTITY_COLUMN[name as keyof typeof QUANTITY_COLUMN]])])) as Record<K, number>;
}

function priced(workspaceId: string, group: GroupRow, source: UsageSource, catalogue: PriceCatalogue): CoverageSide {
  const tokens = counts(group, TOKEN_CLASSES) as TokenCounts;
  const units = counts(group, OTHER_UNITS) as OtherUnits;
  const result = priceUsage(
    {
      workspaceId,
      day: group.day,
      provider: group.provider,
      model: group.model,
      tokens,
      units,
      serviceTier: group.service_tier as ServiceTier,
      contextTier: group.context_tier as ContextTier,
      source,
      final: true,
    },
    catalogue,
  );
  const empty = [...TOKEN_CLASSES.map((n) => tokens[n]), ...OTHER_UNITS.map((n) => units[n])].every((n) => n === 0);
  return {
    tokens,
    units,
    cost: empty ? '0' : result.estimated,
    partlyUnpriced: !empty && result.status === 'unpriced',
  };
}

function sideDto(side: CoverageSide): CoverageSideDto {
  return {
    tokens: { ...side.tokens },
    units: { ...side.units },
    totalTokens: TOKEN_CLASSES.reduce((sum, name) => sum + side.tokens[name], 0),
    cost: side.cost,
    partlyUnpriced: side.partlyUnpriced,
  };
}

function encodeCursor(parts: [string, string]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === 2 && parts.every((p) => typeof p === 'string') && /^\d{4}-\d{2}-\d{2}$/.test(parts[0] as string)) {
      return parts as [string, string];
    }
  } catch {
    /* fall through */
  }
  throw new RequestValidationError([{ path: 'cursor', message: 'cursor is not valid: pass the nextCursor of the previous page.' }]);
}
