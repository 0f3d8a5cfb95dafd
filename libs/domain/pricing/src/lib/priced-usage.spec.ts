import { NO_TOKENS, NO_UNITS } from '@act/domain/usage';
import { planCatalogueImport, CATALOGUE_BASELINE_DAY, catalogueImportedId } from './catalogue-import';
import { parseLiteLlmCatalogue } from './litellm-catalogue';
import { PriceCatalogue, priceUsage, pricedUsageFingerprint, type PricedUsageInput } from './priced-usage';
import { priceSetEvent } from './price-set';

const catalogue = parseLiteLlmCatalogue({
  'gpt-4o-mini': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7 },
  'gpt-4o': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5 },
  'dall-e-3': { litellm_provider: 'openai', mode: 'image_generation' },
}).entries;
const first = planCatalogueImport([], catalogue, { contentHash: 'h1', today: '2026-10-01' });

const row = (overrides: Partial<PricedUsageInput> = {}): PricedUsageInput => ({
  workspaceId: 'ws1',
  day: '2026-10-05',
  provider: 'openai',
  model: 'gpt-4o-mini-2024-07-18',
  tokens: { ...NO_TOKENS, inputUncached: 1000, output: 200 },
  units: { ...NO_UNITS, requests: 3 },
  serviceTier: 'standard',
  contextTier: 'standard',
  source: 'usage-api',
  final: true,
  ...overrides,
});

describe('priceUsage', () => {
  const prices = PriceCatalogue.fromEvents(first.priceSets);

  it('prices with the version in force that day and says which one', () => {
    // 1000 × 0.00000015 + 200 × 0.0000006 = 0.00027
    const priced = priceUsage(row(), prices);
    expect(priced).toMatchObject({ status: 'estimated', estimated: '0.00027', priceProvider: 'openai', priceModel: 'gpt-4o-mini', match: 'alias' });
    expect(priced.priceSetId).toBe(first.priceSets.find((e) => e.data.model === 'gpt-4o-mini')?.id);
    expect(priced.detail.lines.map((l) => l.amount)).toEqual(['0.00015', '0.00012']);
  });

  it('unpriced is never $0: an unknown model, or a quantity without a price', () => {
    expect(priceUsage(row({ model: 'gpt-99' }), prices)).toMatchObject({ status: 'unpriced', estimated: null, priceSetId: null });
    const partly = priceUsage(row({ units: { ...NO_UNITS, images: 2 } }), prices);
    expect(partly).toMatchObject({ status: 'unpriced', estimated: '0.00027' });
    expect(partly.note).toContain('images');
  });

  it('reads a class missing from an old event as 0', () => {
    const old = { ...row(), units: { requests: 3 } } as unknown as PricedUsageInput;
    expect(priceUsage(old, prices).estimated).toBe('0.00027');
  });

  it('pending while not final, manual for manual entries; unpriced wins over both', () => {
    expect(priceUsage(row({ final: false }), prices).status).toBe('pending');
    expect(priceUsage(row({ source: 'manual' }), prices).status).toBe('manual');
    expect(priceUsage(row({ source: 'manual', final: false, model: 'x' }), prices).status).toBe('unpriced');
  });

  it('a workspace override on the id as reported wins, from its day on', () => {
    const override = priceSetEvent({
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      prices: { input: '0.0000003', output: '0.0000012' },
      effectiveFrom: '2026-10-05',
      source: 'override',
      workspaceId: 'ws1',
    });
    const withOverride = prices.withEvents([override]);
    expect(priceUsage(row(), withOverride)).toMatchObject({ estimated: '0.00054', match: 'override', priceSetId: override.id });
    expect(priceUsage(row({ day: '2026-10-04' }), withOverride).estimated).toBe('0.00027');
    expect(priceUsage(row({ workspaceId: 'ws2' }), withOverride).estimated).toBe('0.00027');
    expect(pricedUsageFingerprint(priceUsage(row(), prices))).not.toBe(pricedUsageFingerprint(priceUsage(row(), withOverride)));
  });
});

describe('planCatalogueImport', () => {
  it('first import: every priced entry, effective from the baseline day', () => {
    expect(first.priceSets.map((e) => [e.data.model, e.data.effectiveFrom])).toEqual([
      ['gpt-4o', CATALOGUE_BASELINE_DAY],
      ['gpt-4o-mini', CATALOGUE_BASELINE_DAY],
    ]);
    expect(first.marker).toMatchObject({ id: catalogueImportedId('h1'), data: { contentHash: 'h1', entries: 2, priceSets: 2, unchanged: 0 } });
  });

  it('refresh: only new and changed models, from the refresh day; same-day corrections name their predecessor', () => {
    const changed = parseLiteLlmCatalogue({
      'gpt-4o-mini': { litellm_provider: 'openai', input_cost_per_token: 1.5e-7, output_cost_per_token: 6e-7 },
      'gpt-4o': { litellm_provider: 'openai', input_cost_per_token: 2e-6, output_cost_per_token: 1e-5 },
    }).entries;
    const refresh = planCatalogueImport(first.priceSets, changed, { contentHash: 'h2', today: '2026-10-05', previousImportId: first.marker.id });
    expect(refresh.priceSets.map((e) => [e.data.model, e.data.effectiveFrom, e.data.prices.input])).toEqual([['gpt-4o', '2026-10-05', '0.000002']]);
    expect(refresh.marker.data).toMatchObject({ priceSets: 1, unchanged: 1 });
    const back = planCatalogueImport([...first.priceSets, ...refresh.priceSets], catalogue, {
      contentHash: 'h1',
      today: '2026-10-05',
      previousImportId: refresh.marker.id,
    });
    expect(back.priceSets).toHaveLength(1);
    expect(back.priceSets[0].data.supersedes).toBe(refresh.priceSets[0].id);
    expect(back.marker.id).not.toBe(first.marker.id);
  });
});
