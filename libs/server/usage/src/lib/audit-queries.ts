import type {
  AuditCellDetailDto,
  AuditCellDto,
  AuditLineDto,
  AuditMonthDto,
  AuditObservationDto,
  CostStatus,
} from '@act/contracts';
import type { SqlExecutor } from '@act/server/database';
import { periodClose } from './period-close';
import { dec, emptyCounts, IN_VERSION, onOneSnapshot, requireDay, requireMonth, resolveVersion, str, sum } from './query-support';
import { normalizeDecimal } from './repricing';

interface UsageLineRow {
  account_id: string;
  day: string;
  request_type: string;
  provider: string;
  model: string;
  status: Exclude<CostStatus, 'reconciled'>;
  estimated: string | null;
  price_set_id: string | null;
  reported_cost: string | null;
}

interface BilledLineRow {
  account_id: string;
  day: string;
  line_item: string;
  provider: string;
  amount: string;
  final: boolean;
}

/** Most to least in need of attention: a cell shows the first that applies. */
const STATUS_RANK: Record<CostStatus, number> = { unpriced: 0, pending: 1, manual: 2, estimated: 3, reconciled: 4 };

/**
 * The audit trail: estimated (usage × price catalogue, with the price version used) beside
 * reconciled (what providers billed) for every account × day × line of a month, and the
 * observations behind one cell. Workspace first, in every statement.
 */
export class AuditQueries {
  constructor(private readonly sql: SqlExecutor) {}

  /**
   * One cell per account and day with usage or billed cost. A cell's lines are its usage
   * requestTypes (estimated side, with a per-request billed cost when the provider sent one)
   * and its billed line items (reconciled side): providers bill under their own line names, so
   * the two sides meet at the cell, where `difference` = reconciled − estimated. A cell is
   * `reconciled` when billed (`pending` while any of it is not final), else it takes the most
   * urgent status of its usage: unpriced, pending, manual, estimated.
   */
  async month(workspaceId: string, month: string, options: { version?: number } = {}): Promise<AuditMonthDto> {
    return onOneSnapshot(this.sql, async (sql) => {
      const range = requireMonth(month);
      const { selected, current } = await resolveVersion(sql, workspaceId, options.version);
      const usage = await sql.query<UsageLineRow>(
        `select e.account_id, e.day::text as day, e.request_type, e.provider, e.model, e.status, e.estimated::text,
                e.price_set_id, u.reported_cost::text as reported_cost
           from cost_estimates e
           left join usage_latest u on u.workspace_id = e.workspace_id and u.account_id = e.account_id and u.day = e.day
                                   and u.request_type = e.request_type and u.event_id = e.usage_event_id
                                   -- the month again on the joined side: without it the planner may hash
                                   -- the whole usage_latest, and the query grows with the ledger, not the month
                                   and u.day >= $2::date and u.day < $3::date
          where e.workspace_id = $1 and e.day >= $2::date and e.day < $3::date and ${IN_VERSION('e', '$4')}
          order by e.account_id, e.day, e.request_type`,
        [workspaceId, range.start, range.end, selected],
      );
      const billed = await sql.query<BilledLineRow>(
        `select account_id, day::text as day, line_item, provider, amount::text, final from cost_latest
          where workspace_id = $1 and day >= $2::date and day < $3::date
          order by account_id, day, line_item`,
        [workspaceId, range.start, range.end],
      );
      const cells = new Map<string, { usage: UsageLineRow[]; billed: BilledLineRow[] }>();
      const cellOf = (account: string, day: string) => {
        const key = JSON.stringify([account, day]);
        const cell = cells.get(key) ?? { usage: [], billed: [] };
        cells.set(key, cell);
        return cell;
      };
      usage.forEach((row) => cellOf(row.account_id, row.day).usage.push(row));
      billed.forEach((row) => cellOf(row.account_id, row.day).billed.push(row));

      const out: AuditCellDto[] = [...cells.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, cell]) => {
          const [accountId, day] = JSON.parse(key) as [string, string];
          return auditCell(accountId, day, cell.usage, cell.billed);
        });
      const both = out.filter((c) => c.estimated !== null && c.reconciled !== null);
      return {
        workspaceId,
        month,
        currency: 'USD',
        costVersion: selected,
        currentCostVersion: current,
        cells: out,
        totals: {
          estimated: sum(out.map((c) => c.estimated)),
          reconciled: sum(out.map((c) => c.reconciled)),
          // Over the cells that have both sides: a cell billed without usage is not a difference.
          difference: sum(both.map((c) => c.difference)),
        },
        closed: await periodClose(sql, workspaceId, month, range, selected),
      };
    });
  }

  /** The observations behind one cell (source, price version used, the provider's raw numbers) and its billed lines. */
  async cell(workspaceId: string, accountId: string, day: string, options: { version?: number } = {}): Promise<AuditCellDetailDto> {
    requireDay(day);
    const { selected } = await resolveVersion(this.sql, workspaceId, options.version);
    const rows = await this.sql.query<Record<string, unknown>>(
      `select u.event_id, u.request_type, u.provider, u.model, u.operation, u.service_tier, u.context_tier, u.project,
              u.source, u.observed_at, u.final, u.raw, u.reported_cost::text as reported_cost,
              u.input_uncached::text, u.input_cached_read::text, u.cache_write_5m::text, u.cache_write_1h::text,
              u.output::text, u.reasoning::text, u.requests::text, u.images::text, u.audio_seconds::text,
              u.characters::text, u.search_queries::text, u.web_search_calls::text,
              e.status, e.estimated::text as estimated, e.price_set_id, e.price_provider, e.price_model, e.match, e.note,
              e.detail, e.valid_from, p.effective_from::text as price_effective_from, p.source as price_source
         from usage_latest u
         left join cost_estimates e on e.workspace_id = u.workspace_id and e.account_id = u.account_id and e.day = u.day
                                   and e.request_type = u.request_type and ${IN_VERSION('e', '$4')}
         left join price_versions p on p.price_set_id = e.price_set_id
        where u.workspace_id = $1 and u.account_id = $2 and u.day = $3::date
        order by u.request_type`,
      [workspaceId, accountId, day, selected],
    );
    const billed = await this.sql.query<Record<string, unknown>>(
      `select event_id, line_item, amount::text, currency, source, observed_at, final, raw from cost_latest
        where workspace_id = $1 and account_id = $2 and day = $3::date order by line_item`,
      [workspaceId, accountId, day],
    );
    const count = (r: Record<string, unknown>, name: string) => Number(r[name] ?? 0);
    return {
      workspaceId,
      accountId,
      day,
      costVersion: selected,
      observations: rows.map(
        (r): AuditObservationDto => ({
          eventId: r['event_id'] as string,
          requestType: r['request_type'] as string,
          provider: r['provider'] as string,
          model: r['model'] as string,
          operation: r['operation'] as string,
          serviceTier: r['service_tier'] as string,
          contextTier: r['context_tier'] as string,
          project: (r['project'] as string | null) ?? null,
          source: r['source'] as string,
          observedAt: r['observed_at'] as string,
          final: r['final'] as boolean,
          tokens: {
            inputUncached: count(r, 'input_uncached'),
            inputCachedRead: count(r, 'input_cached_read'),
            cacheWrite5m: count(r, 'cache_write_5m'),
            cacheWrite1h: count(r, 'cache_write_1h'),
            output: count(r, 'output'),
            reasoning: count(r, 'reasoning'),
          },
          units: {
            requests: count(r, 'requests'),
            images: count(r, 'images'),
            audioSeconds: count(r, 'audio_seconds'),
            characters: count(r, 'characters'),
            searchQueries: count(r, 'search_queries'),
            webSearchCalls: count(r, 'web_search_calls'),
          },
          raw: r['raw'],
          reportedCost: r['reported_cost'] === null ? null : normalizeDecimal(r['reported_cost'] as string),
          estimate:
            r['status'] === null || r['status'] === undefined
              ? null
              : {
                  costVersion: selected,
                  status: r['status'] as CostStatus,
                  estimated: r['estimated'] === null ? null : normalizeDecimal(r['estimated'] as string),
                  priceSetId: (r['price_set_id'] as string | null) ?? null,
                  priceEffectiveFrom: (r['price_effective_from'] as string | null) ?? null,
                  priceSource: (r['price_source'] as string | null) ?? null,
                  priceIdentity: r['price_provider'] ? `${r['price_provider']}/${r['price_model']}` : null,
                  match: (r['match'] as string | null) ?? null,
                  note: (r['note'] as string | null) ?? null,
                  ...(r['detail'] as { lines: unknown[]; unpriced: unknown[]; flags: unknown[] }),
                },
        }),
      ),
      billed: billed.map((b) => ({
        eventId: b['event_id'] as string,
        lineItem: b['line_item'] as string,
        amount: normalizeDecimal(b['amount'] as string),
        currency: 'USD',
        source: b['source'] as string,
        observedAt: b['observed_at'] as string,
        final: b['final'] as boolean,
        raw: b['raw'],
      })),
    };
  }
}

