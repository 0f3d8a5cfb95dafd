import type { AccountBalanceDto, ProviderId, SyncRunBalanceDto } from '@act/contracts';
import { Decimal } from 'decimal.js';

/** Providers whose prepaid credit balance each sync run reads (`GET …/accounts/{id}/balance`). */
export const BALANCE_PROVIDERS: ReadonlySet<ProviderId> = new Set<ProviderId>(['openrouter']);

/** What the accounts page shows of an account's balance. */
export interface BalanceLine {
  /** `Credits: $12.34 left of $50.00, read 5 min ago`. */
  text: string;
  /** The latest read failed (the figures above, if any, are older): why, as a user reads it. */
  problem: string | null;
  /** For a tooltip: when the figures were read. */
  readAt: string | null;
}

const formatters = new Map<number, Intl.NumberFormat>();

/**
 * `"62.5787"` → `$62.58`. The amount arrives as an exact decimal string; it becomes a number only to be
 * printed (never to compute). Amounts under a cent keep enough digits not to read as zero.
 */
export function formatUsd(value: string): string {
  const amount = new Decimal(value);
  const digits = amount.isZero() || amount.abs().gte(0.01) ? 2 : 6;
  let format = formatters.get(digits);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits });
    formatters.set(digits, format);
  }
  return format.format(Number(amount.toFixed(digits)));
}

/** `5 min ago`, `3 h ago`, `2 days ago`: how fresh a figure is. */
export function ageOf(at: string, now: number): string {
  const minutes = Math.floor((now - Date.parse(at)) / 60_000);
  if (!Number.isFinite(minutes) || minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** `$12.34 left of $50.00`, or `overdrawn by $0.50 (of $10.00)` when usage passed the credits bought. */
export function describeCredits(balance: { totalCredits: string; remaining: string }): string {
  const remaining = new Decimal(balance.remaining);
  return remaining.isNegative() && !remaining.isZero()
    ? `overdrawn by ${formatUsd(remaining.abs().toFixed())} (of ${formatUsd(balance.totalCredits)})`
    : `${formatUsd(balance.remaining)} left of ${formatUsd(balance.totalCredits)}`;
}

/** The balance line of an account; `label` names an error category as a user reads it. */
export function balanceLine(dto: AccountBalanceDto, now: number, label: (category: string) => string): BalanceLine | null {
  if (!dto.supported) return null;
  const problem = dto.unavailable
    ? `The last read failed (${ageOf(dto.unavailable.at, now)}): ${label(dto.unavailable.category)}. ${dto.unavailable.message}`
    : null;
  if (dto.balance) {
    return {
      text: `Credits: ${describeCredits(dto.balance)}, read ${ageOf(dto.balance.readAt, now)}`,
      problem,
      readAt: dto.balance.readAt,
    };
  }
  return { text: problem ? 'Credits: unavailable' : 'Credits: read at the next sync', problem, readAt: null };
}

/** The balance a run read, for the sync history (a failed read is already one of the run's warnings). */
export function runBalanceText(balance: SyncRunBalanceDto | null | undefined): string | null {
  return balance?.status === 'read' ? `Credits: ${describeCredits(balance)} (${formatUsd(balance.totalUsage)} used)` : null;
}
