import type { AccountBalanceDto } from '@act/contracts';
import { ageOf, balanceLine, describeCredits, formatUsd } from './credit-balance';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const label = (category: string) => `<${category}>`;

describe('credit balance formatting', () => {
  it('formats exact decimal strings as dollars, keeping sub-cent amounts visible', () => {
    expect(formatUsd('62.5787')).toBe('$62.58');
    expect(formatUsd('1234.5')).toBe('$1,234.50');
    expect(formatUsd('0')).toBe('$0.00');
    expect(formatUsd('0.00075')).toBe('$0.00075');
    expect(formatUsd('100.123456789012345678')).toBe('$100.12');
  });

  it('says what is left, or by how much the account is overdrawn', () => {
    expect(describeCredits({ totalCredits: '50', remaining: '12.34' })).toBe('$12.34 left of $50.00');
    expect(describeCredits({ totalCredits: '50', remaining: '0' })).toBe('$0.00 left of $50.00');
    expect(describeCredits({ totalCredits: '10', remaining: '-0.5' })).toBe('overdrawn by $0.50 (of $10.00)');
  });

  it('says how fresh a figure is', () => {
    expect(ageOf('2026-03-02T11:59:40Z', NOW)).toBe('just now');
    expect(ageOf('2026-03-02T11:55:00Z', NOW)).toBe('5 min ago');
    expect(ageOf('2026-03-02T09:00:00Z', NOW)).toBe('3 h ago');
    expect(ageOf('2026-03-01T11:00:00Z', NOW)).toBe('1 day ago');
    expect(ageOf('2026-02-20T12:00:00Z', NOW)).toBe('10 days ago');
  });

  it('gives no line for providers without a balance', () => {
    const none: AccountBalanceDto = { accountId: 'a', supported: false, balance: null, unavailable: null };
    expect(balanceLine(none, NOW, label)).toBeNull();
  });
});
