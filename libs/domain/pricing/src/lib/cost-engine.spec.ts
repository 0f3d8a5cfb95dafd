import { readFileSync } from 'node:fs';
import Decimal from 'decimal.js';
import fc from 'fast-check';
import { NO_TOKENS, NO_UNITS, type OtherUnits, type TokenCounts, type UsageObservedData } from '@act/domain/usage';
import { costEstimateToJson, estimateCost, type CostInput } from './cost-engine';
import { parseLiteLlmCatalogue } from './litellm-catalogue';
import { PriceDecimal, roundForDisplay } from './money';
import { priceSheetFromStrings, type PriceSheet, type PriceSheetStrings } from './price-sheet';

const catalogue = new Map(
  parseLiteLlmCatalogue(
    JSON.parse(readFileSync(new URL('../../catalogue/litellm-model-prices.json', import.meta.url), 'utf8')),
  ).entries.map((e) => [e.key, e.prices]),
);
const prices = (key: string): PriceSheet => {
  const sheet = catalogue.get(key);
  if (!sheet) throw new Error(`no catalogue entry ${key}`);
  return sheet;
};
const sheet = (s: PriceSheetStrings) => priceSheetFromStrings(s);

function usage(
  tokens: Partial<TokenCounts> = {},
  units: Partial<OtherUnits> = {},
  extra: Partial<Omit<CostInput, 'tokens' | 'units'>> = {},
): CostInput {
  return {
    tokens: { ...NO_TOKENS, ...tokens },
    units: { ...NO_UNITS, ...units },
    serviceTier: 'standard',
    contextTier: 'standard',
    ...extra,
  };
}
const line = (estimate: ReturnType<typeof estimateCost>, cls: string) => {
  const found = estimate.lines.find((l) => l.class === cls);
  if (!found) throw new Error(`no line for ${cls}`);
  return { ...found, unitPrice: found.unitPrice.toFixed(), amount: found.amount.toFixed() };
};

// Compile-time: an observation's data can be priced as it is (checked by the typecheck target).
export const observationIsCostInput = (data: UsageObservedData): CostInput => data;

