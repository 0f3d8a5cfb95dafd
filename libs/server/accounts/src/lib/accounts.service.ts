import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ACCOUNT_EVENT_TYPES,
  accountDecider,
  accountStatus,
  accountStreamId,
  type AccountCommand,
  type AccountEvent,
  type AccountState,
} from '@act/domain/identity';
import { DeciderStream, EVENT_STORE, type EventStore } from '@act/server/event-store';
import type { WorkspaceContext } from '@act/server/identity';
import type { CredentialVault } from '@act/server/secrets';
import type { AccountDto, AccountWriteResponse, ConnectionTestDto, ConnectionTestResponse, ProviderId } from '@act/contracts';
import type { ConnectAccountBody, UpdateAccountBody } from './dto';
import { isId } from './ids';
import { CONNECTION_TESTER, CREDENTIAL_VAULT } from './tokens';

export type ConnectionTester = (input: { provider: ProviderId; credential: string | null; baseUrl: string | null }) => Promise<ConnectionTestDto>;

/**
 * Provider accounts: one handler per command, each deciding on the account's stream. The
 * credential goes into the vault first (encrypted, bound to the account id) and the event
 * names only the vault entry and a masked hint. A crash between the two leaves an unused vault
 * row, never an event pointing at nothing.
 */
@Injectable()
export class AccountsService {
  private readonly accounts: DeciderStream<AccountCommand, AccountEvent, AccountState>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CREDENTIAL_VAULT) private readonly vault: CredentialVault,
    @Inject(CONNECTION_TESTER) private readonly tester: ConnectionTester,
  ) {
    this.accounts = new DeciderStream(store, accountDecider, ACCOUNT_EVENT_TYPES);
  }

  async connect(ctx: WorkspaceContext, body: ConnectAccountBody): Promise<AccountWriteResponse> {
    const accountId = randomUUID();
    const credential = body.credentials ? await this.seal(accountId, body.credentials) : null;
    const result = await this.accounts.execute(accountStreamId(accountId), {
      type: 'ConnectAccount',
      data: {
        accountId,
        workspaceId: ctx.workspaceId,
        provider: body.provider,
        credential,
        displayName: body.displayName,
        baseUrl: body.baseUrl ?? null,
        monthlyBudget: body.monthlyBudget ?? null,
        syncEnabled: body.syncEnabled ?? credential !== null,
      },
      metadata: { now: new Date(), actorId: ctx.userId },
    });
    return { account: toDto(result.state, credential?.hint ?? null, new Date().toISOString()), position: String(result.position) };
  }

  async update(ctx: WorkspaceContext, accountId: string, body: UpdateAccountBody): Promise<AccountWriteResponse> {
    const before = await this.load(ctx, accountId);
    const credential = body.credentials ? await this.seal(accountId, body.credentials) : undefined;
    const { displayName, baseUrl, monthlyBudget, syncEnabled } = body;
    const result = await this.accounts.execute(accountStreamId(accountId), {
      type: 'UpdateAccount',
      data: { displayName, baseUrl, monthlyBudget, syncEnabled, credential },
      metadata: { now: new Date(), actorId: ctx.userId },
    });
    // The old key is useless once rotated: shred it rather than keep a decryptable copy around.
    if (credential && before.credentialId) await this.vault.destroy(before.credentialId);
    return { account: toDto(result.state, null, null), position: String(result.position) };
  }

  async disconnect(ctx: WorkspaceContext, accountId: string): Promise<{ position: string }> {
    await this.load(ctx, accountId);
    const result = await this.accounts.execute(accountStreamId(accountId), { type: 'DisconnectAccount', data: {}, metadata: { now: new Date(), actorId: ctx.userId } });
    // History stays; the credential goes: a disconnected account can never call the provider again.
    await this.vault.destroyAllFor(accountId);
    return { position: String(result.position) };
  }

  async test(ctx: WorkspaceContext, accountId: string): Promise<ConnectionTestResponse> {
    const account = await this.load(ctx, accountId);
    if (account.disconnected) throw new NotFoundException('This account is disconnected: reconnect it as a new account to test it.');
    const credential = account.credentialId ? await this.vault.reveal(account.credentialId, accountId) : null;
    const outcome = await this.tester({ provider: account.provider, credential, baseUrl: account.settings.baseUrl });
    const result = await this.accounts.execute(accountStreamId(accountId), { type: 'RecordConnectionTest', data: outcome, metadata: { now: new Date(), actorId: ctx.userId } });
    return { ...outcome, position: String(result.position) };
  }

  /** Called by the sync when the provider refused the key: pause with the reason shown on the account. */
  async pauseAfterSyncFailure(workspaceId: string, accountId: string, reason: string): Promise<void> {
    await this.load({ workspaceId }, accountId);
    await this.accounts.execute(accountStreamId(accountId), { type: 'PauseAfterSyncFailure', data: { reason }, metadata: { now: new Date() } });
  }

  /** The account's state, if it belongs to the caller's workspace; otherwise 404, whoever owns it. */
  async load(ctx: Pick<WorkspaceContext, 'workspaceId'>, accountId: string): Promise<AccountState> {
    // Ids are UUIDs; anything else (a NUL byte, say, which PostgreSQL refuses in text) names no account.
    if (!isId(accountId)) throw new NotFoundException('No such account in this workspace.');
    const { state } = await this.accounts.load(accountStreamId(accountId));
    if (!state.accountId || state.workspaceId !== ctx.workspaceId) throw new NotFoundException('No such account in this workspace.');
    return state;
  }

  private async seal(accountId: string, plaintext: string): Promise<{ id: string; hint: string }> {
    const { credentialId, hint } = await this.vault.store(accountId, plaintext.trim());
    return { id: credentialId, hint };
  }
}

function toDto(state: AccountState, hint: string | null, connectedAt: string | null): AccountDto {
  return {
    id: state.accountId as string,
    provider: state.provider,
    displayName: state.settings.displayName,
    credentialHint: hint,
    baseUrl: state.settings.baseUrl,
    monthlyBudget: state.settings.monthlyBudget,
    currency: 'USD',
    syncEnabled: state.settings.syncEnabled,
    status: accountStatus(state),
    connectedAt: connectedAt ?? '',
    lastTest: null,
    attention: null,
  };
}
