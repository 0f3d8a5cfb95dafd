import { COST_REPORTED, USAGE_OBSERVED } from './events';
import { parseAmount } from './money';
import { NO_UNITS } from './quantities';
import { CostReportInput, isCalendarDay, normalizeInstant, observeUsage, reportCost, UsageObservationInput, ValidationProblem } from './validation';

const WS = '0b6f3c52-9d1e-4b7a-8f00-2c1d5e6a7b80';
const ACC = 'acct_openai_main';

const usage = (overrides: Record<string, unknown> = {}): UsageObservationInput =>
  ({
    workspaceId: WS,
    accountId: ACC,
    day: '2026-03-05',
    provider: 'openai',
    model: 'gpt-4o-mini-2024-07-18',
    operation: 'chat/completions',
    serviceTier: 'batch',
    tokens: { inputUncached: 1200, inputCachedRead: 300, output: 450 },
    units: { requests: 7 },
    raw: { input_tokens: 1500, input_cached_tokens: 300, output_tokens: 450, num_model_requests: 7, batch: true },
    source: 'usage-api',
    observedAt: '2026-03-06T02:00:00Z',
    final: true,
    ...overrides,
  }) as UsageObservationInput;

const cost = (overrides: Record<string, unknown> = {}): CostReportInput =>
  ({
    workspaceId: WS,
    accountId: ACC,
    day: '2026-03-05',
    provider: 'openai',
    description: 'gpt-4o-mini-2024-07-18, input',
    amount: '1.2345',
    currency: 'USD',
    raw: { amount: { value: 1.2345, currency: 'usd' }, line_item: 'gpt-4o-mini-2024-07-18, input' },
    source: 'usage-api',
    observedAt: '2026-03-06T02:00:00Z',
    final: true,
    ...overrides,
  }) as CostReportInput;

function problems(result: { ok: boolean; problems?: readonly ValidationProblem[] }): readonly ValidationProblem[] {
  expect(result.ok).toBe(false);
  return result.problems ?? [];
}

