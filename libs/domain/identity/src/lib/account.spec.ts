import { DomainRuleViolation, deciderSpec } from '@act/domain/event-sourcing';
import { AccountCommand, AccountEvent, accountDecider, accountStatus } from './account';
import { foldEvents } from '@act/domain/event-sourcing';

const metadata = { now: new Date('2026-11-24T12:00:00Z'), actorId: 'u1' };
const spec = deciderSpec(accountDecider);
const connect = (data: Partial<Extract<AccountCommand, { type: 'ConnectAccount' }>['data']> = {}): AccountCommand => ({
  type: 'ConnectAccount',
  data: {
    accountId: 'a1',
    workspaceId: 'w1',
    provider: 'openai',
    displayName: 'Prod',
    credential: { id: 'c1', hint: 'sk-admin-…a1b2' },
    baseUrl: null,
    monthlyBudget: null,
    syncEnabled: true,
    ...data,
  },
  metadata,
});
const connected = spec.given([]).when(connect()).events() as AccountEvent[];
const update = (data: Extract<AccountCommand, { type: 'UpdateAccount' }>['data']): AccountCommand => ({ type: 'UpdateAccount', data, metadata });
const code = (error: unknown) => (error as DomainRuleViolation).code;

describe('provider account', () => {
  it('connects with normalised settings and only a credential reference', () => {
    const [event] = spec.given([]).when(connect({ baseUrl: 'http://127.0.0.1:9999/v1/', monthlyBudget: '250.50' })).events();
    expect(event).toEqual({
      type: 'AccountConnected',
      data: expect.objectContaining({ credentialId: 'c1', credentialHint: 'sk-admin-…a1b2', baseUrl: 'http://127.0.0.1:9999/v1', monthlyBudget: '250.5' }),
    });
  });

  it('refuses a bad base URL, a bad budget, and sync without a key where the provider has a usage API', () => {
    expect(code(spec.given([]).when(connect({ baseUrl: 'ftp://x' })).error())).toBe('account.base-url');
    expect(code(spec.given([]).when(connect({ baseUrl: 'https://u:p@x.test' })).error())).toBe('account.base-url');
    expect(code(spec.given([]).when(connect({ monthlyBudget: '-5' })).error())).toBe('account.budget');
    expect(code(spec.given([]).when(connect({ monthlyBudget: '1e3' })).error())).toBe('account.budget');
    expect(code(spec.given([]).when(connect({ credential: null })).error())).toBe('account.credentials-required');
    expect(spec.given([]).when(connect({ provider: 'groq', credential: null })).events()).toHaveLength(1);
  });

  it('turns an update into one event per kind of change, and nothing for no change', () => {
    expect(spec.given(connected).when(update({ displayName: 'Prod' })).events()).toEqual([]);
    const events = spec.given(connected).when(update({ displayName: 'Production', credential: { id: 'c2', hint: 'sk-…zz' }, monthlyBudget: '10', syncEnabled: false })).events();
    expect(events.map((e) => e.type)).toEqual(['AccountRenamed', 'AccountCredentialsRotated', 'AccountSettingsChanged', 'AccountSyncPaused']);
    const state = foldEvents(accountDecider, [...connected, ...events]);
    expect(state.credentialId).toBe('c2');
    expect(accountStatus(state)).toBe('paused');
  });

  it('is read-only once disconnected, and forgets its credential', () => {
    const disconnected = [...connected, ...spec.given(connected).when({ type: 'DisconnectAccount', data: {}, metadata }).events()];
    const state = foldEvents(accountDecider, disconnected);
    expect(accountStatus(state)).toBe('disconnected');
    expect(state.credentialId).toBeNull();
    expect(code(spec.given(disconnected).when(update({ displayName: 'x' })).error())).toBe('account.disconnected');
  });
});

describe('provider account paused by a failing sync', () => {
  it('pauses once with the reason, and a later resume clears it', () => {
    const pause: AccountCommand = { type: 'PauseAfterSyncFailure', data: { reason: 'key revoked' }, metadata };
    const paused = spec.given(connected).when(pause).events();
    expect(paused).toEqual([{ type: 'AccountSyncPaused', data: { accountId: 'a1', reason: 'key revoked' } }]);
    expect(spec.given([...connected, ...paused]).when(pause).events()).toEqual([]);
    const resumed = spec.given([...connected, ...paused]).when(update({ syncEnabled: true })).events();
    expect(resumed.map((e) => e.type)).toEqual(['AccountSyncResumed']);
  });
});
