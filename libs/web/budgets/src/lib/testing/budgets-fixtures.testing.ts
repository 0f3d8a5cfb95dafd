import { HttpRequest } from '@angular/common/http';
import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import type { SessionResponse, WorkspaceRole } from '@act/contracts';
import { AuthService } from '@act/web/identity';
import type { AlertDto, BudgetDto, ChannelDto, DeliveryDto, ForecastFiguresDto, ForecastResponseDto } from '../data-access/budget-types';

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

export function call(method: string, url: string): (req: HttpRequest<unknown>) => boolean {
  return (req) => req.method === method && req.url === url;
}

export function get(url: string): (req: HttpRequest<unknown>) => boolean {
  return call('GET', url);
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

export function budgetFixture(overrides: Partial<BudgetDto> = {}): BudgetDto {
  return {
    id: 'b1',
    name: 'Whole workspace',
    scope: { kind: 'workspace', key: null, label: 'Workspace' },
    amount: '500',
    currency: 'USD',
    thresholds: [50, 80, 100],
    month: '2026-03',
    spent: '412.5',
    percentUsed: 82.5,
    createdAt: '2026-03-01T00:00:00Z',
    updatedAt: '2026-03-01T00:00:00Z',
    ...overrides,
  };
}

export function alertFixture(overrides: Partial<AlertDto> = {}): AlertDto {
  return {
    id: 'a1',
    kind: 'budget-threshold',
    severity: 'warning',
    status: 'open',
    title: 'Whole workspace: 80% of the monthly budget reached',
    message: 'Spending in 2026-03 is $412.50, 82.5% of the $500.00 budget.',
    subject: { kind: 'budget', key: 'b1', label: 'Whole workspace' },
    period: '2026-03',
    details: { threshold: 80 },
    raisedAt: '2026-03-09T10:00:00Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolution: null,
    ...overrides,
  };
}

export function channelFixture(overrides: Partial<ChannelDto> = {}): ChannelDto {
  return {
    id: 'c1',
    kind: 'webhook',
    name: 'Ops hook',
    enabled: true,
    alertKinds: ['budget-threshold', 'forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage'],
    minSeverity: 'info',
    recipients: [],
    toMembers: false,
    targetHint: 'https://hooks.example.com/…abcd',
    signed: true,
    createdAt: '2026-03-01T00:00:00Z',
    updatedAt: '2026-03-01T00:00:00Z',
    ...overrides,
  };
}

export function deliveryFixture(overrides: Partial<DeliveryDto> = {}): DeliveryDto {
  return {
    id: 'd1',
    channelId: 'c1',
    channelName: 'Ops hook',
    channelKind: 'webhook',
    purpose: 'alert',
    alertId: 'a1',
    alertKind: 'budget-threshold',
    recipient: null,
    subject: 'Whole workspace: 80% of the monthly budget reached',
    status: 'delivered',
    attempts: 2,
    maxAttempts: 8,
    nextAttemptAt: null,
    lastError: null,
    createdAt: '2026-03-09T10:00:00Z',
    deliveredAt: '2026-03-09T10:00:05Z',
    attemptLog: [
      { attempt: 1, startedAt: '2026-03-09T10:00:00Z', finishedAt: '2026-03-09T10:00:01Z', outcome: 'failed', httpStatus: 503, error: 'HTTP 503', durationMs: 40 },
      { attempt: 2, startedAt: '2026-03-09T10:00:04Z', finishedAt: '2026-03-09T10:00:05Z', outcome: 'delivered', httpStatus: 200, error: null, durationMs: 35 },
    ],
    ...overrides,
  };
}

/** A month of 31 days forecast on the 11th: 10 complete days of $10, then median +$10/day. */
export function figuresFixture(overrides: Partial<ForecastFiguresDto> = {}): ForecastFiguresDto {
  const daily = Array.from({ length: 31 }, (_, i) => {
    const n = i + 1;
    const day = `2026-03-${String(n).padStart(2, '0')}`;
    const median = String(n * 10);
    const spread = n <= 10 ? 0 : (n - 10) * 2;
    return {
      day,
      actual: n <= 10,
      median,
      p80: { lower: String(n * 10 - spread), upper: String(n * 10 + spread) },
      p95: { lower: String(n * 10 - 2 * spread), upper: String(n * 10 + 2 * spread) },
    };
  });
  return {
    spent: '100',
    point: '310',
    p80: { lower: '268', upper: '352' },
    p95: { lower: '226', upper: '394' },
    method: 'weekday-holt-bootstrap',
    confidence: 'normal',
    insufficientHistory: false,
    historyDays: 60,
    daysComplete: 10,
    daysInMonth: 31,
    daily,
    ...overrides,
  };
}

export function forecastFixture(overrides: Partial<ForecastResponseDto> = {}): ForecastResponseDto {
  return {
    workspaceId: WS,
    month: '2026-03',
    today: '2026-03-11',
    currency: 'USD',
    groupBy: 'workspace',
    series: [{ key: null, label: 'Workspace', forecast: figuresFixture() }],
    budgets: [
      {
        budgetId: 'b1',
        name: 'Whole workspace',
        scope: { kind: 'workspace', key: null },
        amount: '300',
        spent: '100',
        percentUsed: 33.3,
        point: '310',
        p80: { lower: '268', upper: '352' },
        insufficientHistory: false,
        crossing: { actual: null, median: '2026-03-30', upper80: '2026-03-27', upper95: '2026-03-24' },
      },
    ],
    ...overrides,
  };
}