function onlyProblem(result: { ok: boolean; problems?: readonly ValidationProblem[] }): ValidationProblem {
  const found = problems(result);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('observeUsage', () => {
  it('builds the event: requestType, defaults for missing classes, normalized instant', () => {
    const result = observeUsage(usage({ provider: 'OpenAI', observedAt: '2026-03-06T02:00:00.5Z' }));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const { type, data, id } = result.value;
    expect(type).toBe(USAGE_OBSERVED);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(data.provider).toBe('openai');
    expect(data.requestType).toBe('openai|gpt-4o-mini-2024-07-18|chat/completions|tier=batch');
    expect(data.contextTier).toBe('standard');
    expect(data.tokens).toEqual({ inputUncached: 1200, inputCachedRead: 300, cacheWrite5m: 0, cacheWrite1h: 0, output: 450, reasoning: 0 });
    expect(data.units).toEqual({ ...NO_UNITS, requests: 7 });
    expect(data.observedAt).toBe('2026-03-06T02:00:00.500Z');
    expect('project' in data).toBe(false);
    expect('reportedCost' in data).toBe(false);
  });

  it('puts the project into the key when the provider reports per project', () => {
    const result = observeUsage(usage({ project: 'proj_abc' }));
    expect(result.ok && result.value.data.requestType).toBe('openai|gpt-4o-mini-2024-07-18|chat/completions|tier=batch|project=proj_abc');
  });

  it('normalizes a per-request billed cost (Perplexity, OpenRouter float text, xAI ticks)', () => {
    const result = observeUsage(usage({ provider: 'openrouter', model: 'anthropic/claude-3.5-sonnet', serviceTier: undefined, reportedCost: { amount: '1.2e-7', currency: 'USD' } }));
    expect(result.ok && result.value.data.reportedCost).toEqual({ amount: '0.00000012', currency: 'USD' });
  });

  it.each([
    [{ tokens: { output: -3 } }, 'tokens.output', 'not_a_count', 'tokens.output must be a whole number of 0 or more; got -3.'],
    [{ tokens: { output: 1.5 } }, 'tokens.output', 'not_a_count', 'tokens.output must be a whole number of 0 or more; got 1.5.'],
    [{ tokens: { output: '12' } }, 'tokens.output', 'not_a_count', 'tokens.output must be a whole number of 0 or more; got "12".'],
    [{ tokens: { output: 2 ** 53 } }, 'tokens.output', 'out_of_range', 'tokens.output is too large to count exactly (at most 9007199254740991); got 9007199254740992.'],
    [{ units: { audioSeconds: Number.NaN } }, 'units.audioSeconds', 'not_a_count', 'units.audioSeconds must be a whole number of 0 or more; got NaN.'],
    [{ day: '2026-02-29' }, 'day', 'not_a_date', 'day must be a real calendar date; got "2026-02-29", and February 2026 has 28 days.'],
    [{ day: '2026-13-01' }, 'day', 'not_a_date', 'day must be a real calendar date; got "2026-13-01", and there is no such month.'],
    [{ day: '5.3.2026' }, 'day', 'not_a_date', 'day must be a UTC day written YYYY-MM-DD, such as 2026-03-05; got "5.3.2026".'],
    [{ observedAt: '2026-03-06T02:00:00+00:00' }, 'observedAt', 'not_an_instant', 'observedAt must be an ISO 8601 UTC instant ending in Z, such as 2026-03-05T14:00:00Z or 2026-03-05T14:00:00.123Z; got "2026-03-06T02:00:00+00:00".'],
    [{ operation: 'chat' }, 'operation', 'unknown_value', 'operation must be one of "chat/completions", "embeddings", "moderations", "images", "audio_speech", "audio_transcription", "web_search", "file_search", "code_interpreter", "vector_stores"; got "chat".'],
    [{ serviceTier: 'scale' }, 'serviceTier', 'unknown_value', 'serviceTier must be one of "standard", "batch", "priority", "flex"; got "scale".'],
    [{ source: undefined }, 'source', 'required', 'source is required: one of "usage-api", "request-log", "manual", "import".'],
    [{ workspaceId: 'ws one' }, 'workspaceId', 'not_an_identifier', 'workspaceId must be an id of at most 100 letters, digits, "_" or "-", starting with a letter or digit; got "ws one".'],
    [{ model: ' gpt-4o' }, 'model', 'wrong_type', 'model may not start or end with spaces; got " gpt-4o".'],
    [{ project: '' }, 'project', 'required', 'project may not be empty: leave it out when there is no project.'],
    [{ final: 'yes' }, 'final', 'wrong_type', 'final must be true or false; got "yes".'],
    [{ raw: { when: new Date(0) } }, 'raw.when', 'not_json', 'raw.when must be plain JSON (objects, arrays, strings, finite numbers, true/false/null).'],
    [{ reportedCost: { amount: 0.01, currency: 'USD' } }, 'reportedCost.amount', 'wrong_type', 'reportedCost.amount must be a decimal number written as a string, such as "0.0123", not a JSON number (numbers can lose precision); got 0.01.'],
    [{ reportedCost: { amount: '0x10', currency: 'USD' } }, 'reportedCost.amount', 'not_a_decimal', 'reportedCost.amount must be a decimal number written as a string, such as "0.0123" (an exponent such as "1.2e-7" is accepted); got "0x10".'],
    [{ reportedCost: { amount: '-0.5', currency: 'USD' } }, 'reportedCost.amount', 'out_of_range', 'reportedCost.amount may not be negative; got "-0.5".'],
    [{ reportedCost: { amount: '0.5', currency: 'EUR' } }, 'reportedCost.currency', 'unsupported_currency', 'reportedCost.currency must be "USD", the only currency supported so far; got "EUR".'],
    [{ tokens: { input: 10 } }, 'tokens.input', 'unknown_field', 'tokens.input is not a field we know. Expected only: inputUncached, inputCachedRead, cacheWrite5m, cacheWrite1h, output, reasoning.'],
    [{ observedAt: '2026-03-04T23:59:59Z', final: false }, 'observedAt', 'inconsistent', 'observedAt (2026-03-04T23:59:59.000Z) is before the day it reports on (2026-03-05, UTC): usage cannot be observed before it happens.'],
    [{ observedAt: '2026-03-05T18:00:00Z' }, 'final', 'inconsistent', 'final can only be true once the day is over: 2026-03-05 (UTC) had not ended at observedAt (2026-03-05T18:00:00.000Z).'],
  ])('%j → %s', (overrides, path, code, message) => {
    expect(onlyProblem(observeUsage(usage(overrides)))).toEqual({ path, code, message });
  });

  it('reports every problem at once, each with its field path', () => {
    const found = problems(observeUsage(usage({ day: '2026-02-30', tokens: { output: -1, reasoning: 0.5 }, source: 'csv' })));
    expect(found.map((problem) => problem.path)).toEqual(['day', 'tokens.output', 'tokens.reasoning', 'source']);
  });

  it('accepts a pending observation of the current day, and sub-millisecond digits', () => {
    const result = observeUsage(usage({ observedAt: '2026-03-05T18:00:00.123456789Z', final: false }));
    expect(result.ok && result.value.data.observedAt).toBe('2026-03-05T18:00:00.123Z');
  });

  it('rejects a non-object without throwing', () => {
    expect(onlyProblem(observeUsage(null as unknown as UsageObservationInput)).code).toBe('wrong_type');
  });
});

describe('reportCost', () => {
  it('builds the event with a canonical line item and a normalized amount', () => {
    const result = reportCost(cost({ amount: '1.50', project: 'proj_abc' }));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.value.type).toBe(COST_REPORTED);
    expect(result.value.data).toMatchObject({ lineItem: 'openai|gpt-4o-mini-2024-07-18, input|project=proj_abc', amount: '1.5', currency: 'USD' });
  });

  it('accepts a negative amount (credits are billed lines too)', () => {
    const result = reportCost(cost({ amount: '-20.00' }));
    expect(result.ok && result.value.data.amount).toBe('-20');
  });

  it.each([
    [{ amount: 'NaN' }, 'amount', 'not_a_decimal'],
    [{ amount: 'Infinity' }, 'amount', 'not_a_decimal'],
    [{ amount: '1e20' }, 'amount', 'out_of_range'],
    [{ amount: undefined }, 'amount', 'required'],
    [{ currency: 'usd' }, 'currency', 'unsupported_currency'],
    [{ description: '' }, 'description', 'required'],
    [{ colour: 'red' }, 'colour', 'unknown_field'],
  ])('%j → %s %s', (overrides, path, code) => {
    expect(onlyProblem(reportCost(cost(overrides)))).toMatchObject({ path, code });
  });
});

