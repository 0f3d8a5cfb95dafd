import { DomainRuleViolation, deciderSpec } from '@act/domain/event-sourcing';
import { budgetsDecider, type BudgetCommand, type BudgetEvent } from './budget';

const meta = { now: new Date('2026-03-10T12:00:00Z'), actorId: 'user-1' };
const ws = 'ws-1';
const spec = deciderSpec(budgetsDecider);
const define = (data: Partial<Extract<BudgetCommand, { type: 'DefineBudget' }>['data']> = {}): BudgetCommand => ({
  type: 'DefineBudget',
  data: { workspaceId: ws, budgetId: 'b1', scope: { kind: 'workspace', key: null }, amount: '500.00', ...data },
  metadata: meta,
});
const defined: BudgetEvent = {
  type: 'BudgetDefined',
  data: { workspaceId: ws, budgetId: 'b1', name: 'Workspace', scope: { kind: 'workspace', key: null }, amount: '500', currency: 'USD', thresholds: [50, 80, 100] },
};
const violation = (error: unknown) => {
  expect(error).toBeInstanceOf(DomainRuleViolation);
  return error as DomainRuleViolation;
};

describe('budgets decider', () => {
  it('defines a workspace budget with the default thresholds and a normalized amount', () => {
    expect(spec.given([]).when(define()).events()).toEqual([defined]);
  });

  it('sorts thresholds and keeps scope keys', () => {
    const [event] = spec
      .given([])
      .when(define({ scope: { kind: 'model', key: 'openai/gpt-4o' }, thresholds: [100, 25], name: ' GPT-4o ' }))
      .events();
    expect(event.data).toMatchObject({ name: 'GPT-4o', scope: { kind: 'model', key: 'openai/gpt-4o' }, thresholds: [25, 100] });
  });

  it.each([
    [{ amount: '0' }, 'budget.amount', /above 0/],
    [{ amount: '-5' }, 'budget.amount', /decimal amount/],
    [{ amount: '1.1234567' }, 'budget.amount', /decimal amount/],
    [{ thresholds: [] }, 'budget.thresholds', /1 to 10/],
    [{ thresholds: [50, 50] }, 'budget.thresholds', /once/],
    [{ thresholds: [0.5] }, 'budget.thresholds', /whole percentages/],
    [{ scope: { kind: 'account' as const, key: null } }, 'budget.scope', /needs scope.key/],
    [{ scope: { kind: 'workspace' as const, key: 'x' } }, 'budget.scope', /leave scope.key out/],
    [{ scope: { kind: 'model' as const, key: 'gpt-4o' } }, 'budget.scope', /provider\/model/],
  ])('refuses %j with a message a user can act on', (data, code, message) => {
    const error = violation(spec.given([]).when(define(data)).error());
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.kind).toBe('invalid');
  });

  it('allows one budget per scope', () => {
    const error = violation(spec.given([defined]).when(define({ budgetId: 'b2' })).error());
    expect(error).toMatchObject({ code: 'budget.scope-taken', kind: 'conflict' });
    expect(spec.given([defined]).when(define({ budgetId: 'b2', scope: { kind: 'provider', key: 'openai' } })).events()).toHaveLength(1);
  });

  it('changes only what differs, and nothing when nothing does', () => {
    const change = (data: object): BudgetCommand => ({ type: 'ChangeBudget', data: { workspaceId: ws, budgetId: 'b1', ...data }, metadata: meta });
    expect(spec.given([defined]).when(change({ amount: '500.000' })).events()).toEqual([]);
    expect(spec.given([defined]).when(change({ amount: '750', thresholds: [100, 80, 50] })).events()).toEqual([
      { type: 'BudgetChanged', data: { workspaceId: ws, budgetId: 'b1', amount: '750' } },
    ]);
    expect(violation(spec.given([]).when(change({ amount: '1' })).error()).kind).toBe('not-found');
  });

  it('removes once; a removed budget cannot be changed and its id is not reused', () => {
    const remove: BudgetCommand = { type: 'RemoveBudget', data: { workspaceId: ws, budgetId: 'b1' }, metadata: meta };
    const removed: BudgetEvent = { type: 'BudgetRemoved', data: { workspaceId: ws, budgetId: 'b1' } };
    expect(spec.given([defined]).when(remove).events()).toEqual([removed]);
    expect(spec.given([defined, removed]).when(remove).events()).toEqual([]);
    expect(violation(spec.given([defined, removed]).when(define()).error()).kind).toBe('conflict');
    // The scope is free again for a new budget.
    expect(spec.given([defined, removed]).when(define({ budgetId: 'b2' })).events()).toHaveLength(1);
  });

  it('sets the anomaly sensitivity by name or as a score threshold', () => {
    const set = (anomalySensitivity: string | number): BudgetCommand => ({
      type: 'ChangeAlertSettings',
      data: { workspaceId: ws, anomalySensitivity: anomalySensitivity as 'high' },
      metadata: meta,
    });
    expect(spec.given([]).when(set('high')).events()).toEqual([
      { type: 'AlertSettingsChanged', data: { workspaceId: ws, anomalySensitivity: 'high', lowCredit: { percent: 10, amount: '5' } } },
    ]);
    expect(spec.given([]).when(set(3)).events()).toHaveLength(1);
    expect(violation(spec.given([]).when(set('extreme')).error()).code).toBe('alert-settings.sensitivity');
    expect(violation(spec.given([]).when(set(0.1)).error()).code).toBe('alert-settings.sensitivity');
    expect(spec.given([{ type: 'AlertSettingsChanged', data: { workspaceId: ws, anomalySensitivity: 'high' } }]).when(set('high')).events()).toEqual([]);
  });

  it('sets the low-credit threshold, keeping what is not given, and refuses impossible ones', () => {
    const set = (data: { anomalySensitivity?: 'high'; lowCredit?: { percent?: number; amount?: string } }): BudgetCommand => ({
      type: 'ChangeAlertSettings',
      data: { workspaceId: ws, ...data },
      metadata: meta,
    });
    const high: BudgetEvent = { type: 'AlertSettingsChanged', data: { workspaceId: ws, anomalySensitivity: 'high' } };
    // Events from before low-credit settings carry none: the default applies, and changing it keeps the sensitivity.
    expect(budgetsDecider.evolve(budgetsDecider.initialState(), high).settings).toEqual({ anomalySensitivity: 'high', lowCredit: { percent: 10, amount: '5' } });
    expect(spec.given([high]).when(set({ lowCredit: { amount: '20.50' } })).events()).toEqual([
      { type: 'AlertSettingsChanged', data: { workspaceId: ws, anomalySensitivity: 'high', lowCredit: { percent: 10, amount: '20.5' } } },
    ]);
    const changed: BudgetEvent = { type: 'AlertSettingsChanged', data: { workspaceId: ws, anomalySensitivity: 'high', lowCredit: { percent: 0, amount: '20.5' } } };
    expect(spec.given([changed]).when(set({ anomalySensitivity: 'high', lowCredit: { percent: 0, amount: '20.500' } })).events()).toEqual([]);
    // Sensitivity alone keeps the low-credit settings.
    expect(spec.given([changed]).when(set({ anomalySensitivity: 'low' as 'high' })).events()).toEqual([
      { type: 'AlertSettingsChanged', data: { workspaceId: ws, anomalySensitivity: 'low', lowCredit: { percent: 0, amount: '20.5' } } },
    ]);
    // Zero and zero: only the overdrawn alert is left.
    expect(spec.given([high]).when(set({ lowCredit: { percent: 0, amount: '0' } })).events()).toHaveLength(1);
    for (const lowCredit of [{ percent: 101 }, { percent: 2.5 }, { percent: -1 }, { amount: '-1' }, { amount: 'five' }, { amount: '1.1234567' }]) {
      expect(violation(spec.given([high]).when(set({ lowCredit })).error()).code).toBe('alert-settings.low-credit');
    }
    expect(violation(spec.given([high]).when(set({})).error()).code).toBe('alert-settings.empty');
  });
});
