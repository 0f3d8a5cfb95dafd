import { OpenAiSyncConnector, zeroesForVanishedKeys } from '../../index';
import {
  DEFAULT_OPENAI_SERIES,
  defaultSyntheticUsage,
  defaultTestOrganisation,
  startProviderTestServer,
  TEST_KEYS,
} from '../../testing';

const NOW = new Date('2026-11-24T10:30:00Z');
const now = () => NOW;

async function syncWith(openai: typeof DEFAULT_OPENAI_SERIES, from: string, to: string) {
  const server = await startProviderTestServer({
    provider: 'openai',
    now,
    organisation: { ...defaultTestOrganisation('openai'), usage: { ...defaultSyntheticUsage(), openai } },
  });
  try {
    return await new OpenAiSyncConnector(
      { workspaceId: 'ws_test', accountId: 'acct_openai', credential: TEST_KEYS.openai.admin, baseUrl: server.baseUrl },
      { now, endpoints: ['embeddings', 'moderations'] },
    ).sync({ from, to });
  } finally {
    await server.close();
  }
}

describe('zeroesForVanishedKeys', () => {
  it('supersedes keys (usage and billed lines) a re-read no longer contains, only for the days it answered', async () => {
    const before = await syncWith(DEFAULT_OPENAI_SERIES, '2026-11-19', '2026-11-23');
    const withoutEmbeddings = DEFAULT_OPENAI_SERIES.filter((s) => s.endpoint !== 'embeddings');
    const after = await syncWith(withoutEmbeddings, '2026-11-21', '2026-11-23');
    const current = { usage: before.usage.map((e) => e.data), costs: before.costs.map((e) => e.data) };
    const zeroes = zeroesForVanishedKeys(after, current);
    expect(zeroes.usage.map((e) => [e.data.day, e.data.requestType, e.data.final])).toEqual([
      ['2026-11-21', 'openai|text-embedding-3-small|embeddings|project=proj_web', true],
      ['2026-11-22', 'openai|text-embedding-3-small|embeddings|project=proj_web', true],
      ['2026-11-23', 'openai|text-embedding-3-small|embeddings|project=proj_web', false],
    ]);
    expect(zeroes.usage.every((e) => e.data.tokens.inputUncached === 0 && e.data.observedAt === after.observedAt)).toBe(true);
    expect(zeroes.costs.map((e) => [e.data.day, e.data.lineItem, e.data.amount])).toEqual([
      ['2026-11-21', 'openai|text-embedding-3-small, input|project=proj_web', '0'],
      ['2026-11-22', 'openai|text-embedding-3-small, input|project=proj_web', '0'],
      ['2026-11-23', 'openai|text-embedding-3-small, input|project=proj_web', '0'],
    ]);
    // Once appended (the ledger now shows the re-read plus the zeroes), there is nothing left to supersede.
    const next = {
      usage: [...after.usage, ...zeroes.usage].map((e) => e.data),
      costs: [...after.costs, ...zeroes.costs].map((e) => e.data),
    };
    expect(zeroesForVanishedKeys(after, next)).toEqual({ usage: [], costs: [] });
  });
});
