import fc from 'fast-check';
import { SERVICE_TIERS } from './quantities';
import {
  buildLineItem,
  buildRequestType,
  OPERATIONS,
  parseLineItem,
  parseRequestType,
  RequestTypeParts,
} from './request-type';

const chat = (parts: Partial<RequestTypeParts> & Pick<RequestTypeParts, 'provider' | 'model'>): RequestTypeParts => ({
  operation: 'chat/completions',
  serviceTier: 'standard',
  contextTier: 'standard',
  ...parts,
});

function roundTrip(parts: RequestTypeParts): string {
  const built = buildRequestType(parts);
  const parsed = parseRequestType(built);
  expect(parsed).toEqual({ ok: true, value: { ...parts, provider: parts.provider.toLowerCase() } });
  return built;
}

describe('requestType', () => {
  it('OpenAI batch: the tier is part of the key, the dated model id is kept as is', () => {
    expect(roundTrip(chat({ provider: 'openai', model: 'gpt-4o-mini-2024-07-18', serviceTier: 'batch' }))).toBe(
      'openai|gpt-4o-mini-2024-07-18|chat/completions|tier=batch',
    );
  });

  it("Bedrock: the ':' and '.' of the model id need no escaping", () => {
    expect(roundTrip(chat({ provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }))).toBe(
      'bedrock|anthropic.claude-3-5-sonnet-20240620-v1:0|chat/completions',
    );
  });

  it("OpenRouter: the vendor '/' of the model id is kept, and the :free variant is a different key", () => {
    const paid = roundTrip(chat({ provider: 'openrouter', model: 'anthropic/claude-3.5-sonnet' }));
    const free = roundTrip(chat({ provider: 'openrouter', model: 'anthropic/claude-3.5-sonnet:free' }));
    expect(paid).toBe('openrouter|anthropic/claude-3.5-sonnet|chat/completions');
    expect(free).not.toBe(paid);
  });

  it("Vertex '@' ids, long context and a project, in the fixed dimension order", () => {
    expect(
      roundTrip(chat({ provider: 'vertex', model: 'claude-3-5-sonnet@20240620', serviceTier: 'priority', contextTier: 'long', project: 'proj_abc' })),
    ).toBe('vertex|claude-3-5-sonnet@20240620|chat/completions|tier=priority|context=long|project=proj_abc');
  });

  it('lower-cases the provider only', () => {
    expect(buildRequestType(chat({ provider: 'OpenAI', model: 'GPT-4o', project: 'Proj_X' }))).toBe(
      'openai|GPT-4o|chat/completions|project=Proj_X',
    );
  });

  it("escapes '|' and '%' in ids so they round-trip", () => {
    const built = roundTrip(chat({ provider: 'custom', model: 'a|b%7C', project: 'x|y=z' }));
    expect(built).toBe('custom|a%7Cb%257C|chat/completions|project=x%7Cy=z');
  });

  it('every non-chat operation round-trips', () => {
    for (const operation of OPERATIONS) roundTrip({ ...chat({ provider: 'openai', model: 'm' }), operation });
  });

  it('rejects non-canonical strings, so a usage cannot hide under two keys', () => {
    const rejected = [
      'openai|gpt-4o',
      'OpenAI|gpt-4o|chat/completions',
      'openai||chat/completions',
      'openai|gpt-4o|chat',
      'openai|gpt-4o|chat/completions|tier=standard',
      'openai|gpt-4o|chat/completions|tier=cheap',
      'openai|gpt-4o|chat/completions|context=standard',
      'openai|gpt-4o|chat/completions|context=long|tier=batch',
      'openai|gpt-4o|chat/completions|tier=batch|tier=batch',
      'openai|gpt-4o|chat/completions|project=',
      'openai|gpt-4o|chat/completions|colour=red',
      'openai|gpt%2D4o|chat/completions',
      'openai|gpt-4o%|chat/completions',
    ];
    for (const text of rejected) {
      const parsed = parseRequestType(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toContain('is not a canonical requestType');
    }
  });

  it('refuses to build from empty parts', () => {
    expect(() => buildRequestType(chat({ provider: 'openai', model: '' }))).toThrow(RangeError);
    expect(() => buildRequestType(chat({ provider: 'openai', model: 'm', project: '' }))).toThrow(RangeError);
  });

  it('property: build then parse gives the parts back, and distinct parts give distinct keys', () => {
    const text = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'B', '1', ':', '/', '@', '.', '|', '%', '=', '7', 'C', '-') });
    const parts = fc.record(
      {
        provider: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,8}$/),
        model: text,
        operation: fc.constantFrom(...OPERATIONS),
        serviceTier: fc.constantFrom(...SERVICE_TIERS),
        contextTier: fc.constantFrom('standard' as const, 'long' as const),
        project: text,
      },
      { requiredKeys: ['provider', 'model', 'operation', 'serviceTier', 'contextTier'] },
    );
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        const built = roundTrip(a);
        const same = JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
        expect(buildRequestType(b) === built).toBe(same);
      }),
      { numRuns: 200 },
    );
  });
});

describe('lineItem', () => {
  it('round-trips a provider description verbatim, with or without a project', () => {
    const plain = buildLineItem({ provider: 'OpenAI', description: 'GPT-4o mini, input' });
    expect(plain).toBe('openai|GPT-4o mini, input');
    expect(parseLineItem(plain)).toEqual({ ok: true, value: { provider: 'openai', description: 'GPT-4o mini, input' } });
    const withProject = buildLineItem({ provider: 'anthropic', description: 'Claude | 100%', project: 'wrkspc_1' });
    expect(withProject).toBe('anthropic|Claude %7C 100%25|project=wrkspc_1');
    expect(parseLineItem(withProject)).toEqual({
      ok: true,
      value: { provider: 'anthropic', description: 'Claude | 100%', project: 'wrkspc_1' },
    });
  });

  it('rejects non-canonical line items', () => {
    for (const text of ['openai', 'OpenAI|x', 'openai|x|team=a', 'openai|x|project=', 'openai|x|project=a|b']) {
      expect(parseLineItem(text).ok).toBe(false);
    }
  });
});
