import type { Budget } from './budget';
import {
  anomalyCondition,
  forecastCondition,
  planAlerts,
  syncFailingCondition,
  thresholdConditions,
  unpricedCondition,
  type BudgetForecastFacts,
  type EvaluationContext,
  type KnownAlert,
} from './conditions';

const ws = 'ws-1';
const budget: Budget = { budgetId: 'b1', name: 'Team', scope: { kind: 'workspace', key: null }, amount: '100', thresholds: [50, 80, 100] };
const known = (c: { alertId: string; kind: KnownAlert['kind']; period: string; subject: { key: string }; details: object }): KnownAlert => ({
  alertId: c.alertId,
  kind: c.kind,
  period: c.period,
  subjectKey: c.subject.key,
  details: c.details as Record<string, unknown>,
});
const context = (over: Partial<EvaluationContext> = {}): EvaluationContext => ({
  evaluatedKinds: new Set(['budget-threshold', 'forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage']),
  budgets: new Map([[budget.budgetId, budget]]),
  reachedBudgets: new Set(),
  month: '2026-03',
  anomalyFrom: '2026-03-03',
  ...over,
});

describe('threshold conditions', () => {
  it('holds for every threshold the actual spend reached, with severity by level', () => {
    expect(thresholdConditions({ workspaceId: ws, budget, month: '2026-03', spent: '49.99' })).toEqual([]);
    const at80 = thresholdConditions({ workspaceId: ws, budget, month: '2026-03', spent: '80' });
    expect(at80.map((c) => [c.details['threshold'], c.severity])).toEqual([
      [50, 'info'],
      [80, 'warning'],
    ]);
    expect(at80[1]).toMatchObject({ kind: 'budget-threshold', period: '2026-03', subject: { kind: 'budget', key: 'b1', label: 'Team' } });
    expect(at80[1].message).toContain('$80.00, 80% of the $100.00 budget');
    const over = thresholdConditions({ workspaceId: ws, budget, month: '2026-03', spent: '250' });
    expect(over.map((c) => c.severity)).toEqual(['info', 'warning', 'critical']);
  });

  it('names the same condition the same way in every evaluation, and a new amount a new condition', () => {
    const first = thresholdConditions({ workspaceId: ws, budget, month: '2026-03', spent: '85' });
    const again = thresholdConditions({ workspaceId: ws, budget, month: '2026-03', spent: '90' });
    expect(again.map((c) => c.alertId)).toEqual(first.map((c) => c.alertId));
    const raised = thresholdConditions({ workspaceId: ws, budget: { ...budget, amount: '200' }, month: '2026-03', spent: '170' });
    expect(raised.map((c) => c.alertId).filter((id) => first.some((c) => c.alertId === id))).toEqual([]);
    const nextMonth = thresholdConditions({ workspaceId: ws, budget, month: '2026-04', spent: '85' });
    expect(nextMonth[0].alertId).not.toBe(first[0].alertId);
  });
});

describe('forecast condition', () => {
  const facts = (over: Partial<BudgetForecastFacts> = {}): BudgetForecastFacts => ({
    insufficientHistory: false,
    point: '120',
    p80Upper: '140',
    actual: null,
    median: '2026-03-25',
    upper80: '2026-03-21',
    ...over,
  });

  it('holds when the 80% interval reaches the budget before the spend does, with the projected day', () => {
    const c = forecastCondition({ workspaceId: ws, budget, month: '2026-03', spent: '40', forecast: facts() });
    expect(c).toMatchObject({ kind: 'forecast-overrun', severity: 'critical', details: { projectedDate: '2026-03-25', earliestDate: '2026-03-21' } });
    const upperOnly = forecastCondition({ workspaceId: ws, budget, month: '2026-03', spent: '40', forecast: facts({ median: null }) });
    expect(upperOnly).toMatchObject({ severity: 'warning', details: { projectedDate: '2026-03-21' } });
    expect(upperOnly?.alertId).toBe(c?.alertId);
  });

  it('does not hold on insufficient history, once it happened, or when the interval stays below', () => {
    expect(forecastCondition({ workspaceId: ws, budget, month: '2026-03', spent: '40', forecast: facts({ insufficientHistory: true }) })).toBeNull();
    expect(forecastCondition({ workspaceId: ws, budget, month: '2026-03', spent: '110', forecast: facts({ actual: '2026-03-09' }) })).toBeNull();
    expect(forecastCondition({ workspaceId: ws, budget, month: '2026-03', spent: '40', forecast: facts({ median: null, upper80: null }) })).toBeNull();
  });
});

