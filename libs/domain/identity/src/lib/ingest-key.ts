import { Command, Decider, DomainEvent, DomainRuleViolation } from '@act/domain/event-sourcing';
import { assertNever } from '@act/util/core';
import { checkName } from './email';

/**
 * An ingest API key's stream (`ingest-key-<id>`). The key is bound to one account, which fixes
 * the workspace and account of everything sent with it. Only a hash of its secret is stored.
 */
export type IngestKeyEvent =
  | DomainEvent<'IngestKeyCreated', { keyId: string; workspaceId: string; accountId: string; name: string; secretHash: string; hint: string }>
  | DomainEvent<'IngestKeyRevoked', { keyId: string; workspaceId: string; name: string }>;

export const INGEST_KEY_EVENT_TYPES = ['IngestKeyCreated', 'IngestKeyRevoked'] as const satisfies readonly IngestKeyEvent['type'][];

export type IngestKeyCommand =
  | Command<'CreateIngestKey', { keyId: string; workspaceId: string; accountId: string; name: string; secretHash: string; hint: string }>
  | Command<'RevokeIngestKey', Record<string, never>>;

export interface IngestKeyState {
  readonly keyId: string | null;
  readonly workspaceId: string;
  readonly accountId: string;
  readonly name: string;
  readonly secretHash: string;
  readonly revoked: boolean;
}

function initialState(): IngestKeyState {
  return { keyId: null, workspaceId: '', accountId: '', name: '', secretHash: '', revoked: false };
}

function evolve(state: IngestKeyState, event: IngestKeyEvent): IngestKeyState {
  switch (event.type) {
    case 'IngestKeyCreated': {
      const { keyId, workspaceId, accountId, name, secretHash } = event.data;
      return { keyId, workspaceId, accountId, name, secretHash, revoked: false };
    }
    case 'IngestKeyRevoked':
      return { ...state, revoked: true };
    default:
      return assertNever(event);
  }
}

function decide(command: IngestKeyCommand, state: IngestKeyState): IngestKeyEvent[] {
  switch (command.type) {
    case 'CreateIngestKey':
      if (state.keyId) throw new DomainRuleViolation('ingest-key.exists', 'This key already exists.', 'conflict');
      return [{ type: 'IngestKeyCreated', data: { ...command.data, name: checkName('key name', command.data.name) } }];
    case 'RevokeIngestKey':
      if (!state.keyId) throw new DomainRuleViolation('ingest-key.not-found', 'There is no such ingest key.', 'not-found');
      return state.revoked ? [] : [{ type: 'IngestKeyRevoked', data: { keyId: state.keyId, workspaceId: state.workspaceId, name: state.name } }];
    default:
      return assertNever(command);
  }
}

export const ingestKeyDecider: Decider<IngestKeyCommand, IngestKeyEvent, IngestKeyState> = { initialState, evolve, decide };

export function ingestKeyStreamId(keyId: string): string {
  return `ingest-key-${keyId}`;
}
