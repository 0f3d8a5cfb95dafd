import { budgetFixture } from '../testing/budgets-fixtures.testing';
import { budgetBar, budgetRequest, parseThresholds, workspaceBudget } from './budget-model';
import { formatMoney, parseAmount } from './money';

describe('budget model', () => {
  it('shows spend against the amount, the thresholds passed and a tone', () => {
    expect(budgetBar(budgetFixture())).toEqual({
      spent: '$412.50',
      amount: '$500.00',
      percent: '82.5%',
      fill: 82.5,
      passed: ['50%', '80%'],
      tone: 'warning',
    });
    expect(budgetBar(budgetFixture({ percentUsed: 20, spent: '100' })).tone).toBe('success');
    const over = budgetBar(budgetFixture({ percentUsed: 130, spent: '650' }));
    expect(over).toMatchObject({ fill: 100, percent: '130.0%', tone: 'error', passed: ['50%', '80%', '100%'] });
  });

  it('reads thresholds as sorted whole percentages without repeats', () => {
    expect(parseThresholds('80, 50,100')).toEqual([50, 80, 100]);
    expect(parseThresholds('50% 80% 80%')).toEqual([50, 80]);
    expect(parseThresholds('')).toBeNull();
    expect(parseThresholds('50, 80.5')).toBeNull();
    expect(parseThresholds('0')).toBeNull();
    expect(parseThresholds('1,2,3,4,5,6,7,8,9,10,11')).toBeNull();
  });

  it('builds the create request with the amount as an exact decimal string', () => {
    expect(budgetRequest({ name: ' OpenAI ', scopeKind: 'provider', scopeKey: 'openai', amount: '$1,250.10', thresholds: '50, 80, 100' })).toEqual({
      request: { name: 'OpenAI', scope: { kind: 'provider', key: 'openai' }, amount: '1250.1', thresholds: [50, 80, 100] },
    });
    expect(budgetRequest({ name: '', scopeKind: 'workspace', scopeKey: 'ignored', amount: '0.000001', thresholds: '100' })).toEqual({
      request: { scope: { kind: 'workspace' }, amount: '0.000001', thresholds: [100] },
    });
  });

  it('says what to fix instead of sending a bad budget', () => {
    expect(budgetRequest({ name: '', scopeKind: 'workspace', scopeKey: '', amount: '0', thresholds: '50' })).toEqual({ problem: expect.stringContaining('monthly amount') });
    expect(budgetRequest({ name: '', scopeKind: 'workspace', scopeKey: '', amount: '1e3', thresholds: '50' })).toEqual({ problem: expect.stringContaining('monthly amount') });
    expect(budgetRequest({ name: '', scopeKind: 'model', scopeKey: ' ', amount: '10', thresholds: '50' })).toEqual({ problem: 'Choose the model this budget is for.' });
    expect(budgetRequest({ name: '', scopeKind: 'workspace', scopeKey: '', amount: '10', thresholds: 'many' })).toEqual({ problem: expect.stringContaining('Thresholds') });
  });

  it('keeps money exact from the text typed to the figure shown', () => {
    expect(parseAmount('0.1')).toBe('0.1');
    expect(parseAmount('123456789012.123456')).toBe('123456789012.123456');
    expect(parseAmount('1.1234567')).toBeNull();
    expect(formatMoney('0.00075')).toBe('$0.00075');
    expect(formatMoney('1234.5')).toBe('$1,234.50');
    expect(formatMoney(null)).toBe('—');
  });

  it('finds the workspace budget the overview draws against', () => {
    const provider = budgetFixture({ id: 'b2', scope: { kind: 'provider', key: 'openai', label: 'OpenAI' } });
    expect(workspaceBudget([provider])).toBeNull();
    expect(workspaceBudget([provider, budgetFixture()])?.id).toBe('b1');
  });
});
