import { readFileSync } from 'node:fs';
import Decimal from 'decimal.js';
import { validate as isUuid, version as uuidVersion } from 'uuid';
import { parseLiteLlmCatalogue } from './litellm-catalogue';
import { PRICE_SET, catalogueToPriceSets, priceSetEvent, priceSetEventId, priceSetPrices } from './price-set';

const entries = parseLiteLlmCatalogue(
  JSON.parse(readFileSync(new URL('../../catalogue/litellm-model-prices.json', import.meta.url), 'utf8')),
).entries;

const override = {
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  prices: { input: '0.0000027', output: '0.0000135' },
  effectiveFrom: '2026-09-01',
  source: 'override' as const,
  workspaceId: 'ws-1',
  setBy: 'user-7',
};

describe('PriceSet events', () => {
  it('carries the versioned type, USD, decimal strings and a UUIDv5 id', () => {
    const event = priceSetEvent(override);
    expect(event.type).toBe('PriceSet.v1');
    expect(event.type).toBe(PRICE_SET);
    expect(event.data).toEqual({ ...override, currency: 'USD' });
    expect(isUuid(event.id)).toBe(true);
    expect(uuidVersion(event.id)).toBe(5);
    expect(JSON.parse(JSON.stringify(event))).toEqual(event);
  });

  it('pins the id of a known price set (the namespace and the hashed content must never change)', () => {
    expect(priceSetEvent(override).id).toBe(priceSetEventId(priceSetEvent(override).data));
    expect(priceSetEvent(override).id).toBe('fd7b7f83-b658-5c77-8c8f-172d93e76b46');
  });

  it('the same prices give the same id whatever their spelling; setBy is not part of it', () => {
    const a = priceSetEvent(override);
    const b = priceSetEvent({ ...override, prices: { output: '1.35e-5', input: '0.00000270' }, setBy: 'someone-else' });
    expect(b.id).toBe(a.id);
    expect(b.data.prices).toEqual({ input: '0.0000027', output: '0.0000135' });
  });

  it('a different price, day, workspace, source or predecessor gives a different id', () => {
    const base = priceSetEvent(override).id;
    const ids = [
      priceSetEvent({ ...override, prices: { input: '0.0000028', output: '0.0000135' } }).id,
      priceSetEvent({ ...override, effectiveFrom: '2026-09-02' }).id,
      priceSetEvent({ ...override, workspaceId: 'ws-2' }).id,
      priceSetEvent({ ...override, workspaceId: undefined }).id,
      priceSetEvent({ ...override, supersedes: base }).id,
    ];
    expect(new Set([base, ...ids]).size).toBe(6);
  });

  it('accepts Decimal prices and stores them as plain full-precision strings', () => {
    const event = priceSetEvent({ ...override, prices: { input: new Decimal('1.5e-7'), output: '6e-7' } });
    expect(event.data.prices).toEqual({ input: '0.00000015', output: '0.0000006' });
    expect(priceSetPrices(event).input?.equals('1.5e-7')).toBe(true);
  });

  it('refuses invalid input, naming every problem', () => {
    expect(() =>
      priceSetEvent({
        ...override,
        provider: ' ',
        effectiveFrom: '2026-02-30',
        prices: { input: '-1', output: 'abc', nonsense: '1' } as never,
      }),
    ).toThrow(/provider is required.*effectiveFrom.*unknown price class nonsense.*input must be.*output must be/);
    expect(() => priceSetEvent({ ...override, source: 'catalogue' })).toThrow(/catalogue prices have no workspace/);
    expect(() => priceSetEvent({ ...override, prices: { input: 0.1 } as never })).toThrow(
      /input must be a decimal string/,
    );
  });
});

describe('catalogueToPriceSets', () => {
  const imported = catalogueToPriceSets(entries, { effectiveFrom: '2020-01-01' });

  it('makes one catalogue event per priced (provider, model), with the catalogue key', () => {
    const gpt = imported.events.find((e) => e.data.catalogueKey === 'gpt-4o-mini');
    expect(gpt?.data).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      source: 'catalogue',
      currency: 'USD',
      effectiveFrom: '2020-01-01',
    });
    expect(gpt?.data.prices).toMatchObject({
      input: '0.00000015',
      output: '0.0000006',
      batch: { input: '0.000000075' },
    });
    const identities = imported.events.map((e) => `${e.data.provider}|${e.data.model}`);
    expect(new Set(identities).size).toBe(identities.length);
    expect(imported.events.length).toBeGreaterThan(2700);
  });

  it('keeps the provider-prefixed key where two keys price the same (provider, model)', () => {
    expect(imported.shadowed).toContainEqual({ key: 'deepseek-chat', keptKey: 'deepseek/deepseek-chat' });
    expect(imported.events.length + imported.shadowed.length).toBe(
      entries.filter((e) => JSON.stringify(e.prices) !== '{}').length,
    );
  });

  it('is deterministic: re-importing gives the same ids (the store drops them)', () => {
    const again = catalogueToPriceSets([...entries].reverse(), { effectiveFrom: '2020-01-01' });
    expect(new Set(again.events.map((e) => e.id))).toEqual(new Set(imported.events.map((e) => e.id)));
  });

  it('leaves out entries with no price at all', () => {
    const result = catalogueToPriceSets(
      [
        { key: 'a', provider: 'x', model: 'a', prices: {} },
        { key: 'b', provider: 'x', model: 'b', prices: { input: new Decimal(0) } },
      ],
      { effectiveFrom: '2020-01-01' },
    );
    expect(result.events.map((e) => e.data.model)).toEqual(['b']);
  });
});
