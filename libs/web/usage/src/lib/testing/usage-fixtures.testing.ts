import { HttpRequest } from '@angular/common/http';
import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type {
  AccountDto,
  AuditCellDto,
  AuditMonthDto,
  AuditObservationDto,
  CostBreakdownRowDto,
  CostRowCountsDto,
  SessionResponse,
  UsageMonthSummaryDto,
  WorkspaceRole,
} from '@act/contracts';
import { AuthService } from '@act/web/identity';

/** Dialogs close on an animation event jsdom never fires; turn Material's animations off. */
export const NO_ANIMATIONS: Provider = { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } };

export const WS = 'ws1';
export const WS_URL = `api/v1/workspaces/${WS}`;

export function sessionFixture(role: WorkspaceRole = 'owner'): SessionResponse {
  return {
    accessToken: 'token-1',
    expiresIn: 900,
    position: '5',
    user: { id: 'u-ada', email: 'ada@example.test', displayName: 'Ada', instanceAdmin: false, createdAt: '2026-01-01T00:00:00Z' },
    workspaces: [{ id: WS, name: 'Acme', role }],
  };
}

/** Signs in through the real restore flow (POST auth/refresh answered with a session). */
export async function signIn(role: WorkspaceRole = 'owner'): Promise<void> {
  const restored = TestBed.inject(AuthService).restore();
  TestBed.inject(HttpTestingController).expectOne('api/v1/auth/refresh').flush(sessionFixture(role));
  await restored;
}

/** One macrotask: lets promises, resources and lazy imports move on. */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The one open request matching `predicate`, waiting a few ticks for it to be sent. */
export async function nextRequest(predicate: (req: HttpRequest<unknown>) => boolean, description: string): Promise<TestRequest> {
  const http = TestBed.inject(HttpTestingController);
  for (let i = 0; i < 30; i++) {
    const found = http.match(predicate);
    if (found.length === 1 && found[0]) return found[0];
    if (found.length > 1) throw new Error(`Expected one request for ${description}, got ${found.length}`);
    await tick();
  }
  return http.expectOne(predicate, description);
}

export function get(url: string): (req: HttpRequest<unknown>) => boolean {
  return (req) => req.method === 'GET' && req.url === url;
}

export function call(method: string, url: string): (req: HttpRequest<unknown>) => boolean {
  return (req) => req.method === method && req.url === url;
}

export function text(root: ParentNode, testId: string): string {
  return root.querySelector(`[data-testid="${testId}"]`)?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
}

export function byTestId<T extends Element = HTMLElement>(root: ParentNode, testId: string): T | null {
  return root.querySelector<T>(`[data-testid="${testId}"]`);
}

export function allByTestId<T extends Element = HTMLElement>(root: ParentNode, testId: string): T[] {
  return Array.from(root.querySelectorAll<T>(`[data-testid="${testId}"]`));
}

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
