import Decimal from 'decimal.js';
import { Command, Decider, DomainEvent, DomainRuleViolation } from '@act/domain/event-sourcing';
import { assertNever } from '@act/util/core';
import { checkName } from './email';

export const PROVIDER_IDS = [
  'openai',
  'anthropic',
  'openrouter',
  'groq',
  'perplexity',
  'mistral',
  'deepseek',
  'gemini',
  'xai',
  'azure-openai',
  'bedrock',
  'custom',
] as const;
export type Provider = (typeof PROVIDER_IDS)[number];

/** Providers whose official API reports usage and cost: they need an admin/management key. */
export const PROVIDERS_WITH_USAGE_API: readonly Provider[] = ['openai', 'anthropic', 'openrouter'];

export type ConnectionTestOutcome = {
  readonly result: string;
  readonly message: string;
  readonly httpStatus: number | null;
  readonly endpoint: string | null;
  readonly checkedAt: string;
};

/**
 * A provider account's stream (`account-<id>`). Credentials never enter it: the server keeps
 * them encrypted in its vault and the events name the vault entry (`credentialId`) and a
 * masked hint, so the log can be kept, copied and replayed without exposing a key.
 */
export type AccountEvent =
  | DomainEvent<
      'AccountConnected',
      {
        accountId: string;
        workspaceId: string;
        provider: Provider;
        displayName: string;
        credentialId: string | null;
        credentialHint: string | null;
        baseUrl: string | null;
        monthlyBudget: string | null;
        syncEnabled: boolean;
      }
    >
  | DomainEvent<'AccountRenamed', { accountId: string; displayName: string }>
  | DomainEvent<'AccountCredentialsRotated', { accountId: string; credentialId: string; credentialHint: string }>
  | DomainEvent<'AccountSettingsChanged', { accountId: string; baseUrl?: string | null; monthlyBudget?: string | null }>
  /** `reason` is set when the product paused it (a sync found the key revoked), not a person. */
  | DomainEvent<'AccountSyncPaused', { accountId: string; reason?: string }>
  | DomainEvent<'AccountSyncResumed', { accountId: string }>
  | DomainEvent<'AccountConnectionTested', { accountId: string } & ConnectionTestOutcome>
  | DomainEvent<'AccountDisconnected', { accountId: string }>;

export const ACCOUNT_EVENT_TYPES = [
  'AccountConnected',
  'AccountRenamed',
  'AccountCredentialsRotated',
  'AccountSettingsChanged',
  'AccountSyncPaused',
  'AccountSyncResumed',
  'AccountConnectionTested',
  'AccountDisconnected',
] as const satisfies readonly AccountEvent['type'][];

export type AccountSettings = {
  displayName: string;
  baseUrl: string | null;
  monthlyBudget: string | null;
  syncEnabled: boolean;
};

export type AccountCommand =
  | Command<
      'ConnectAccount',
      { accountId: string; workspaceId: string; provider: Provider; credential: { id: string; hint: string } | null } & AccountSettings
    >
  | Command<'UpdateAccount', Partial<AccountSettings> & { credential?: { id: string; hint: string } }>
  | Command<'RecordConnectionTest', ConnectionTestOutcome>
  | Command<'PauseAfterSyncFailure', { reason: string }>
  | Command<'DisconnectAccount', Record<string, never>>;

export interface AccountState {
  readonly accountId: string | null;
  readonly workspaceId: string;
  readonly provider: Provider;
  readonly credentialId: string | null;
  readonly settings: AccountSettings;
  readonly disconnected: boolean;
}

function initialState(): AccountState {
  return {
    accountId: null,
    workspaceId: '',
    provider: 'custom',
    credentialId: null,
    settings: { displayName: '', baseUrl: null, monthlyBudget: null, syncEnabled: false },
    disconnected: false,
  };
}

function evolve(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountConnected': {
      const { accountId, workspaceId, provider, credentialId, displayName, baseUrl, monthlyBudget, syncEnabled } = event.data;
      return { accountId, workspaceId, provider, credentialId, settings: { displayName, baseUrl, monthlyBudget, syncEnabled }, disconnected: false };
    }
    case 'AccountRenamed':
      return { ...state, settings: { ...state.settings, displayName: event.data.displayName } };
    case 'AccountCredentialsRotated':
      return { ...state, credentialId: event.data.credentialId };
    case 'AccountSettingsChanged': {
      const { baseUrl, monthlyBudget } = event.data;
      return { ...state, settings: { ...state.settings, ...definedOnly({ baseUrl, monthlyBudget }) } };
    }
    case 'AccountSyncPaused':
    case 'AccountSyncResumed':
      return { ...state, settings: { ...state.settings, syncEnabled: event.type === 'AccountSyncResumed' } };
    case 'AccountConnectionTested':
      return state;
    case 'AccountDisconnected':
      return { ...state, disconnected: true, credentialId: null, settings: { ...state.settings, syncEnabled: false } };
    default:
      return assertNever(event);
  }
}

