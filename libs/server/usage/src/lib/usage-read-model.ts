import type { SqlExecutor } from '@act/server/database';
import { TOKEN_CLASSES, OTHER_UNITS, type OtherUnits, type TokenCounts } from '@act/domain/usage';

export interface UsageBreakdownRow {
  provider: string;
  model: string;
  tokens: TokenCounts;
  units: OtherUnits;
  /** False while any observation behind the row may still change (the provider's day is not final). */
  final: boolean;
}

export interface MonthSummary {
  workspaceId: string;
  /** `YYYY-MM` */
  month: string;
  tokens: TokenCounts;
  units: OtherUnits;
  byModel: UsageBreakdownRow[];
  /** What providers billed for the month so far (the reconciled side), a decimal string. */
  billed: { amount: string; currency: 'USD'; final: boolean };
}

const COLUMNS: Record<keyof TokenCounts | keyof OtherUnits, string> = {
  inputUncached: 'input_uncached',
  inputCachedRead: 'input_cached_read',
  cacheWrite5m: 'cache_write_5m',
  cacheWrite1h: 'cache_write_1h',
  output: 'output',
  reasoning: 'reasoning',
  requests: 'requests',
  images: 'images',
  audioSeconds: 'audio_seconds',
  characters: 'characters',
  searchQueries: 'search_queries',
  webSearchCalls: 'web_search_calls',
};

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Queries over the usage ledger's read model (`usage_latest`, `cost_latest`). Every query is
 * scoped to one workspace: the workspace id is part of every WHERE clause.
 */
export class UsageReadModel {
  constructor(private readonly sql: SqlExecutor) {}

  async monthSummary(workspaceId: string, month: string): Promise<MonthSummary> {
    if (!MONTH.test(month)) throw new RangeError(`month must be YYYY-MM, got "${month}"`);
    const start = `${month}-01`;
    const sums = Object.entries(COLUMNS)
      .map(([key, column]) => `sum(${column})::text as "${key}"`)
      .join(', ');
    const rows = await this.sql.query<Record<string, string> & { provider: string; model: string; final: boolean }>(
      `select provider, model, bool_and(final) as final, ${sums}
         from usage_latest
        where workspace_id = $1 and day >= $2::date and day < ($2::date + interval '1 month')
        group by provider, model
        order by provider, model`,
      [workspaceId, start],
    );
    const [billed] = await this.sql.query<{ amount: string; final: boolean | null }>(
      `select coalesce(sum(amount), 0)::text as amount, bool_and(final) as final
         from cost_latest
        where workspace_id = $1 and day >= $2::date and day < ($2::date + interval '1 month')`,
      [workspaceId, start],
    );
    const byModel = rows.map((row) => ({
      provider: row.provider,
      model: row.model,
      tokens: pick(row, TOKEN_CLASSES) as unknown as TokenCounts,
      units: pick(row, OTHER_UNITS) as unknown as OtherUnits,
      final: row.final,
    }));
    return {
      workspaceId,
      month,
      tokens: total(byModel.map((r) => r.tokens), TOKEN_CLASSES) as unknown as TokenCounts,
      units: total(byModel.map((r) => r.units), OTHER_UNITS) as unknown as OtherUnits,
      byModel,
      billed: { amount: billed?.amount ?? '0', currency: 'USD', final: billed?.final ?? true },
    };
  }
}

function pick(row: Record<string, unknown>, keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((key) => [key, safeCount(String(row[key] ?? '0'))]));
}

function total(rows: readonly object[], keys: readonly string[]): Record<string, number> {
  const sum = (key: string) => rows.reduce((acc, row) => acc + BigInt((row as Record<string, number>)[key] ?? 0), 0n);
  return Object.fromEntries(keys.map((key) => [key, safeCount(String(sum(key)))]));
}

/** Counts leave SQL as text; a total past 2^53 would lose digits as a JS number, so refuse it loudly. */
function safeCount(text: string): number {
  const value = BigInt(text);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`A usage total (${text}) exceeds what JSON numbers carry exactly`);
  return Number(value);
}
