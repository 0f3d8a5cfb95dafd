import type { SqlExecutor } from '@act/server/database';
import type { RecordedEvent } from '@act/server/event-store';
import type { Projection } from '@act/server/projections';
import { SYNC_EVENT_TYPES, type SyncEvent } from './sync-events';

/**
 * The sync history per account (`GET …/sync-runs`) and each account's latest outcome, with the credit balance a
 * run read (`GET …/balance` is the latest one). v2 added the `balance_*` columns; readers select them through
 * `to_jsonb(row)` so they still answer (with no balance) from a v1 table while v2 is being rebuilt.
 */
export const syncRunsProjection: Projection = {
  name: 'sync_runs',
  version: 2,
  tables: ['sync_runs'],
  eventTypes: SYNC_EVENT_TYPES,

  async setup(tx: SqlExecutor) {
    await tx.query(`create table sync_runs (
      run_id text primary key, workspace_id text not null, account_id text not null, kind text not null,
      range_from date not null, range_to date not null, days_total int not null, days_done int not null default 0,
      status text not null, started_at timestamptz not null, finished_at timestamptz,
      appended int not null default 0, requests int not null default 0, pending_days jsonb not null default '[]',
      warnings jsonb not null default '[]', error_category text, error_code text, error_message text,
      balance_status text, balance_total_credits numeric, balance_total_usage numeric, balance_remaining numeric,
      balance_currency text, balance_read_at timestamptz, balance_error_category text, balance_error_code text, balance_error_message text)`);
    await tx.query('create index sync_runs_account on sync_runs (workspace_id, account_id, started_at desc)');
  },

  async apply(tx: SqlExecutor, events: readonly RecordedEvent[]) {
    for (const recorded of events) {
      const event = recorded as unknown as SyncEvent;
      const at = typeof recorded.metadata['at'] === 'string' ? recorded.metadata['at'] : recorded.recordedAt.toISOString();
      switch (event.type) {
        case 'SyncRunStarted': {
          const d = event.data;
          await tx.query(
            `insert into sync_runs (run_id, workspace_id, account_id, kind, range_from, range_to, days_total, status, started_at)
             values ($1, $2, $3, $4, $5, $6, $7, 'running', $8) on conflict do nothing`,
            [d.runId, d.workspaceId, d.accountId, d.kind, d.from, d.to, d.days, at],
          );
          break;
        }
        case 'SyncChunkRecorded':
          await tx.query(
            `update sync_runs set days_done = days_done + ($2::date - $3::date + 1), appended = appended + $4 where run_id = $1`,
            [event.data.runId, event.data.to, event.data.from, event.data.appended],
          );
          break;
        case 'SyncRunCompleted': {
          const d = event.data;
          const b = d.balance;
          const read = b?.status === 'read' ? b : null;
          const unavailable = b?.status === 'unavailable' ? b : null;
          await tx.query(
            `update sync_runs set status = 'succeeded', finished_at = $2, requests = $3, pending_days = $4::jsonb, warnings = $5::jsonb,
                    balance_status = $6, balance_total_credits = $7::numeric, balance_total_usage = $8::numeric, balance_remaining = $9::numeric,
                    balance_currency = $10, balance_read_at = $11, balance_error_category = $12, balance_error_code = $13, balance_error_message = $14
              where run_id = $1`,
            [
              d.runId, at, d.requests, JSON.stringify(d.pendingDays), JSON.stringify(d.warnings),
              b?.status ?? null, read?.totalCredits ?? null, read?.totalUsage ?? null, read?.remaining ?? null, read?.currency ?? null,
              b?.readAt ?? null, unavailable?.category ?? null, unavailable?.code ?? null, unavailable?.message ?? null,
            ],
          );
          break;
        }
        case 'SyncRunFailed':
          await tx.query(
            `update sync_runs set status = 'failed', finished_at = $2, error_category = $3, error_code = $4, error_message = $5 where run_id = $1`,
            [event.data.runId, at, event.data.category, event.data.code, event.data.message],
          );
          break;
      }
    }
  },
};
