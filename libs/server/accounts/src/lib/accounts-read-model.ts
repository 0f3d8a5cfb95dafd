import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { SqlDatabase } from '@act/server/database';
import { SQL_DATABASE } from '@act/server/platform';
import type { AccountDto, ConnectionTestDto, IngestKeyDto } from '@act/contracts';
import { isId } from './ids';

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

/**
 * Another module's reasons for accounts to need attention (the sync's history), per account id of one
 * workspace. Registered by that module, so this one does not depend on it.
 */
export type AttentionSource = (workspaceId: string, accountIds: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/** Lists of accounts and ingest keys (directory projection), always within one workspace. */
@Injectable()
export class AccountsReadModel {
  private readonly attentionSources: AttentionSource[] = [];

  constructor(@Inject(SQL_DATABASE) private readonly db: SqlDatabase) {}

  /** Adds reasons for attention; the account's own (a pause after a refused key) comes first. */
  addAttentionSource(source: AttentionSource): void {
    this.attentionSources.push(source);
  }

  async list(workspaceId: string): Promise<AccountDto[]> {
    const rows = await this.db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from accounts where workspace_id = $1 order by lower(display_name), account_id`, [workspaceId]);
    return this.withAttention(workspaceId, rows.map(toAccountDto));
  }

  async get(workspaceId: string, accountId: string): Promise<AccountDto> {
    if (!isId(accountId)) throw new NotFoundException('No such account in this workspace.');
    const [row] = await this.db.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from accounts where workspace_id = $1 and account_id = $2`, [workspaceId, accountId]);
    if (!row) throw new NotFoundException('No such account in this workspace.');
    return (await this.withAttention(workspaceId, [toAccountDto(row)]))[0];
  }

  private async withAttention(workspaceId: string, accounts: AccountDto[]): Promise<AccountDto[]> {
    // Disconnected accounts never sync again: their old problems are not worth a look.
    const open = accounts.filter((a) => a.attention === null && a.status !== 'disconnected').map((a) => a.id);
    if (open.length === 0 || this.attentionSources.length === 0) return accounts;
    const found = new Map<string, string>();
    for (const source of this.attentionSources) {
      for (const [id, reason] of await source(workspaceId, open)) if (!found.has(id)) found.set(id, reason);
    }
    return accounts.map((a) => (a.attention === null && found.has(a.id) ? { ...a, attention: found.get(a.id) ?? null } : a));
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