describe('calendar, instants and amounts', () => {
  it('knows leap years', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2000-02-29')).toBe(true);
    expect(isCalendarDay('2100-02-29')).toBe(false);
    expect(isCalendarDay('2026-04-31')).toBe(false);
    expect(isCalendarDay('2026-12-31')).toBe(true);
  });

  it('normalizes instants to the fixed-width millisecond form', () => {
    expect(normalizeInstant('2026-03-05T14:00:00Z')).toBe('2026-03-05T14:00:00.000Z');
    expect(normalizeInstant('2026-03-05T14:00:00.1Z')).toBe('2026-03-05T14:00:00.100Z');
    expect(normalizeInstant('2026-03-05T24:00:00Z')).toBeNull();
    expect(normalizeInstant('2026-03-05T14:00:60Z')).toBeNull();
    expect(normalizeInstant('2026-03-05 14:00:00Z')).toBeNull();
    expect(normalizeInstant('2026-03-05T14:00:00z')).toBeNull();
  });

  it.each([
    ['0.0123', '0.0123'],
    ['1.50', '1.5'],
    ['-0', '0'],
    ['007', '7'],
    ['1.2e-7', '0.00000012'],
    ['5E+3', '5000'],
    ['0.0000000001', '0.0000000001'],
  ])('amount %s → %s', (text, normalized) => {
    expect(parseAmount(text)).toEqual({ ok: true, value: normalized });
  });

  it.each(['', ' 1', '+1', '.5', '5.', '1_000', '0x10', '0b1', 'NaN', '-Infinity', '1e', '1,5'])('amount %j is not decimal text', (text) => {
    expect(parseAmount(text)).toEqual({ ok: false, reason: 'syntax' });
  });

  it('bounds amounts: below 1e15, at most 30 decimal places, no giant exponents', () => {
    expect(parseAmount('999999999999999.99').ok).toBe(true);
    expect(parseAmount('1000000000000000')).toEqual({ ok: false, reason: 'too_large' });
    expect(parseAmount('1e999999999')).toEqual({ ok: false, reason: 'too_large' });
    expect(parseAmount('1e-31')).toEqual({ ok: false, reason: 'too_precise' });
    expect(parseAmount('1e-30').ok).toBe(true);
  });
});
