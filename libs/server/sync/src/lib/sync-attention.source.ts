import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import { AccountsReadModel } from '@act/server/accounts';
import { syncAttention, type FinishedRun } from './sync-attention';

/** Runs looked at per account: enough for the rules, whatever the threshold. */
const RECENT_RUNS = 10;

/** Gives the accounts list the attention lines of `syncAttention`, read from the sync history. */
@Injectable()
export class SyncAttentionSource implements OnModuleInit {
  constructor(
    @Inject(SQL_DATABASE) private readonly db: SqlDatabase,
    private readonly accounts: AccountsReadModel,
  ) {}

  onModuleInit(): void {
    this.accounts.addAttentionSource((workspaceId, accountIds) => this.attention(workspaceId, accountIds));
  }

  async attention(workspaceId: string, accountIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.query<{
      account_id: string;
      status: 'succeeded' | 'failed';
      error_category: string | null;
      error_code: string | null;
      error_message: string | null;
      started_at: Date | string;
    }>(
      `select account_id, status, error_category, error_code, error_message, started_at
         from (select r.*, row_number() over (partition by account_id order by started_at desc, run_id) as n
                 from sync_runs r
                where workspace_id = $1 and status <> 'running'
                  and account_id in (select jsonb_array_elements_text($2::jsonb))) recent
        where n <= $3
        order by account_id, started_at desc, run_id`,
      [workspaceId, JSON.stringify(accountIds), RECENT_RUNS],
    );
    const byAccount = new Map<string, FinishedRun[]>();
    for (const row of rows) {
      const runs = byAccount.get(row.account_id) ?? [];
      runs.push({
        status: row.status,
        category: row.error_category,
        code: row.error_code,
        message: row.error_message,
        startedAt: new Date(row.started_at).toISOString(),
      });
      byAccount.set(row.account_id, runs);
    }
    const out = new Map<string, string>();
    for (const [accountId, runs] of byAccount) {
      const line = syncAttention(runs);
      if (line) out.set(accountId, line);
    }
    return out;
  }
}
