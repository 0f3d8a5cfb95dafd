import type { SqlExecutor } from '@act/server/database';
import type { RecordedEvent } from '@act/server/event-store';
import type { Projection } from '@act/server/projections';
import { SYNC_EVENT_TYPES, type SyncEvent } from './sync-events';

/** The sync history per account (`GET …/sync-runs`) and each account's latest outcome. */
export const syncRunsProjection: Projection = {
  name: 'sync_runs',
  version: 1,
  tables: ['sync_runs'],
  eventTypes: SYNC_EVENT_TYPES,

  async setup(tx: SqlExecutor) {
    await tx.query(`create table sync_runs (
      run_id text primary key, workspace_id text not null, account_id text not null, kind text not null,
      range_from date not null, range_to date not null, days_total int not null, days_done int not null default 0,
      status text not null, started_at timestamptz not null, finished_at timestamptz,
      appended int not null default 0, requests int not null default 0, pending_days jsonb not null default '[]',
      warnings jsonb not null default '[]', error_category text, error_code text, error_message text)`);
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
        case 'SyncRunCompleted':
          await tx.query(
            `update sync_runs set status = 'succeeded', finished_at = $2, requests = $3, pending_days = $4::jsonb, warnings = $5::jsonb where run_id = $1`,
            [event.data.runId, at, event.data.requests, JSON.stringify(event.data.pendingDays), JSON.stringify(event.data.warnings)],
          );
          break;
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
