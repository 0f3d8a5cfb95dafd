import { readFileSync } from 'node:fs';
import { parseLiteLlmCatalogue } from './litellm-catalogue';
import { PriceBook } from './price-book';
import { lookupUsagePrice } from './price-lookup';
import { catalogueToPriceSets, priceSetEvent } from './price-set';
import { buildCatalogueIndex } from './resolve-model';

const { entries } = parseLiteLlmCatalogue(
  JSON.parse(readFileSync(new URL('../../catalogue/litellm-model-prices.json', import.meta.url), 'utf8')),
);
const index = buildCatalogueIndex(entries);
const catalogue = catalogueToPriceSets(entries, { effectiveFrom: '2026-01-01' }).events;
const selfHosted = priceSetEvent({
  provider: 'ollama-lab',
  model: 'llama3:8b',
  prices: { input: '0.00000001', output: '0.00000002' },
  effectiveFrom: '2026-01-01',
  source: 'override',
  workspaceId: 'ws-1',
});
const negotiated = priceSetEvent({
  provider: 'openai',
  model: 'gpt-4o-mini-2024-07-18',
  prices: { input: '0.0000001', output: '0.0000005' },
  effectiveFrom: '2026-06-01',
  source: 'override',
  workspaceId: 'ws-1',
});
const book = PriceBook.fromEvents([...catalogue, selfHosted, negotiated]);

describe('lookupUsagePrice', () => {
  it('resolves a provider id through the catalogue and returns the version in force', () => {
    const found = lookupUsagePrice(book, index, {
      provider: 'groq',
      modelId: 'llama-3.3-70b-versatile',
      day: '2026-07-01',
    });
    expect(found).toMatchObject({ status: 'found', resolution: { catalogueKey: 'groq/llama-3.3-70b-versatile' } });
    expect(found.status === 'found' && found.version.prices.input?.toFixed()).toBe('0.00000059');
  });

  it("a workspace's override wins from its day on", () => {
    const query = { provider: 'openai', modelId: 'gpt-4o-mini-2024-07-18', workspaceId: 'ws-1' };
    const before = lookupUsagePrice(book, index, { ...query, day: '2026-05-31' });
    const after = lookupUsagePrice(book, index, { ...query, day: '2026-06-01' });
    expect(before.status === 'found' && before.version.source).toBe('catalogue');
    expect(after.status === 'found' && after.version.versionId).toBe(negotiated.id);
  });

  it('an override can price a model the catalogue does not know', () => {
    const found = lookupUsagePrice(book, index, {
      provider: 'ollama-lab',
      modelId: 'llama3:8b',
      day: '2026-07-01',
      workspaceId: 'ws-1',
    });
    expect(found.status === 'found' && found.version.versionId).toBe(selfHosted.id);
    const elsewhere = lookupUsagePrice(book, index, {
      provider: 'ollama-lab',
      modelId: 'llama3:8b',
      day: '2026-07-01',
      workspaceId: 'ws-2',
    });
    expect(elsewhere.status).toBe('unpriced');
  });

  it('unpriced with the reason before the first price applies', () => {
    const result = lookupUsagePrice(book, index, { provider: 'openai', modelId: 'gpt-4o-mini', day: '2025-12-31' });
    expect(result).toEqual({
      status: 'unpriced',
      reason: expect.stringContaining('first price applies from 2026-01-01'),
    });
  });
});
