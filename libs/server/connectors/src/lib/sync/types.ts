import type { CostReported, UsageObserved } from '@act/domain/usage';
import type { SyncHttpOptions } from './provider-client';

/** Providers with an official usage/cost API we read. */
export type SyncProvider = 'openai' | 'anthropic' | 'openrouter';
export const SYNC_PROVIDERS: readonly SyncProvider[] = [
  'openai',
  'anthropic',
  'openrouter',
];

export function isSyncProvider(value: unknown): value is SyncProvider {
  return (
    typeof value === 'string' &&
    (SYNC_PROVIDERS as readonly string[]).includes(value)
  );
}

/** The account a connector reads for, and where the events it builds belong. */
export interface SyncAccount {
  workspaceId: string;
  accountId: string;
  /** The decrypted admin/management key; it goes into request headers and nowhere else. */
  credential: string | null;
  /** Overrides the provider's API root (gateway, proxy, test server); same rule as connection tests. */
  baseUrl: string | null;
}

export interface SyncConnectorOptions extends SyncHttpOptions {
  /** Daily buckets asked for per page (OpenAI, Anthropic). Default 31, the providers' maximum for `1d`. */
  pageSize?: number;
  /**
   * Hours after a UTC day ends before its numbers count as final. Default 24 (Anthropic: data "up to a day"
   * late; OpenAI and OpenRouter revise the last day too). Re-read windows must be longer than this, or a day
   * read only while pending stays pending.
   */
  settleHours?: number;
  /** Pages per endpoint before giving up (`too_many_pages`). Default 1 000. */
  maxPages?: number;
}

/** UTC days, both included, `YYYY-MM-DD`. A `to` after today is read up to today. */
export interface SyncRange {
  from: string;
  to: string;
}

export interface SyncRunOptions {
  /** Called after every page read. */
  onProgress?: (progress: SyncProgress) => void;
  /** Stops the run between attempts and pages (a `transient`/`aborted` `SyncError`). */
  signal?: AbortSignal;
}

export interface SyncProgress {
  provider: SyncProvider;
  /** What is being read, e.g. `usage/completions`, `costs`, `activity`. */
  step: string;
  /** 0-based index of `step` among `stepCount` steps of this run. */
  stepIndex: number;
  stepCount: number;
  /** The request of the page just read (no secrets). */
  endpoint: string;
  /** Pages read in this step so far. */
  page: number;
  /** Days of the range this step has covered so far, of `daysTotal`. */
  daysDone: number;
  daysTotal: number;
  /** Provider rows read in this step / in the whole run so far. */
  rows: number;
  rowsTotal: number;
}

/** Something the sync did not stop for but a person may want to know. */
export interface SyncWarning {
  code:
    | 'unknown_value'
    | 'inconsistent'
    | 'unavailable_days'
    | 'outside_range';
  message: string;
  endpoint?: string;
  fieldPath?: string;
}

export interface SyncResult {
  provider: SyncProvider;
  /** The range read (the request's, with `to` capped at today). */
  range: SyncRange;
  /** Days the provider answered for, in order. A day without rows had no usage (as the provider saw it). */
  days: string[];
  /** Those of `days` still open to revision (`final: false` in their events). */
  pendingDays: string[];
  /** The instant every event of this run carries as `observedAt`. */
  observedAt: string;
  /** One `UsageObserved.v1` per (day, requestType), validated by `observeUsage`; ids are content-derived. */
  usage: UsageObserved[];
  /** One `CostReported.v1` per (day, line item), validated by `reportCost`. */
  costs: CostReported[];
  stats: { requests: number; pages: number; rows: number };
  warnings: SyncWarning[];
}

export interface SyncConnector {
  readonly provider: SyncProvider;
  /**
   * Reads usage and billed cost for the range and returns the events to append. Throws a `SyncError` (see its
   * categories) and nothing else for provider trouble; a `RangeError` for a malformed range.
   */
  sync(range: SyncRange, run?: SyncRunOptions): Promise<SyncResult>;
}
