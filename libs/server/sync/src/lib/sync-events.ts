import type { DomainEvent } from '@act/domain/event-sourcing';

export type SyncKind = 'scheduled' | 'manual';

/**
 * Each account's sync history (`sync-<accountId>`): when a run started, each chunk of days it
 * recorded, how it ended. The chunks are the sync checkpoint: a run cut short (a crash, a lost
 * lease, a provider error) keeps what it recorded, and the next run reads only what is missing
 * plus the look-back window.
 */
export type SyncEvent =
  | DomainEvent<'SyncRunStarted', { runId: string; workspaceId: string; accountId: string; kind: SyncKind; from: string; to: string; days: number }>
  | DomainEvent<
      'SyncChunkRecorded',
      {
        runId: string;
        accountId: string;
        from: string;
        to: string;
        usageObservations: number;
        costLines: number;
        appended: number;
        /** A re-read of a chosen range: progress only, not coverage (it may lie outside the covered range). */
        resync?: boolean;
      }
    >
  | DomainEvent<
      'SyncRunCompleted',
      {
        runId: string;
        workspaceId: string;
        accountId: string;
        pendingDays: string[];
        appended: number;
        requests: number;
        warnings: string[];
        /** The prepaid credit balance the run read after the usage (providers in `BALANCE_PROVIDERS`); absent for others and for older runs. */
        balance?: SyncBalance;
      }
    >
  | DomainEvent<'SyncRunFailed', { runId: string; workspaceId: string; accountId: string; category: string; code: string; message: string }>;

/**
 * An account's prepaid credit balance as a run read it (OpenRouter `GET /credits`), or why it could not. USD
 * decimal strings, exact: `remaining` = `totalCredits` − `totalUsage`, negative when the account is overdrawn.
 * A balance that could not be read never fails the run: the usage it recorded stands, and the balance an
 * earlier run read stays the latest one known.
 */
export type SyncBalance =
  | { status: 'read'; totalCredits: string; totalUsage: string; remaining: string; currency: 'USD'; readAt: string }
  | { status: 'unavailable'; category: string; code: string; message: string; readAt: string };

/** Providers whose balance a sync run reads after the usage. */
export const BALANCE_PROVIDERS: ReadonlySet<string> = new Set(['openrouter']);

export const SYNC_EVENT_TYPES = ['SyncRunStarted', 'SyncChunkRecorded', 'SyncRunCompleted', 'SyncRunFailed'] as const;

export function syncStreamId(accountId: string): string {
  return `sync-${accountId}`;
}

/**
 * Runs that started and never ended in the history: the process running them stopped (SIGKILL,
 * power loss, a container killed) before it could record the end. Only meaningful to a caller
 * that holds the account's lease, which proves none of them is still running anywhere.
 */
export function unfinishedRuns(events: readonly { type: string; data: unknown }[]): string[] {
  const open = new Set<string>();
  for (const event of events) {
    const runId = (event.data as { runId?: unknown } | null)?.runId;
    if (typeof runId !== 'string') continue;
    if (event.type === 'SyncRunStarted') open.add(runId);
    else if (event.type === 'SyncRunCompleted' || event.type === 'SyncRunFailed') open.delete(runId);
  }
  return [...open];
}

/** What the history says about a run that `unfinishedRuns` found. */
export const INTERRUPTED_RUN = {
  category: 'transient',
  code: 'interrupted',
  message: 'The process running this sync stopped (a crash or a restart) before it finished. What it had recorded is kept; the next run read the rest.',
} as const;

/** The contiguous range of days recorded so far (runs always extend it without gaps). */
export interface SyncCoverage {
  readonly from: string | null;
  readonly through: string | null;
}

export function foldCoverage(events: readonly { type: string; data: unknown }[]): SyncCoverage {
  const chunks = events
    .filter((event) => event.type === 'SyncChunkRecorded' && !(event.data as { resync?: boolean }).resync)
    .map((event) => event.data as { from: string; to: string });
  if (chunks.length === 0) return { from: null, through: null };
  return {
    from: chunks.map((c) => c.from).reduce((a, b) => (a < b ? a : b)),
    through: chunks.map((c) => c.to).reduce((a, b) => (a > b ? a : b)),
  };
}

export interface SyncPlanInput {
  today: string;
  coverage: SyncCoverage;
  backfillDays: number;
  lookbackDays: number;
  chunkDays: number;
}

/**
 * The day ranges a run reads, newest first (so this month's figures appear first): the recent
 * window from the last recorded day minus the look-back, then, backwards, whatever of the
 * backfill window was never recorded. Chunks are contiguous, so coverage stays one range.
 */
export function planSync({ today, coverage, backfillDays, lookbackDays, chunkDays }: SyncPlanInput): { from: string; to: string }[] {
  const backfillStart = addDays(today, -(backfillDays - 1));
  const ranges: { from: string; to: string }[] = [];
  if (coverage.from === null || coverage.through === null) {
    ranges.push({ from: backfillStart, to: today });
  } else {
    const recentFrom = maxDay(backfillStart, addDays(coverage.through, -(lookbackDays - 1)));
    // Never leave a hole between what was recorded and the recent window.
    ranges.push({ from: minDay(recentFrom, addDays(coverage.through, 1)), to: today });
    if (coverage.from > backfillStart) ranges.push({ from: backfillStart, to: addDays(coverage.from, -1) });
  }
  const chunks: { from: string; to: string }[] = [];
  for (const range of ranges) {
    for (let to = range.to; to >= range.from; to = addDays(to, -chunkDays)) {
      chunks.push({ from: maxDay(range.from, addDays(to, -(chunkDays - 1))), to });
    }
  }
  return chunks;
}

export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** A chosen range, newest chunk first, for a re-sync. */
export function chunkRange(range: { from: string; to: string }, chunkDays: number): { from: string; to: string }[] {
  const chunks: { from: string; to: string }[] = [];
  for (let to = range.to; to >= range.from; to = addDays(to, -chunkDays)) chunks.push({ from: maxDay(range.from, addDays(to, -(chunkDays - 1))), to });
  return chunks;
}

const maxDay = (a: string, b: string) => (a > b ? a : b);
const minDay = (a: string, b: string) => (a < b ? a : b);
