import type { AccountDto, MemberDto } from '@act/contracts';

export * from './web-test-kit.testing';

export function memberFixture(overrides: Partial<MemberDto> = {}): MemberDto {
  return {
    userId: 'u-bob',
    email: 'bob@example.test',
    displayName: 'Bob',
    role: 'member',
    joinedAt: '2026-02-01T00:00:00Z',
    ...overrides,
  };
}

export function accountFixture(overrides: Partial<AccountDto> = {}): AccountDto {
  return {
    id: 'acc1',
    provider: 'openai',
    displayName: 'OpenAI production',
    credentialHint: 'sk-admin-…a1b2',
    baseUrl: null,
    monthlyBudget: '250',
    currency: 'USD',
    syncEnabled: true,
    status: 'active',
    connectedAt: '2026-03-01T00:00:00Z',
    lastTest: null,
    ...overrides,
  };
}
