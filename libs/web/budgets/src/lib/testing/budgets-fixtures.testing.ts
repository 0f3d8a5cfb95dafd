import { WS } from '@act/web/identity/testing';
import type { AlertDto, BudgetDto, ChannelDto, DeliveryDto, ForecastFiguresDto, ForecastResponseDto } from '../data-access/budget-types';

export * from '@act/web/identity/testing';

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
    alertKinds: ['budget-threshold', 'forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage', 'low-credit'],
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
