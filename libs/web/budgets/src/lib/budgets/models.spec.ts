import { deliveryFixture } from '../testing/budgets-fixtures.testing';
import { evaluationSummary, sensitivityOptions } from './alerts-model';
import { attemptLines, channelRequest, testSummary } from './channels-model';

const ALL = ['budget-threshold', 'forecast-overrun', 'anomaly', 'sync-failing', 'unpriced-usage', 'low-credit'] as const;

describe('channelRequest', () => {
  const base = { kind: 'webhook' as const, name: 'Ops', url: 'https://hooks.example.com/x', recipients: '', toMembers: false, alertKinds: ALL, minSeverity: 'info' as const };

  it('sends a webhook with its URL, the kinds in a stable order and the minimum severity', () => {
    expect(channelRequest({ ...base, alertKinds: ['anomaly', 'budget-threshold'], minSeverity: 'warning' })).toEqual({
      request: { kind: 'webhook', name: 'Ops', url: 'https://hooks.example.com/x', alertKinds: ['budget-threshold', 'anomaly'], minSeverity: 'warning' },
    });
  });

  it('sends e-mail with its addresses and whether the members get it too', () => {
    expect(channelRequest({ ...base, kind: 'email', url: '', recipients: 'a@example.com, b@example.com', toMembers: true })).toEqual({
      request: { kind: 'email', name: 'Ops', alertKinds: [...ALL], minSeverity: 'info', recipients: ['a@example.com', 'b@example.com'], toMembers: true },
    });
  });

  it('says what is missing', () => {
    expect(channelRequest({ ...base, name: ' ' })).toEqual({ problem: expect.stringContaining('name') });
    expect(channelRequest({ ...base, url: 'hooks.example.com' })).toEqual({ problem: expect.stringContaining('URL') });
    expect(channelRequest({ ...base, alertKinds: [] })).toEqual({ problem: expect.stringContaining('alert kind') });
    expect(channelRequest({ ...base, kind: 'email', recipients: 'nope' })).toEqual({ problem: '"nope" is not an e-mail address.' });
    expect(channelRequest({ ...base, kind: 'email', recipients: '' })).toEqual({ problem: expect.stringContaining('at least one address') });
  });
});

describe('delivery history', () => {
  it('lists each attempt with its outcome and answer', () => {
    expect(attemptLines(deliveryFixture())).toEqual(['#1 Mar 9, 10:00 failed (HTTP 503, 40 ms, HTTP 503)', '#2 Mar 9, 10:00 delivered (HTTP 200, 35 ms)']);
  });

  it('summarises a test-send', () => {
    expect(testSummary({ delivered: true, deliveries: [deliveryFixture({ purpose: 'test' })] })).toBe('Test message delivered.');
    expect(testSummary({ delivered: false, deliveries: [deliveryFixture({ status: 'failed', lastError: 'HTTP 404: no such hook' })] })).toBe(
      'The test message was not delivered: HTTP 404: no such hook',
    );
  });
});

describe('alerts model', () => {
  it('says what an evaluation did, or why it was skipped', () => {
    expect(evaluationSummary({ evaluatedAt: 'x', skipped: null, raised: 1, resolved: 0, position: '9' })).toBe('Checked: 1 alert raised, 0 resolved.');
    expect(evaluationSummary({ evaluatedAt: 'x', skipped: 'recompute', raised: 0, resolved: 0, position: '9' })).toBe('Not checked: costs are being recomputed. Try again in a moment.');
  });

  it('offers the named sensitivities and keeps a custom threshold', () => {
    expect(sensitivityOptions('medium').map((o) => o.value)).toEqual(['high', 'medium', 'low']);
    expect(sensitivityOptions('4.2').map((o) => o.value)).toEqual(['high', 'medium', 'low', '4.2']);
  });
});