describe('estimateCost', () => {
  describe('rule 1: token classes are disjoint and priced separately', () => {
    it('gpt-4o-mini: uncached input, cached reads and output each at their own price', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 1000, inputCachedRead: 4000, output: 500 }),
        prices('gpt-4o-mini'),
      );
      expect(estimate.status).toBe('priced');
      expect(line(estimate, 'inputUncached')).toMatchObject({
        quantity: 1000,
        unitPrice: '0.00000015',
        amount: '0.00015',
        priceSource: 'input',
      });
      expect(line(estimate, 'inputCachedRead')).toMatchObject({
        quantity: 4000,
        unitPrice: '0.000000075',
        amount: '0.0003',
        priceSource: 'cacheRead',
      });
      expect(line(estimate, 'output')).toMatchObject({ quantity: 500, amount: '0.0003' });
      expect(estimate.total.toFixed()).toBe('0.00075');
      expect(estimate.flags).toEqual([]);
    });

    it('regression: cached tokens are not re-added to input (OpenAI input_tokens = 5,000 includes 4,000 cached)', () => {
      const estimate = estimateCost(usage({ inputUncached: 1000, inputCachedRead: 4000 }), prices('gpt-4o-mini'));
      // Counting input_tokens at the input price and the cached ones again would give 0.00105.
      expect(estimate.total.toFixed()).toBe('0.00045');
      expect(estimate.lines.map((l) => l.quantity)).toEqual([1000, 4000]);
    });

    it('zero usage is priced at exactly zero, with no lines', () => {
      const estimate = estimateCost(usage(), prices('gpt-4o-mini'));
      expect(estimate).toMatchObject({ status: 'priced', lines: [], unpriced: [] });
      expect(estimate.total.isZero()).toBe(true);
    });
  });

  describe('rule 2: reasoning tokens', () => {
    it('at the reasoning price when the sheet has one', () => {
      const estimate = estimateCost(
        usage({ output: 100, reasoning: 1000 }),
        sheet({ input: '0.00000015', output: '0.0000006', reasoning: '0.0000035' }),
      );
      expect(line(estimate, 'reasoning')).toMatchObject({
        unitPrice: '0.0000035',
        amount: '0.0035',
        priceSource: 'reasoning',
      });
      expect(estimate.total.toFixed()).toBe('0.00356');
    });

    it('at the output price otherwise (o3-mini: 100 output + 900 reasoning at 0.0000044)', () => {
      const estimate = estimateCost(usage({ output: 100, reasoning: 900 }), prices('o3-mini'));
      expect(line(estimate, 'reasoning')).toMatchObject({
        unitPrice: '0.0000044',
        amount: '0.00396',
        priceSource: 'output',
      });
      expect(line(estimate, 'reasoning').note).toContain('output price');
      expect(estimate.total.toFixed()).toBe('0.0044');
    });

    it('follows the output price of the tier when it falls back to output (gpt-4o-mini batch)', () => {
      const estimate = estimateCost(usage({ reasoning: 1000 }, {}, { serviceTier: 'batch' }), prices('gpt-4o-mini'));
      expect(line(estimate, 'reasoning')).toMatchObject({ unitPrice: '0.0000003', priceSource: 'batch.output' });
    });
  });

  describe('rule 3: Anthropic cache writes', () => {
    it('claude-sonnet-4-5: 5 min at 1.25 × input, 1 h at 2 × input, both from the catalogue', () => {
      const estimate = estimateCost(usage({ cacheWrite5m: 10_000, cacheWrite1h: 10_000 }), prices('claude-sonnet-4-5'));
      expect(line(estimate, 'cacheWrite5m')).toMatchObject({
        unitPrice: '0.00000375',
        amount: '0.0375',
        priceSource: 'cacheWrite5m',
      });
      expect(line(estimate, 'cacheWrite1h')).toMatchObject({
        unitPrice: '0.000006',
        amount: '0.06',
        priceSource: 'cacheWrite1h',
      });
      expect(estimate.total.toFixed()).toBe('0.0975');
      expect(estimate.flags).toEqual([]);
    });

    it('without a 1 h price (Bedrock claude-3-5-sonnet): 2 × input, derived and said so', () => {
      const estimate = estimateCost(usage({ cacheWrite1h: 1000 }), prices('anthropic.claude-3-5-sonnet-20240620-v1:0'));
      const l = line(estimate, 'cacheWrite1h');
      expect(l).toMatchObject({ unitPrice: '0.000006', amount: '0.006', priceSource: 'derived' });
      expect(l.note).toContain('2 × input');
      expect(estimate.flags).toEqual([expect.objectContaining({ code: 'derived-price', classes: ['cacheWrite1h'] })]);
      expect(estimate.status).toBe('priced');
    });

    it('without a 5 min price, 5 min writes are unpriced (no rule to derive them)', () => {
      const estimate = estimateCost(usage({ inputUncached: 10, cacheWrite5m: 1000 }), prices('gpt-4o-mini'));
      expect(estimate.status).toBe('partially-unpriced');
      expect(estimate.unpriced).toEqual([
        { class: 'cacheWrite5m', quantity: 1000, reason: expect.stringContaining('cacheWrite5m') },
      ]);
    });
  });

  describe('rule 4: batch', () => {
    it('gpt-4o-mini: the catalogue batch prices', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 1_000_000, output: 1_000_000 }, {}, { serviceTier: 'batch' }),
        prices('gpt-4o-mini'),
      );
      expect(line(estimate, 'inputUncached')).toMatchObject({
        unitPrice: '0.000000075',
        amount: '0.075',
        priceSource: 'batch.input',
      });
      expect(line(estimate, 'output')).toMatchObject({
        unitPrice: '0.0000003',
        amount: '0.3',
        priceSource: 'batch.output',
      });
      expect(estimate.flags).toEqual([]);
    });

    it('a class without a batch price: 50 % of standard, derived (cached reads 0.000000075 → 0.0000000375)', () => {
      const estimate = estimateCost(
        usage({ inputCachedRead: 1_000_000 }, {}, { serviceTier: 'batch' }),
        prices('gpt-4o-mini'),
      );
      expect(line(estimate, 'inputCachedRead')).toMatchObject({
        unitPrice: '0.0000000375',
        amount: '0.0375',
        priceSource: 'derived',
      });
      expect(estimate.flags.map((f) => f.code)).toEqual(['derived-price']);
    });

    it('claude-sonnet-4-5 (no batch prices at all): every class at half price', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 1_000_000, output: 100_000 }, {}, { serviceTier: 'batch' }),
        prices('claude-sonnet-4-5'),
      );
      expect(estimate.total.toFixed()).toBe('2.25'); // 1.5 + 0.75
    });
  });

  describe('rule 5: priority and flex', () => {
    it('gpt-4o-mini priority: the priority prices', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 1_000_000, inputCachedRead: 1_000_000 }, {}, { serviceTier: 'priority' }),
        prices('gpt-4o-mini'),
      );
      expect(line(estimate, 'inputUncached')).toMatchObject({ unitPrice: '0.00000025', priceSource: 'priority.input' });
      expect(line(estimate, 'inputCachedRead')).toMatchObject({
        unitPrice: '0.000000125',
        priceSource: 'priority.cacheRead',
      });
      expect(estimate.flags).toEqual([]);
    });

    it('gpt-5 flex: the flex prices (1,000,000 input × 0.000000625 = 0.625)', () => {
      const estimate = estimateCost(usage({ inputUncached: 1_000_000 }, {}, { serviceTier: 'flex' }), prices('gpt-5'));
      expect(estimate.total.toFixed()).toBe('0.625');
    });

    it('a missing tier price: standard price, and the result says the tier price was missing', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 1000, output: 1000 }, {}, { serviceTier: 'flex' }),
        prices('gpt-4o-mini'),
      );
      expect(line(estimate, 'inputUncached')).toMatchObject({ unitPrice: '0.00000015', priceSource: 'input' });
      expect(estimate.flags).toEqual([
        { code: 'tier-price-missing', classes: ['inputUncached', 'output'], message: expect.stringContaining('flex') },
      ]);
      expect(estimate.status).toBe('priced');
    });
  });

  describe('rule 6: long context', () => {
    it('claude-sonnet-4-5 above 200k: the long-context prices (300,000 × 0.000006 = 1.8)', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 300_000, output: 1000 }, {}, { contextTier: 'long' }),
        prices('claude-sonnet-4-5'),
      );
      expect(line(estimate, 'inputUncached')).toMatchObject({
        unitPrice: '0.000006',
        amount: '1.8',
        priceSource: 'longContext.input',
      });
      expect(line(estimate, 'output')).toMatchObject({ unitPrice: '0.0000225', amount: '0.0225' });
      expect(estimate.flags).toEqual([]);
    });

    it('long context with a 1 h cache write uses the long 1 h price', () => {
      const estimate = estimateCost(
        usage({ cacheWrite1h: 1000 }, {}, { contextTier: 'long' }),
        prices('claude-sonnet-4-5'),
      );
      expect(line(estimate, 'cacheWrite1h')).toMatchObject({
        unitPrice: '0.000012',
        priceSource: 'longContext.cacheWrite1h',
      });
    });

    it('no long-context price: standard price, flagged', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 300_000 }, {}, { contextTier: 'long' }),
        prices('gpt-4o-mini'),
      );
      expect(line(estimate, 'inputUncached')).toMatchObject({ unitPrice: '0.00000015', priceSource: 'input' });
      expect(estimate.flags).toEqual([
        expect.objectContaining({ code: 'long-context-price-missing', classes: ['inputUncached'] }),
      ]);
    });

    it('batch on long context halves the long price', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 300_000 }, {}, { contextTier: 'long', serviceTier: 'batch' }),
        prices('claude-sonnet-4-5'),
      );
      expect(line(estimate, 'inputUncached')).toMatchObject({ unitPrice: '0.000003', amount: '0.9' });
      expect(line(estimate, 'inputUncached').note).toContain('longContext.input');
    });

    it('priority on long context uses the long priority price (gemini-3-pro-preview)', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 1_000_000 }, {}, { contextTier: 'long', serviceTier: 'priority' }),
        prices('gemini-3-pro-preview'),
      );
      expect(line(estimate, 'inputUncached')).toMatchObject({
        unitPrice: '0.0000072',
        priceSource: 'longContext.priority.input',
      });
    });
  });

  describe('rule 7: per-request fee', () => {
    it('perplexity/pplx-70b-online: 200 requests × 0.005 = 1', () => {
      const estimate = estimateCost(usage({ output: 1000 }, { requests: 200 }), prices('perplexity/pplx-70b-online'));
      expect(line(estimate, 'requests')).toMatchObject({ quantity: 200, unitPrice: '0.005', amount: '1' });
      expect(estimate.total.toFixed()).toBe('1.0028');
    });

    it('requests cost nothing where the catalogue has no fee (and are not unpriced)', () => {
      const estimate = estimateCost(usage({ output: 1000 }, { requests: 200 }), prices('gpt-4o-mini'));
      expect(estimate.status).toBe('priced');
      expect(estimate.lines.map((l) => l.class)).toEqual(['output']);
    });
  });

  describe('rule 8: search queries', () => {
    it('perplexity/sonar: 1,000 queries at the medium price by default (8), or the size given', () => {
      const sonar = prices('perplexity/sonar');
      expect(estimateCost(usage({}, { searchQueries: 1000 }), sonar).total.toFixed()).toBe('8');
      expect(
        estimateCost(usage({}, { searchQueries: 1000 }, { searchContextSize: 'high' }), sonar).total.toFixed(),
      ).toBe('12');
      expect(
        estimateCost(usage({}, { searchQueries: 1000 }, { searchContextSize: 'low' }), sonar).total.toFixed(),
      ).toBe('5');
    });

    it('no search price: unpriced', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 100 }, { searchQueries: 3 }),
        prices('groq/llama-3.3-70b-versatile'),
      );
      expect(estimate.status).toBe('partially-unpriced');
      expect(estimate.unpriced.map((u) => u.class)).toEqual(['searchQueries']);
    });
  });

  describe('rule 9: web-search calls', () => {
    it('claude-sonnet-4-5: 50 searches × 0.01 = 0.5', () => {
      const estimate = estimateCost(usage({}, { webSearchCalls: 50 }), prices('claude-sonnet-4-5'));
      expect(line(estimate, 'webSearchCalls')).toMatchObject({
        unitPrice: '0.01',
        amount: '0.5',
        priceSource: 'searchContextPerQuery.medium',
      });
    });

    it('no web-search price: unpriced, never $0', () => {
      const estimate = estimateCost(usage({}, { webSearchCalls: 2 }), prices('gpt-4o-mini'));
      expect(estimate).toMatchObject({
        status: 'unpriced',
        lines: [],
        unpriced: [{ class: 'webSearchCalls', quantity: 2, reason: expect.any(String) }],
      });
      expect(estimate.total.isZero()).toBe(true);
    });
  });

  describe('rule 10: images, audio seconds, characters', () => {
    it('at the per-unit prices', () => {
      expect(estimateCost(usage({}, { images: 3 }), prices('dall-e-3')).total.toFixed()).toBe('0.12');
      expect(estimateCost(usage({}, { audioSeconds: 600 }), prices('whisper-1')).total.toFixed()).toBe('0.06');
      expect(estimateCost(usage({}, { characters: 1000 }), prices('tts-1')).total.toFixed()).toBe('0.015');
    });

    it('unpriced where the model has no such price', () => {
      const estimate = estimateCost(
        usage({ output: 10 }, { images: 1, audioSeconds: 2, characters: 3 }),
        prices('gpt-4o-mini'),
      );
      expect(estimate.unpriced.map((u) => u.class)).toEqual(['images', 'audioSeconds', 'characters']);
    });
  });

  describe('unpriced classes', () => {
    it('groq llama with cached tokens: the cached read is listed as unpriced, the rest priced', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 1000, inputCachedRead: 500, output: 100 }),
        prices('groq/llama-3.3-70b-versatile'),
      );
      expect(estimate.status).toBe('partially-unpriced');
      expect(estimate.unpriced).toEqual([
        { class: 'inputCachedRead', quantity: 500, reason: 'no cacheRead price in the catalogue entry' },
      ]);
      expect(estimate.total.toFixed()).toBe('0.000669'); // 1000 × 0.00000059 + 100 × 0.00000079
    });

    it('an empty sheet prices nothing', () => {
      const estimate = estimateCost(usage({ inputUncached: 1, output: 1 }), {});
      expect(estimate.status).toBe('unpriced');
      expect(estimate.unpriced.map((u) => u.class)).toEqual(['inputUncached', 'output']);
    });

    it('rejects quantities that are not non-negative safe integers', () => {
      expect(() => estimateCost(usage({ output: -1 }), prices('gpt-4o-mini'))).toThrow(/output/);
      expect(() => estimateCost(usage({ output: 1.5 }), prices('gpt-4o-mini'))).toThrow(/output/);
      expect(() => estimateCost(usage({}, { requests: Number.NaN }), prices('gpt-4o-mini'))).toThrow(/requests/);
    });
  });

  describe('exact money', () => {
    it('never rounds: the total equals the integer arithmetic of quantity × price', () => {
      const price = fc.record({
        digits: fc.bigInt({ min: 0n, max: 10n ** 18n }),
        scale: fc.integer({ min: 10, max: 24 }),
      });
      const quantity = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
      fc.assert(
        fc.property(fc.array(fc.tuple(quantity, price), { minLength: 6, maxLength: 6 }), (rows) => {
          const classes = ['input', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h', 'output', 'reasoning'] as const;
          const text = (p: { digits: bigint; scale: number }) => new Decimal(`${p.digits}e-${p.scale}`).toFixed();
          const sheetStrings = Object.fromEntries(rows.map(([, p], i) => [classes[i], text(p)]));
          const [q0, q1, q2, q3, q4, q5] = rows.map(([q]) => q);
          const estimate = estimateCost(
            usage({
              inputUncached: q0,
              inputCachedRead: q1,
              cacheWrite5m: q2,
              cacheWrite1h: q3,
              output: q4,
              reasoning: q5,
            }),
            sheet(sheetStrings),
          );
          const scale = 24;
          const expected = rows.reduce(
            (sum, [q, p]) => sum + BigInt(q) * p.digits * 10n ** BigInt(scale - p.scale),
            0n,
          );
          return estimate.total.equals(new PriceDecimal(`${expected}e-${scale}`));
        }),
        { numRuns: 200 },
      );
    });

    it('serialises to full-precision strings, and rounds only for display', () => {
      const estimate = estimateCost(
        usage({ inputUncached: 333, output: 7 }),
        sheet({ input: '0.0000001234567890123456789', output: '0.000015' }),
      );
      const json = costEstimateToJson(estimate);
      expect(json.total).toBe('0.0001461111107411111110737'); // + 7 × 0.000015
      expect(json.lines[0]).toEqual({
        class: 'inputUncached',
        quantity: 333,
        unitPrice: '0.0000001234567890123456789',
        amount: '0.0000411111107411111110737',
        priceSource: 'input',
      });
      expect(JSON.parse(JSON.stringify(json))).toEqual(json);
      expect(roundForDisplay(estimate.total)).toBe('0.00');
      expect(roundForDisplay(new Decimal('1.005'))).toBe('1.01');
      expect(roundForDisplay(new Decimal('1234.5678'), 3)).toBe('1234.568');
    });
  });
});
