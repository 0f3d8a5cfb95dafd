import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import type { AccountDto, ConnectionTestDto, IngestKeyDto } from '@act/contracts';

interface AccountRow {
  account_id: string;
  provider: AccountDto['provider'];
  display_name: string;
  credential_hint: string | null;
  base_url: string | null;
  monthly_budget: string | null;
  sync_enabled: boolean;
  status: AccountDto['status'];
  connected_at: Date;
  last_test: ConnectionTestDto | string | null;
  attention: string | null;
}

const ACCOUNT_COLUMNS = `account_id, provider, display_name, credential_hint, base_url, monthly_budget::text as monthly_budget,
  sync_enabled, status, connected_at, last_test, attention`;

/** Lists of accounts and ingest keys (directory projection), always within one workspace. */
@Injectable()
export class AccountsReadModel {
  constructor(@Inject(SQL_DATABASE) private readonly db: SqlDatabase) {}

  async list(workspaceId: string): Promise<AccountDto[]> {
    const rows = await this.db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from accounts where workspace_id = $1 order by lower(display_name), account_id`, [workspaceId]);
    return rows.map(toAccountDto);
  }

  async get(workspaceId: string, accountId: string): Promise<AccountDto> {
    const [row] = await this.db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from accounts where workspace_id = $1 and account_id = $2`, [workspaceId, accountId]);
    if (!row) throw new NotFoundException('No such account in this workspace.');
    return toAccountDto(row);
  }

  async ingestKeys(workspaceId: string): Promise<IngestKeyDto[]> {
    const rows = await this.db.query<{ key_id: string; name: string; account_id: string; hint: string; created_at: Date; revoked_at: Date | null }>(
      `select key_id, name, account_id, hint, created_at, revoked_at from ingest_keys where workspace_id = $1 order by created_at desc, key_id`,
      [workspaceId],
    );
    return rows.map((r) => ({
      id: r.key_id,
      name: r.name,
      accountId: r.account_id,
      hint: r.hint,
      createdAt: new Date(r.created_at).toISOString(),
      revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    }));
  }
}

export function toAccountDto(row: AccountRow): AccountDto {
  return {
    id: row.account_id,
    provider: row.provider,
    displayName: row.display_name,
    credentialHint: row.credential_hint,
    baseUrl: row.base_url,
    monthlyBudget: row.monthly_budget,
    currency: 'USD',
    syncEnabled: row.sync_enabled,
    status: row.status,
    connectedAt: new Date(row.connected_at).toISOString(),
    lastTest: typeof row.last_test === 'string' ? JSON.parse(row.last_test) : row.last_test,
    attention: row.attention,
  };
}
