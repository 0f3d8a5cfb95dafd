import { buildCatalogueIndex, type CatalogueEntry } from '@act/domain/pricing';
import { describeOnEachEngine } from '@act/server/database/testing';
import { CostVersionQueries, unaffectedVariant } from './cost-version-queries';
import { openHarness, usage, type LedgerHarness } from './testing/ledger-test-kit';

const entry = (key: string, provider = 'openai'): CatalogueEntry => ({
  key,
  provider,
  model: key.startsWith(`${provider}/`) ? key.slice(provider.length + 1) : key,
  prices: {},
});

/** Keys as the shipped catalogue has them (the dated ids are entries of their own). */
const index = buildCatalogueIndex([
  entry('gpt-4o-mini'),
  entry('gpt-4o-mini-2024-07-18'),
  entry('gpt-4o-mini-search-preview-2025-03-11'),
  entry('gpt-4o'),
  entry('gpt-4o-2024-08-06'),
  entry('gpt-3.5-turbo'),
  entry('gpt-3.5-turbo-0125'),
  entry('azure/gpt-4o-mini', 'azure'),
  entry('claude-3-7-sonnet-20250219', 'anthropic'),
]);

describe('unaffectedVariant', () => {
  const openai = (model: string) => ({ provider: 'openai', model });
  const variantsOf = (change: { provider: string; model: string }, ids: readonly { provider: string; model: string }[]) =>
    ids.filter((u) => unaffectedVariant(change, u, index)).map((u) => `${u.provider}/${u.model}`);

  it('lists a dated or versioned id of the same provider that the catalogue prices as a model of its own', () => {
    expect(
      variantsOf(openai('gpt-4o-mini'), [
        openai('gpt-4o-mini-2024-07-18'),
        // The model itself, and an alias without an entry of its own: the change reaches both.
        openai('gpt-4o-mini'),
        openai('gpt-4o-mini-latest'),
        openai('gpt-4o-mini-2025-01-01'),
        // Another model whose id merely starts the same way.
        openai('gpt-4o-mini-search-preview-2025-03-11'),
        // Other providers: their usage is never priced by an OpenAI price.
        { provider: 'azure', model: 'gpt-4o-mini-2024-07-18' },
        { provider: 'openrouter', model: 'openai/gpt-4o-mini-2024-07-18' },
      ]),
    ).toEqual(['openai/gpt-4o-mini-2024-07-18']);
    expect(variantsOf(openai('gpt-3.5-turbo'), [openai('gpt-3.5-turbo-0125')])).toEqual(['openai/gpt-3.5-turbo-0125']);
    expect(variantsOf(openai('gpt-4o'), [openai('gpt-4o-2024-08-06'), openai('gpt-4o-mini-2024-07-18')])).toEqual(['openai/gpt-4o-2024-08-06']);
  });

  it('lists nothing for a change on the dated id itself: the undated id is not a variant of it', () => {
    expect(variantsOf(openai('gpt-4o-mini-2024-07-18'), [openai('gpt-4o-mini'), openai('gpt-4o-mini-2024-07-18')])).toEqual([]);
  });

  it('covers a model the catalogue lists only under dated ids (the override applies to the id as reported)', () => {
    const anthropic = (model: string) => ({ provider: 'anthropic', model });
    expect(
      variantsOf(anthropic('claude-3-7-sonnet'), [
        anthropic('claude-3-7-sonnet-20250219'),
        // Priced as the newest snapshot, so not by an override on the undated id either.
        anthropic('claude-3-7-sonnet-latest'),
        anthropic('claude-3-7-sonnet'),
      ]),
    ).toEqual(['anthropic/claude-3-7-sonnet-20250219', 'anthropic/claude-3-7-sonnet-latest']);
  });
});

const doubled = { input: '0.0000003', output: '0.0000012' };

describeOnEachEngine('price change preview: usage under a variant the change does not reach', (database) => {
  const db = () => database().db;
  let h: LedgerHarness;

  async function record() {
    await h.record.handle([
      usage({ day: '2026-10-01' }),
      usage({ day: '2026-10-02' }),
      usage({ day: '2026-10-03' }),
      usage({ day: '2026-10-03', accountId: 'acc2' }),
      usage({ day: '2026-10-02', accountId: 'acc2', model: 'gpt-4o-mini' }),
      usage({ day: '2026-10-02', accountId: 'acc2', model: 'gpt-4o-2024-08-06' }),
    ]);
    await h.drain();
  }

  it('lists the dated id with its rows and estimate from effectiveFrom on, in one preview; none for the dated id itself', async () => {
    h = await openHarness(db());
    await h.seed(['gpt-4o-mini', 'gpt-4o-mini-2024-07-18', 'gpt-4o', 'gpt-4o-2024-08-06']);
    await record();
    const versions = new CostVersionQueries(db());

    const alias = await versions.preview('ws1', { provider: 'openai', model: 'gpt-4o-mini', prices: doubled, effectiveFrom: '2026-10-02' });
    // Only the row recorded as gpt-4o-mini changes; the three dated rows from 2026-10-02 on keep their price.
    expect(alias).toMatchObject({ rowsChanged: 1, delta: '0.00027' });
    expect(alias.unaffectedVariants).toEqual([{ provider: 'openai', model: 'gpt-4o-mini-2024-07-18', rows: 3, estimated: '0.00081' }]);

    const dated = await versions.preview('ws1', { provider: 'openai', model: 'gpt-4o-mini-2024-07-18', prices: doubled, effectiveFrom: '2026-10-02' });
    expect(dated).toMatchObject({ rowsChanged: 3, unaffectedVariants: [] });
    expect((await versions.preview('ws1')).unaffectedVariants).toEqual([]);
  });

  it('lists nothing when the dated id has no entry of its own: the change reaches it', async () => {
    h = await openHarness(db());
    await h.seed(['gpt-4o-mini', 'gpt-4o']);
    await record();
    const preview = await new CostVersionQueries(db()).preview('ws1', {
      provider: 'openai',
      model: 'gpt-4o-mini',
      prices: doubled,
      effectiveFrom: '2026-10-02',
    });
    expect(preview).toMatchObject({ rowsChanged: 4, unaffectedVariants: [] });
  });
});
