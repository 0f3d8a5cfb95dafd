import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  parseRetryAfter,
  SyncError,
} from '../../index';
import { LosslessNumber, parseProviderJson, ShapeProblem, ShapeReader, toRawJson } from './provider-json';
import { redactProviderText } from './sync-error';

describe('parseRetryAfter', () => {
  const now = new Date('2026-11-24T10:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter(' 1.5 ', now)).toBe(1_500);
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:02:00 GMT', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('backoffDelayMs (full jitter)', () => {
  it('is random × min(cap, base × 2^(attempt − 1))', () => {
    const policy = { baseDelayMs: 1_000, maxDelayMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelayMs(attempt, policy, () => 0.999))).toEqual([999, 1998, 3996, 7992, 9990, 9990]);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(3, policy, () => Number.NaN)).toBe(0);
    expect(backoffDelayMs(100, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(30_000);
  });
});

describe('parseProviderJson', () => {
  it('keeps numbers a double cannot hold as their text, others as numbers', () => {
    const parsed = parseProviderJson('{"a":0.06,"b":0.12345678901234567891,"c":9007199254740993,"d":1e-7,"e":1.50}') as Record<string, unknown>;
    expect(parsed['a']).toBe(0.06);
    expect(parsed['b']).toEqual(new LosslessNumber('0.12345678901234567891'));
    expect(parsed['c']).toEqual(new LosslessNumber('9007199254740993'));
    expect(parsed['d']).toBe(1e-7);
    expect(parsed['e']).toBe(1.5);
    expect(toRawJson(parsed)).toEqual({ a: 0.06, b: '0.12345678901234567891', c: '9007199254740993', d: 1e-7, e: 1.5 });
  });
  it('is undefined for non-JSON', () => {
    expect(parseProviderJson('<html>')).toBeUndefined();
    expect(parseProviderJson('  ')).toBeUndefined();
  });
});

describe('ShapeReader', () => {
  const reader = ShapeReader.root(parseProviderJson('{"data":[{"n":1,"s":"x","big":9007199254740993,"neg":-1,"f":1.5,"o":{"v":0.1}}]}'), 'test');
  const row = reader.objects('data')[0];
  const problem = (fn: () => unknown): ShapeProblem => {
    try {
      fn();
    } catch (error) {
      if (error instanceof ShapeProblem) return error;
      throw error;
    }
    throw new Error('expected a ShapeProblem');
  };
  it('names the full path of missing fields and wrong types', () => {
    expect(problem(() => row.count('missing'))).toMatchObject({ path: 'data[0].missing', kind: 'missing_field' });
    expect(problem(() => row.count('s'))).toMatchObject({ path: 'data[0].s', kind: 'wrong_type' });
    expect(problem(() => row.count('big'))).toMatchObject({ path: 'data[0].big', kind: 'invalid_value' });
    expect(problem(() => row.count('neg'))).toMatchObject({ path: 'data[0].neg', kind: 'invalid_value' });
    expect(problem(() => row.count('f'))).toMatchObject({ path: 'data[0].f', kind: 'invalid_value' });
    expect(problem(() => row.object('o').decimalString('v'))).toMatchObject({ path: 'data[0].o.v', kind: 'wrong_type' });
    expect(problem(() => row.numberText('s'))).toMatchObject({ path: 'data[0].s', kind: 'wrong_type' });
    expect(problem(() => ShapeReader.root([], 'test'))).toMatchObject({ path: '', kind: 'wrong_type' });
  });
  it('reads optional fields leniently', () => {
    expect(row.optionalCount('absent')).toBe(0);
    expect(row.optionalString('absent')).toBeNull();
    expect(row.object('o').numberText('v')).toBe('0.1');
  });
});

describe('redactProviderText', () => {
  const key = 'sk-admin-test0000000000000000000000000000000000openai';
  it('drops text quoting any 8-character run of the key, masks key-like tokens', () => {
    expect(redactProviderText(`Incorrect API key provided: sk-adm***enai ${key.slice(20, 30)}`, key)).toBeNull();
    expect(redactProviderText('Invalid value for limit: must be between 1 and 31.', key)).toBe('Invalid value for limit: must be between 1 and 31.');
    expect(redactProviderText('Bad key sk-proj-abcdefgh12345 here', key)).toBe('Bad key sk-… here');
    expect(redactProviderText('line\nbreak', key)).toBe('line break');
    expect(redactProviderText(42, key)).toBeNull();
    expect(redactProviderText('x'.repeat(400), key)?.length).toBe(301);
  });
});

describe('SyncError', () => {
  it('serialises to plain data for sync history', () => {
    const error = new SyncError('OpenAI kept answering 429.', {
      category: 'rate_limited',
      code: 'rate_limited',
      provider: 'openai',
      endpoint: 'GET /v1/organization/costs?start_time=1',
      httpStatus: 429,
      retryAfterMs: 1000,
      attempts: 5,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      message: 'OpenAI kept answering 429.',
      category: 'rate_limited',
      code: 'rate_limited',
      provider: 'openai',
      endpoint: 'GET /v1/organization/costs?start_time=1',
      httpStatus: 429,
      retryAfterMs: 1000,
      attempts: 5,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SyncError');
  });
});
