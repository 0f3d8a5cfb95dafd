import { PriceBook } from './price-book';
import { priceSetEvent, type PriceSetInput } from './price-set';

const set = (input: Partial<PriceSetInput> & { readonly input?: string; readonly effectiveFrom: string }) =>
  priceSetEvent({
    provider: 'openai',
    model: 'gpt-4o-mini',
    source: 'catalogue',
    prices: { input: input.input ?? '0.00000015', output: '0.0000006' },
    ...input,
  });

const catalogueJan = set({ effectiveFrom: '2026-01-01', input: '0.0000001' });
const catalogueMar = set({ effectiveFrom: '2026-03-01', input: '0.0000002' });
const instanceOverride = set({ effectiveFrom: '2026-02-01', source: 'override', input: '0.0000003', setBy: 'admin' });
const wsOverride = set({ effectiveFrom: '2026-02-15', source: 'override', workspaceId: 'ws-1', input: '0.0000004' });

const inputOn = (book: PriceBook, day: string, ws?: string) =>
  book.priceFor('openai', 'gpt-4o-mini', day, ws)?.prices.input?.toFixed();

describe('PriceBook', () => {
  it('latest effectiveFrom on or before the day wins; nothing before the first version', () => {
    const book = PriceBook.fromEvents([catalogueMar, catalogueJan]);
    expect(inputOn(book, '2025-12-31')).toBeUndefined();
    expect(inputOn(book, '2026-01-01')).toBe('0.0000001');
    expect(inputOn(book, '2026-02-28')).toBe('0.0000001');
    expect(inputOn(book, '2026-03-01')).toBe('0.0000002');
    expect(inputOn(book, '2027-01-01')).toBe('0.0000002');
  });

  it('answers with the version id (the PriceSet event id) and its provenance', () => {
    const version = PriceBook.fromEvents([catalogueJan]).priceFor('openai', 'gpt-4o-mini', '2026-01-10');
    expect(version).toMatchObject({ versionId: catalogueJan.id, source: 'catalogue', effectiveFrom: '2026-01-01' });
  });

  it('workspace override beats instance override beats catalogue, even against a later catalogue price', () => {
    const book = PriceBook.fromEvents([catalogueJan, instanceOverride, wsOverride, catalogueMar]);
    expect(inputOn(book, '2026-01-20', 'ws-1')).toBe('0.0000001'); // no override yet
    expect(inputOn(book, '2026-02-10', 'ws-1')).toBe('0.0000003'); // instance override
    expect(inputOn(book, '2026-02-20', 'ws-1')).toBe('0.0000004'); // the workspace's own
    expect(inputOn(book, '2026-04-01', 'ws-1')).toBe('0.0000004');
    expect(inputOn(book, '2026-04-01', 'ws-2')).toBe('0.0000003'); // other workspaces: instance override
    expect(inputOn(book, '2026-04-01')).toBe('0.0000003');
    expect(book.priceFor('openai', 'gpt-4o-mini', '2026-04-01', 'ws-1')?.versionId).toBe(wsOverride.id);
  });

  it('two versions with the same effectiveFrom: the later event in the log is the correction', () => {
    const first = set({ effectiveFrom: '2026-05-01', source: 'override', input: '0.000001' });
    const second = set({ effectiveFrom: '2026-05-01', source: 'override', input: '0.000002', supersedes: first.id });
    const back = set({ effectiveFrom: '2026-05-01', source: 'override', input: '0.000001', supersedes: second.id });
    expect(back.id).not.toBe(first.id);
    expect(inputOn(PriceBook.fromEvents([first, second]), '2026-05-01')).toBe('0.000002');
    expect(inputOn(PriceBook.fromEvents([first, second, back]), '2026-05-01')).toBe('0.000001');
  });

  it('replays are harmless: a repeated event id is applied once, other event types are ignored', () => {
    const once = PriceBook.fromEvents([catalogueJan, catalogueMar]);
    const twice = PriceBook.fromEvents([catalogueJan, catalogueMar, catalogueJan, { type: 'UsageObserved' }]);
    expect(twice.history('openai', 'gpt-4o-mini')).toEqual(once.history('openai', 'gpt-4o-mini'));
    expect(inputOn(twice, '2026-04-01')).toBe('0.0000002');
  });

  it('withEvents returns a new book and leaves the old one as it was', () => {
    const before = PriceBook.fromEvents([catalogueJan]);
    const after = before.withEvents([catalogueMar]);
    expect(inputOn(before, '2026-04-01')).toBe('0.0000001');
    expect(inputOn(after, '2026-04-01')).toBe('0.0000002');
  });

  it('an unknown model is undefined (unpriced), and a malformed day is an error', () => {
    const book = PriceBook.fromEvents([catalogueJan]);
    expect(book.priceFor('openai', 'gpt-9', '2026-04-01')).toBeUndefined();
    expect(book.has('openai', 'gpt-9')).toBe(false);
    expect(() => book.priceFor('openai', 'gpt-4o-mini', '2026-4-1')).toThrow(/YYYY-MM-DD/);
  });
});
