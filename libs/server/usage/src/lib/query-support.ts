import Decimal from 'decimal.js';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import { money, moneyString } from '@act/domain/pricing';
import type { SqlDatabase, SqlExecutor } from '@act/server/database';
import type { CostRowCountsDto } from '@act/contracts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function requireMonth(month: string): { start: string; end: string } {
  if (!MONTH.test(month)) throw new DomainRuleViolation('query.month', `month must be YYYY-MM, got "${month}"`);
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return { start: `${month}-01`, end: `${next}-01` };
}

export function requireDay(day: string, name = 'day'): string {
  const parsed = DAY.test(day) ? new Date(`${day}T00:00:00Z`) : null;
  if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
    throw new DomainRuleViolation('query.day', `${name} must be a day (YYYY-MM-DD), got "${day}"`);
  }
  return day;
}

/**
 * Runs a query's statements in one read-only REPEATABLE READ transaction when `sql` can open
 * one, so every figure of an answer comes from the same snapshot: a projection batch that
 * commits between two statements can no longer pair this month's groups with other billed
 * lines. The statements also hold one connection between them, instead of queueing for one
 * each behind the dashboard-read cap (ConnectionGate). Inside a caller's transaction, it joins it.
 */
export async function onOneSnapshot<T>(sql: SqlExecutor, work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  if (!isDatabase(sql)) return work(sql);
  return sql.transaction(async (tx) => {
    await tx.query('set transaction isolation level repeatable read, read only');
    return work(tx);
  });
}

function isDatabase(sql: SqlExecutor): sql is SqlDatabase {
  return typeof (sql as Partial<SqlDatabase>).transaction === 'function';
}

/** The cost version a query reads (default: the current one) and the current one. */
export async function resolveVersion(
  sql: SqlExecutor,
  workspaceId: string,
  version: number | undefined,
): Promise<{ selected: number; current: number }> {
  const [row] = await sql.query<{ current_version: number }>(
    'select current_version from cost_workspaces where workspace_id = $1',
    [workspaceId],
  );
  const current = row?.current_version ?? 1;
  const selected = version ?? current;
  if (!Number.isInteger(selected) || selected < 1 || selected > current) {
    throw new DomainRuleViolation('cost-version.unknown', `Cost version ${version} does not exist in this workspace (current: ${current}).`, 'not-found');
  }
  return { selected, current };
}

/** The estimate rows that make up version `$v` (SCD-2: valid_from ≤ v < valid_to). */
export const IN_VERSION = (alias: string, param: string) =>
  `${alias}.valid_from <= ${param} and (${alias}.valid_to is null or ${alias}.valid_to > ${param})`;

/**
 * Billed amounts per account and day: CostReported lines, else the billed costs that came with
 * usage (never both: one bill, counted once). The latter are whatever an observation carried as
 * `reportedCost`, whatever its source: a per-request cost (Perplexity's `usage.cost`,
 * OpenRouter), a CSV import's `cost` column, a manual entry's amount.
 *
 * `model` is set on the rows that came with usage (null on billed lines, which name no model):
 * those rows can be attributed to a model and to their usage's project; a billed line only to
 * the project its line item names, if any.
 */
export const RECONCILED_SQL = `
  select account_id, day, provider, project, null::text as model, amount from cost_latest
   where workspace_id = $1 and day >= $2::date and day < $3::date
  union all
  select u.account_id, u.day, u.provider, u.project, u.model, u.reported_cost from usage_latest u
   where u.workspace_id = $1 and u.day >= $2::date and u.day < $3::date and u.reported_cost is not null
     and not exists (select 1 from cost_latest c
                      where c.workspace_id = u.workspace_id and c.account_id = u.account_id and c.day = u.day)`;

/**
 * Which billed rows of `RECONCILED_SQL` (aliased `r`) a grouping can attribute to its groups, and
 * the group key they go to (the same key the estimate side uses). By provider and account: all.
 * By model: those that came with usage. By project: those that came with usage, and billed lines
 * that name a project (a line without one may cover any project's usage: it is nobody's).
 */
export const RECONCILED_GROUPS = {
  provider: { key: 'r.provider', attributable: 'true' },
  account: { key: 'r.account_id', attributable: 'true' },
  model: { key: `r.provider || '/' || r.model`, attributable: 'r.model is not null' },
  project: { key: 'r.project', attributable: '(r.model is not null or r.project is not null)' },
} as const;

export function dec(text: string | null | undefined): Decimal {
  return money(text ?? 0);
}

export function str(value: Decimal): string {
  return value.isZero() ? '0' : moneyString(value);
}

export function sum(values: Iterable<string | null | undefined>): string {
  let total = money(0);
  for (const value of values) if (value !== null && value !== undefined) total = total.plus(value);
  return str(total);
}

export function emptyCounts(): CostRowCountsDto {
  return { rows: 0, estimated: 0, manual: 0, unpriced: 0, pending: 0 };
}

export function addCounts(into: CostRowCountsDto, from: CostRowCountsDto): CostRowCountsDto {
  into.rows += from.rows;
  into.estimated += from.estimated;
  into.manual += from.manual;
  into.unpriced += from.unpriced;
  into.pending += from.pending;
  return into;
}

/** SQL select-list computing `CostRowCountsDto` columns over estimate rows aliased `e`. */
export const COUNT_COLUMNS = `count(*)::int as n_rows,
  (count(*) filter (where e.status = 'estimated'))::int as n_estimated,
  (count(*) filter (where e.status = 'manual'))::int as n_manual,
  (count(*) filter (where e.status = 'unpriced'))::int as n_unpriced,
  (count(*) filter (where e.status = 'pending'))::int as n_pending`;

export function countsOf(row: { n_rows: number; n_estimated: number; n_manual: number; n_unpriced: number; n_pending: number }): CostRowCountsDto {
  return { rows: row.n_rows, estimated: row.n_estimated, manual: row.n_manual, unpriced: row.n_unpriced, pending: row.n_pending };
}

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, length: number): string[] {
  try {
    const parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(parts) && parts.length === length && parts.every((p) => typeof p === 'string')) return parts as string[];
  } catch {
    // fall through
  }
  throw new DomainRuleViolation('query.cursor', 'The cursor is not one this list handed out.');
}