function decide(command: AccountCommand, state: AccountState): AccountEvent[] {
  if (command.type === 'ConnectAccount') {
    if (state.accountId) throw new DomainRuleViolation('account.exists', 'This account is already connected.', 'conflict');
    const { accountId, workspaceId, provider, credential } = command.data;
    const settings = checkSettings(command.data);
    if (PROVIDERS_WITH_USAGE_API.includes(provider) && settings.syncEnabled && !credential) {
      throw new DomainRuleViolation(
        'account.credentials-required',
        `Syncing ${provider} usage needs its admin key: add the credentials, or turn sync off and send usage through the ingest API.`,
      );
    }
    return [
      {
        type: 'AccountConnected',
        data: { accountId, workspaceId, provider, credentialId: credential?.id ?? null, credentialHint: credential?.hint ?? null, ...settings },
      },
    ];
  }
  if (!state.accountId) throw new DomainRuleViolation('account.not-found', 'There is no such account.', 'not-found');
  const accountId = state.accountId;
  if (state.disconnected) {
    throw new DomainRuleViolation('account.disconnected', 'This account is disconnected: its history stays, but it can no longer be changed.', 'conflict');
  }
  switch (command.type) {
    case 'UpdateAccount':
      return updateAccount(accountId, state, command.data);
    case 'RecordConnectionTest':
      return [{ type: 'AccountConnectionTested', data: { accountId, ...command.data } }];
    case 'PauseAfterSyncFailure':
      // Retrying a revoked key forever helps no one: pause until someone fixes the key and resumes.
      return state.settings.syncEnabled ? [{ type: 'AccountSyncPaused', data: { accountId, reason: command.data.reason } }] : [];
    case 'DisconnectAccount':
      return [{ type: 'AccountDisconnected', data: { accountId } }];
    default:
      return assertNever(command);
  }
}

function updateAccount(accountId: string, state: AccountState, update: CommandData<'UpdateAccount'>): AccountEvent[] {
  const events: AccountEvent[] = [];
  const next = checkSettings({ ...state.settings, ...definedOnly(update) });
  if (next.displayName !== state.settings.displayName) events.push({ type: 'AccountRenamed', data: { accountId, displayName: next.displayName } });
  if (update.credential) {
    events.push({ type: 'AccountCredentialsRotated', data: { accountId, credentialId: update.credential.id, credentialHint: update.credential.hint } });
  }
  const changes: { baseUrl?: string | null; monthlyBudget?: string | null } = {};
  if (next.baseUrl !== state.settings.baseUrl) changes.baseUrl = next.baseUrl;
  if (next.monthlyBudget !== state.settings.monthlyBudget) changes.monthlyBudget = next.monthlyBudget;
  if (Object.keys(changes).length > 0) events.push({ type: 'AccountSettingsChanged', data: { accountId, ...changes } });
  if (next.syncEnabled !== state.settings.syncEnabled) {
    if (next.syncEnabled && PROVIDERS_WITH_USAGE_API.includes(state.provider) && !state.credentialId && !update.credential) {
      throw new DomainRuleViolation('account.credentials-required', 'Add the admin key before turning sync on.');
    }
    events.push({ type: next.syncEnabled ? 'AccountSyncResumed' : 'AccountSyncPaused', data: { accountId } });
  }
  return events;
}

type CommandData<T extends AccountCommand['type']> = Extract<AccountCommand, { type: T }>['data'];

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const MAX_BUDGET = new Decimal('1e12');

function checkSettings(settings: AccountSettings): AccountSettings {
  const displayName = checkName('account name', settings.displayName);
  let baseUrl = settings.baseUrl?.trim() || null;
  if (baseUrl) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new DomainRuleViolation('account.base-url', `"${baseUrl.slice(0, 100)}" is not a URL. Use the form https://gateway.example.com/v1.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new DomainRuleViolation('account.base-url', 'The base URL must start with https:// or http://.');
    if (url.username || url.password) throw new DomainRuleViolation('account.base-url', 'Put credentials in the credentials field, not in the base URL.');
    baseUrl = url.toString().replace(/\/+$/, '');
  }
  let monthlyBudget = settings.monthlyBudget?.trim() || null;
  if (monthlyBudget !== null) {
    if (!/^\d+(\.\d+)?$/.test(monthlyBudget) || new Decimal(monthlyBudget).gt(MAX_BUDGET)) {
      throw new DomainRuleViolation('account.budget', `A monthly budget is a positive decimal amount like "250.00" (got "${monthlyBudget.slice(0, 40)}").`);
    }
    monthlyBudget = new Decimal(monthlyBudget).toFixed();
  }
  return { displayName, baseUrl, monthlyBudget, syncEnabled: settings.syncEnabled };
}

export const accountDecider: Decider<AccountCommand, AccountEvent, AccountState> = { initialState, evolve, decide };

export function accountStreamId(accountId: string): string {
  return `account-${accountId}`;
}

export function accountStatus(state: Pick<AccountState, 'disconnected' | 'settings'>): 'active' | 'paused' | 'disconnected' {
  if (state.disconnected) return 'disconnected';
  return state.settings.syncEnabled ? 'active' : 'paused';
}