describe('sync failing condition', () => {
  const run = (runId: string, status: 'running' | 'succeeded' | 'failed') => ({
    runId,
    status,
    startedAt: '2026-03-10T10:00:00Z',
    errorCategory: status === 'failed' ? 'permission' : null,
    errorMessage: status === 'failed' ? 'The key lacks the admin scope.' : null,
  });
  const account = { id: 'acc-1', label: 'OpenAI prod' };

  it('holds while the latest finished run failed, named by the first failure of the streak', () => {
    expect(syncFailingCondition({ workspaceId: ws, account, runsNewestFirst: [] })).toBeNull();
    expect(syncFailingCondition({ workspaceId: ws, account, runsNewestFirst: [run('r2', 'succeeded'), run('r1', 'failed')] })).toBeNull();
    const once = syncFailingCondition({ workspaceId: ws, account, runsNewestFirst: [run('r2', 'failed'), run('r1', 'succeeded')] });
    const again = syncFailingCondition({ workspaceId: ws, account, runsNewestFirst: [run('r4', 'running'), run('r3', 'failed'), run('r2', 'failed'), run('r1', 'succeeded')] });
    expect(once?.period).toBe('r2');
    expect(again?.alertId).toBe(once?.alertId);
    expect(again?.details['failedRuns']).toBe(2);
    expect(again?.message).toContain('(permission)');
  });
});

describe('planAlerts', () => {
  const at85 = thresholdConditions({ workspaceId: ws, budget, month: '2026-03', spent: '85' });

  it('raises what is new and keeps what still holds', () => {
    const plan = planAlerts([known(at85[0])], at85, context());
    expect(plan.raise.map((c) => c.alertId)).toEqual([at85[1].alertId]);
    expect(plan.resolve).toEqual([]);
  });

  it('resolves what no longer holds, with the reason', () => {
    const open = at85.map(known);
    expect(planAlerts(open, [], context()).resolve.map((r) => r.reason)).toEqual(['condition-cleared', 'condition-cleared']);
    const raisedBudget = new Map([[budget.budgetId, { ...budget, amount: '200' }]]);
    expect(planAlerts(open, [], context({ budgets: raisedBudget })).resolve[0].reason).toBe('budget-changed');
    expect(planAlerts(open, [], context({ budgets: new Map() })).resolve[0].reason).toBe('budget-removed');
    expect(planAlerts(open, [], context({ month: '2026-04' })).resolve[0].reason).toBe('period-ended');
  });

  it('leaves alone the kinds whose rules did not run', () => {
    const open = at85.map(known);
    expect(planAlerts(open, [], context({ evaluatedKinds: new Set(['anomaly']) })).resolve).toEqual([]);
  });

  it('explains resolutions of the other kinds', () => {
    const spike = anomalyCondition({
      workspaceId: ws,
      series: { kind: 'account', key: 'acc-1', label: 'OpenAI' },
      day: '2026-03-01',
      anomaly: 'spike',
      severity: 'warning',
      cost: '95',
      expected: '10',
      score: 7.25,
    });
    const unpriced = unpricedCondition({ workspaceId: ws, model: 'openai/secret-model', month: '2026-03', rows: 2 });
    const plan = planAlerts([known(spike), known(unpriced)], [], context({ reachedBudgets: new Set(['b1']) }));
    expect(plan.resolve.map((r) => r.reason)).toEqual(['period-ended', 'condition-cleared']);
    expect(spike.title).toBe('Account OpenAI: unusual spending on 2026-03-01');
    expect(spike.message).toContain('$95.00 where about $10.00');
  });
});
