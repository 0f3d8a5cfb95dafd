import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { INGEST_KEY_EVENT_TYPES, ingestKeyDecider, ingestKeyStreamId, type IngestKeyCommand, type IngestKeyEvent, type IngestKeyState } from '@act/domain/identity';
import { DeciderStream, EVENT_STORE, type EventStore } from '@act/server/event-store';
import type { WorkspaceContext } from '@act/server/identity';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import type { CreatedIngestKeyDto } from '@act/contracts';
import { AccountsService } from './accounts.service';
import { isId } from './ids';

const PREFIX = 'act_ik_';
const KEY = /^act_ik_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** Who an ingest key speaks for. */
export interface IngestCaller {
  readonly keyId: string;
  readonly workspaceId: string;
  readonly accountId: string;
}

/**
 * Ingest API keys: `act_ik_<key id>_<256 random bits>`. The id finds the key's stream; only a
 * SHA-256 of the whole key is stored (the key is random, so a slow hash would add nothing).
 */
@Injectable()
export class IngestKeysService {
  private readonly keys: DeciderStream<IngestKeyCommand, IngestKeyEvent, IngestKeyState>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly accounts: AccountsService,
  ) {
    this.keys = new DeciderStream(store, ingestKeyDecider, INGEST_KEY_EVENT_TYPES);
  }

  async create(ctx: WorkspaceContext, input: { accountId: string; name: string }): Promise<CreatedIngestKeyDto> {
    const account = await this.accounts.load(ctx, input.accountId);
    if (account.disconnected) throw new DomainRuleViolation('ingest-key.account-disconnected', 'This account is disconnected: it cannot receive usage any more.', 'conflict');
    const keyId = randomUUID();
    const key = `${PREFIX}${keyId.replace(/-/g, '')}_${randomBytes(32).toString('base64url')}`;
    const hint = `${PREFIX}…${key.slice(-4)}`;
    const now = new Date();
    const result = await this.keys.execute(ingestKeyStreamId(keyId), {
      type: 'CreateIngestKey',
      data: { keyId, workspaceId: ctx.workspaceId, accountId: input.accountId, name: input.name, secretHash: hashKey(key), hint },
      metadata: { now, actorId: ctx.userId },
    });
    return { id: keyId, name: result.state.name, accountId: input.accountId, hint, createdAt: now.toISOString(), revokedAt: null, key, position: String(result.position) };
  }

  async revoke(ctx: WorkspaceContext, keyId: string): Promise<{ position: string }> {
    if (!isId(keyId)) throw new DomainRuleViolation('ingest-key.not-found', 'No such ingest key in this workspace.', 'not-found');
    const { state } = await this.keys.load(ingestKeyStreamId(keyId));
    if (!state.keyId || state.workspaceId !== ctx.workspaceId) throw new DomainRuleViolation('ingest-key.not-found', 'No such ingest key in this workspace.', 'not-found');
    const result = await this.keys.execute(ingestKeyStreamId(keyId), { type: 'RevokeIngestKey', data: {}, metadata: { now: new Date(), actorId: ctx.userId } });
    return { position: String(result.position) };
  }

  /** The workspace and account a key may write to; 401 for anything else (unknown, revoked, account disconnected). */
  async authenticate(key: string): Promise<IngestCaller> {
    const match = KEY.exec(key);
    if (!match) throw invalidKey();
    const hex = match[1];
    const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const { state } = await this.keys.load(ingestKeyStreamId(keyId));
    if (!state.keyId || state.revoked || !timingSafeEqual(Buffer.from(state.secretHash, 'hex'), Buffer.from(hashKey(key), 'hex'))) throw invalidKey();
    const account = await this.accounts.load({ workspaceId: state.workspaceId }, state.accountId).catch(() => null);
    if (!account || account.disconnected) throw invalidKey();
    return { keyId, workspaceId: state.workspaceId, accountId: state.accountId };
  }
}

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function invalidKey(): UnauthorizedException {
  return new UnauthorizedException('This ingest key is not valid (unknown, revoked, or its account was disconnected).');
}
