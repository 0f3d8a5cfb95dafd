import Decimal from 'decimal.js';
import type { Budget } from './budget';
import {
  anomalyCondition,
  forecastCondition,
  lowCreditConditions,
  lowCreditThreshold,
  planAlerts,
  failingStreak,
  syncFailingCondition,
  thresholdConditions,
  unpricedCondition,
  type BudgetForecastFacts,
  type CreditBalanceFact,
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
  evaluatedKinds: new Set(['budget-threshold', 'forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage', 'low-credit']),
  budgets: new Map([[budget.budgetId, budget]]),
  reachedBudgets: new Set(),
  month: '2026-03',
  anomalyFrom: '2026-03-03',
  creditBalances: new Map(),
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
    const condition = (runsNewestFirst: ReturnType<typeof run>[]) => syncFailingCondition({ workspaceId: ws, account, streak: failingStreak(runsNewestFirst) });
    expect(condition([])).toBeNull();
    expect(condition([run('r2', 'succeeded'), run('r1', 'failed')])).toBeNull();
    const once = condition([run('r2', 'failed'), run('r1', 'succeeded')]);
    const again = condition([run('r4', 'running'), run('r3', 'failed'), run('r2', 'failed'), run('r1', 'succeeded')]);
    expect(once?.period).toBe('r2');
    expect(again?.alertId).toBe(once?.alertId);
    expect(again?.details['failedRuns']).toBe(2);
    expect(again?.message).toContain('(permission)');
  });

  it('is one condition however long the streak grows', () => {
    const streak = Array.from({ length: 500 }, (_, i) => run(`r${500 - i}`, 'failed'));
    const long = syncFailingCondition({ workspaceId: ws, account, streak: failingStreak([...streak, run('r0', 'succeeded')]) });
    const start = syncFailingCondition({ workspaceId: ws, account, streak: failingStreak([run('r1', 'failed'), run('r0', 'succeeded')]) });
    expect(long?.alertId).toBe(start?.alertId);
    expect(long?.details['failedRuns']).toBe(500);
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

describe('low credit conditions', () => {
  const account = { id: 'acc-or', label: 'OpenRouter team', provider: 'openrouter' };
  const settings = { percent: 10, amount: '5' };
  const read = (totalCredits: string, totalUsage: string, runId = 'r1'): CreditBalanceFact => ({
    runId,
    readAt: '2026-03-10T10:00:00.000Z',
    totalCredits,
    totalUsage,
    remaining: new Decimal(totalCredits).minus(totalUsage).toFixed(),
  });
  const low = (balance: CreditBalanceFact, s = settings) => lowCreditConditions({ workspaceId: ws, account, balance, settings: s });

  it('uses the larger of the share of the credits purchased and the floor', () => {
    expect(lowCreditThreshold('1000', settings)).toBe('100');
    expect(lowCreditThreshold('20', settings)).toBe('5');
    expect(lowCreditThreshold('50', settings)).toBe('5');
    expect(lowCreditThreshold('123.45', { percent: 10, amount: '0' })).toBe('12.345');
    expect(lowCreditThreshold('0', settings)).toBe('5');
    expect(lowCreditThreshold('1000', { percent: 0, amount: '0' })).toBe('0');
  });

  it('holds as a warning below the threshold, with the remaining amount and the threshold in its details', () => {
    expect(low(read('250', '187.4213'))).toEqual([]);
    // Exactly at the threshold is not below it.
    expect(low(read('250', '225'))).toEqual([]);
    const [warning, ...rest] = low(read('250', '240.5'));
    expect(rest).toEqual([]);
    expect(warning).toMatchObject({
      kind: 'low-credit',
      severity: 'warning',
      subject: { kind: 'account', key: 'acc-or', label: 'OpenRouter team' },
      period: 'credits:250',
      title: 'Account OpenRouter team: credit balance low',
      details: { accountId: 'acc-or', provider: 'openrouter', remaining: '9.5', totalCredits: '250', totalUsage: '240.5', threshold: '25', thresholdPercent: 10, thresholdAmount: '5', level: 'low', runId: 'r1', currency: 'USD' },
    });
    expect(warning.message).toBe(
      'OpenRouter team has $9.50 of credit left (below $25.00: the larger of 10% of the $250.00 purchased and $5.00). Top up to keep requests working: the provider refuses them without credit.',
    );
    // A small account: the $5 floor, not 10% of $20.
    expect(low(read('20', '15.01')).map((c) => c.details['threshold'])).toEqual(['5']);
    expect(low(read('20', '15'))).toEqual([]);
  });

  it('adds a critical alert at or below zero, keeping the warning', () => {
    const out = low(read('250', '250.4'));
    expect(out.map((c) => [c.severity, c.details['level'], c.details['remaining']])).toEqual([
      ['warning', 'low', '-0.4'],
      ['critical', 'overdrawn', '-0.4'],
    ]);
    expect(out[1].title).toBe('Account OpenRouter team: out of credit');
    expect(out[1].message).toContain('-$0.40 of credit left: $250.40 used of $250.00 purchased');
    expect(out[0].alertId).toBe(low(read('250', '240.5'))[0].alertId);
    expect(out[1].alertId).not.toBe(out[0].alertId);
    // Exactly zero is out of credit; with no threshold at all only that alert is left.
    expect(low(read('250', '250')).map((c) => c.severity)).toEqual(['warning', 'critical']);
    expect(low(read('250', '250'), { percent: 0, amount: '0' }).map((c) => c.severity)).toEqual(['critical']);
    expect(low(read('250', '249.99'), { percent: 0, amount: '0' })).toEqual([]);
  });

  it('is one alert per level while the credits purchased stay the same, whatever the reads, the runs or the settings', () => {
    const first = low(read('250', '240.5', 'r1'));
    const later = low(read('250', '245.123', 'r7'));
    const otherSettings = low(read('250', '245.123', 'r8'), { percent: 20, amount: '1' });
    expect(later.map((c) => c.alertId)).toEqual(first.map((c) => c.alertId));
    expect(otherSettings.map((c) => c.alertId)).toEqual(first.map((c) => c.alertId));
    // "250.00" and "250" are the same total.
    expect(low(read('250.00', '240.5')).map((c) => c.alertId)).toEqual(first.map((c) => c.alertId));
    // A top-up that leaves it low is a new period: a new alert.
    const topped = low(read('260', '256'));
    expect(topped.map((c) => c.period)).toEqual(['credits:260']);
    expect(topped[0].alertId).not.toBe(first[0].alertId);
    // Another account, another alert.
    expect(lowCreditConditions({ workspaceId: ws, account: { ...account, id: 'acc-2' }, balance: read('250', '240.5'), settings })[0].alertId).not.toBe(first[0].alertId);
  });

  it('resolves when the balance is above the threshold again: topped up, cleared, or the account disconnected', () => {
    const [warning, critical] = low(read('250', '251'));
    const open = [known(warning), known(critical)];
    // Still low and overdrawn: nothing to do.
    expect(planAlerts(open, low(read('250', '252')), context({ creditBalances: new Map([[account.id, read('250', '252')]]) }))).toEqual({ raise: [], resolve: [] });
    // A partial top-up: no longer overdrawn, still low. Both alerts of the old period resolve, the new period raises its warning.
    const partial = read('260', '252');
    const plan = planAlerts(open, low(partial), context({ creditBalances: new Map([[account.id, partial]]) }));
    expect(plan.raise.map((c) => [c.severity, c.period])).toEqual([['warning', 'credits:260']]);
    expect(plan.resolve).toEqual([
      { alertId: warning.alertId, reason: 'topped-up' },
      { alertId: critical.alertId, reason: 'topped-up' },
    ]);
    // The threshold lowered: the condition cleared with the same credits.
    const same = read('250', '240.5');
    const [lowOnly] = low(same);
    expect(planAlerts([known(lowOnly)], low(same, { percent: 0, amount: '1' }), context({ creditBalances: new Map([[account.id, same]]) })).resolve).toEqual([
      { alertId: lowOnly.alertId, reason: 'condition-cleared' },
    ]);
    // The account disconnected: its balance is read no more.
    expect(planAlerts([known(lowOnly)], [], context()).resolve).toEqual([{ alertId: lowOnly.alertId, reason: 'account-disconnected' }]);
    // The rule did not run (its read failed): the alert stays.
    expect(planAlerts([known(lowOnly)], [], context({ evaluatedKinds: new Set(['anomaly']) })).resolve).toEqual([]);
  });
});