function auditCell(accountId: string, day: string, usage: readonly UsageLineRow[], billed: readonly BilledLineRow[]): AuditCellDto {
  const lines: AuditLineDto[] = [];
  const counts = emptyCounts();
  for (const row of usage) {
    counts.rows += 1;
    counts[row.status] += 1;
    const estimated = row.estimated === null ? null : normalizeDecimal(row.estimated);
    const reconciled = row.reported_cost === null ? null : normalizeDecimal(row.reported_cost);
    lines.push({
      kind: 'usage',
      line: row.request_type,
      provider: row.provider,
      model: row.model,
      estimated,
      reconciled,
      difference: estimated !== null && reconciled !== null ? str(dec(reconciled).minus(estimated)) : null,
      status: reconciled !== null && (row.status === 'estimated' || row.status === 'manual') ? 'reconciled' : row.status,
      priceSetId: row.price_set_id,
    });
  }
  for (const row of billed) {
    lines.push({
      kind: 'billed',
      line: row.line_item,
      provider: row.provider,
      model: null,
      estimated: null,
      reconciled: normalizeDecimal(row.amount),
      difference: null,
      status: row.final ? 'reconciled' : 'pending',
      priceSetId: null,
    });
  }
  const estimatedLines = usage.filter((u) => u.estimated !== null);
  const estimated = estimatedLines.length > 0 ? sum(estimatedLines.map((u) => u.estimated)) : null;
  // Billed lines when there are any; per-request billed costs only otherwise (never both: one bill, one count).
  const reported = usage.filter((u) => u.reported_cost !== null);
  const reconciled =
    billed.length > 0 ? sum(billed.map((b) => b.amount)) : reported.length > 0 ? sum(reported.map((u) => u.reported_cost)) : null;
  let status: CostStatus;
  if (reconciled !== null) {
    status = billed.some((b) => !b.final) || usage.some((u) => u.status === 'pending') ? 'pending' : 'reconciled';
  } else {
    status = usage.map((u) => u.status as CostStatus).reduce((a, b) => (STATUS_RANK[a] <= STATUS_RANK[b] ? a : b), 'estimated');
  }
  return {
    accountId,
    day,
    estimated,
    reconciled,
    difference: estimated !== null && reconciled !== null ? str(dec(reconciled).minus(estimated)) : null,
    status,
    counts,
    lines,
  };
}
