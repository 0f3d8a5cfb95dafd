import type { AccountDto, AuditCellDto, AuditMonthDto } from '@act/contracts';
import { providerLabel } from '../data-access/providers';
import { daysOfMonth } from '../money/dates';
import { compareDecimals, sumDecimals } from '../money/money';

export interface AuditRow {
  accountId: string;
  name: string;
  provider: string;
  /** By day (`YYYY-MM-DD`); a day without usage or bills has no cell. */
  cells: ReadonlyMap<string, AuditCellDto>;
  estimated: string;
  reconciled: string;
  /** Sum of the cells' differences (reconciled − estimated, where both exist). */
  difference: string;
  /** Usage rows without a price: the estimate is then a lower bound. */
  unpriced: number;
}

export interface AuditMatrix {
  days: string[];
  rows: AuditRow[];
}

/** Accounts × days of the month, largest estimate first; every sum is exact. */
export function auditMatrix(audit: AuditMonthDto, accounts: ReadonlyMap<string, AccountDto>): AuditMatrix {
  const byAccount = new Map<string, AuditCellDto[]>();
  for (const cell of audit.cells) byAccount.set(cell.accountId, [...(byAccount.get(cell.accountId) ?? []), cell]);
  const rows = [...byAccount.entries()].map(([accountId, cells]): AuditRow => {
    const account = accounts.get(accountId);
    return {
      accountId,
      name: account?.displayName ?? accountId,
      provider: providerLabel(account?.provider ?? cells[0]?.lines[0]?.provider),
      cells: new Map(cells.map((cell) => [cell.day, cell])),
      estimated: sumDecimals(cells.map((cell) => cell.estimated)),
      reconciled: sumDecimals(cells.map((cell) => cell.reconciled)),
      difference: sumDecimals(cells.map((cell) => cell.difference)),
      unpriced: cells.reduce((total, cell) => total + unpricedRows(cell), 0),
    };
  });
  rows.sort((a, b) => compareDecimals(b.estimated, a.estimated) || a.name.localeCompare(b.name));
  return { days: daysOfMonth(audit.month), rows };
}

/** Rows of a cell without a price (at least one when the cell itself is unpriced). */
export function unpricedRows(cell: AuditCellDto): number {
  return Math.max(cell.counts.unpriced, cell.status === 'unpriced' ? 1 : 0);
}

/** The figure a matrix cell shows: the billed amount once reconciled, else the estimate. */
export function cellFigure(cell: AuditCellDto): string | null {
  return cell.status === 'reconciled' ? (cell.reconciled ?? cell.estimated) : (cell.estimated ?? cell.reconciled);
}
