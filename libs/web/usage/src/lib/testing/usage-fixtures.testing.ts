import type {
  AccountDto,
  AuditCellDto,
  AuditMonthDto,
  AuditObservationDto,
  CostBreakdownRowDto,
  CostRowCountsDto,
  UsageMonthSummaryDto,
} from '@act/contracts';
import { WS } from '@act/web/identity/testing';
import type { ManualEntryDto } from '../data-access/ingest-types';

export * from '@act/web/identity/testing';

export function counts(overrides: Partial<CostRowCountsDto> = {}): CostRowCountsDto {
  return { rows: 1, estimated: 1, manual: 0, unpriced: 0, pending: 0, ...overrides };
}

export function accountFixture(overrides: Partial<AccountDto> = {}): AccountDto {
  return {
    id: 'acc1',
    provider: 'openai',
    displayName: 'OpenAI production',
    credentialHint: 'sk-admin-…a1b2',
    baseUrl: null,
    monthlyBudget: null,
    currency: 'USD',
    syncEnabled: true,
    status: 'active',
    connectedAt: '2026-03-01T00:00:00Z',
    lastTest: null,
    ...overrides,
  };
}

export function breakdown(key: string, estimated: string, overrides: Partial<CostBreakdownRowDto> = {}): CostBreakdownRowDto {
  return { key, estimated, reconciled: null, counts: counts(), ...overrides };
}

export function summaryFixture(overrides: Partial<UsageMonthSummaryDto> = {}): UsageMonthSummaryDto {
  return {
    workspaceId: WS,
    month: '2026-03',
    currency: 'USD',
    costVersion: 1,
    currentCostVersion: 1,
    estimated: '12.5',
    reconciled: '10',
    estimatedIsLowerBound: true,
    counts: counts({ rows: 6, estimated: 3, unpriced: 2, pending: 1 }),
    byProvider: [breakdown('openai', '10.5', { reconciled: '10' }), breakdown('anthropic', '2')],
    byAccount: [breakdown('acc1', '10.5', { reconciled: '10', counts: counts({ unpriced: 2 }) }), breakdown('acc2', '2')],
    byModel: [
      breakdown('openai/gpt-4o-mini', '10.5', { provider: 'openai', model: 'gpt-4o-mini' }),
      breakdown('anthropic/claude-haiku', '2', { provider: 'anthropic', model: 'claude-haiku' }),
    ],
    byProject: [],
    closed: null,
    ...overrides,
  };
}

export function emptySummary(): UsageMonthSummaryDto {
  return summaryFixture({
    estimated: '0',
    reconciled: '0',
    estimatedIsLowerBound: false,
    counts: counts({ rows: 0, estimated: 0 }),
    byProvider: [],
    byAccount: [],
    byModel: [],
  });
}

export function cellFixture(overrides: Partial<AuditCellDto> = {}): AuditCellDto {
  return {
    accountId: 'acc1',
    day: '2026-03-02',
    estimated: '1.25',
    reconciled: null,
    difference: null,
    status: 'estimated',
    counts: counts(),
    lines: [
      {
        kind: 'usage',
        line: 'openai|gpt-4o-mini|chat/completions',
        provider: 'openai',
        model: 'gpt-4o-mini',
        estimated: '1.25',
        reconciled: null,
        difference: null,
        status: 'estimated',
        priceSetId: 'ps-0123456789',
      },
    ],
    ...overrides,
  };
}

export function auditFixture(cells: AuditCellDto[] = [cellFixture()], overrides: Partial<AuditMonthDto> = {}): AuditMonthDto {
  return {
    workspaceId: WS,
    month: '2026-03',
    currency: 'USD',
    costVersion: 1,
    currentCostVersion: 1,
    cells,
    totals: { estimated: '1.25', reconciled: '0', difference: '0' },
    closed: null,
    ...overrides,
  };
}

export function observationFixture(overrides: Partial<AuditObservationDto> = {}): AuditObservationDto {
  return {
    eventId: 'ev1',
    requestType: 'openai|gpt-4o-mini|chat/completions',
    provider: 'openai',
    model: 'gpt-4o-mini',
    operation: 'chat/completions',
    serviceTier: 'standard',
    contextTier: 'standard',
    project: null,
    source: 'request-log',
    observedAt: '2026-03-02T12:00:00Z',
    final: false,
    tokens: { inputUncached: 1000, output: 200 },
    units: { requests: 3 },
    raw: { prompt_tokens: 1000, completion_tokens: 200 },
    reportedCost: null,
    estimate: {
      costVersion: 1,
      status: 'estimated',
      estimated: '0.00027',
      priceSetId: 'ps-0123456789',
      priceEffectiveFrom: '2024-07-18',
      priceSource: 'catalogue',
      priceIdentity: null,
      match: 'exact',
      note: null,
      lines: [],
      unpriced: [],
      flags: [],
    },
    ...overrides,
  };
}

/** A manual entry of the self-hosted account `acc1`: tokens, requests and an amount. */
export function entryFixture(overrides: Partial<ManualEntryDto> = {}): ManualEntryDto {
  return {
    id: 'me1',
    accountId: 'acc1',
    provider: 'custom',
    day: '2026-03-02',
    model: 'gpu-node-rental',
    operation: 'chat/completions',
    serviceTier: 'standard',
    contextTier: 'standard',
    project: 'research',
    requestType: 'custom|gpu-node-rental|chat/completions|project=research',
    tokens: { inputUncached: 120000, inputCachedRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0, reasoning: 0 },
    units: { requests: 52, images: 0, audioSeconds: 0, characters: 0, searchQueries: 0, webSearchCalls: 0 },
    amount: '19',
    currency: 'USD',
    recordedAt: '2026-03-02T10:00:00Z',
    ...overrides,
  };
}
