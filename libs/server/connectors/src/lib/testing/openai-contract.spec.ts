import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import OpenAI from 'openai';
import { parse } from 'yaml';
import { OpenAiSyncConnector } from '../../index';
import {
  startProviderTestServer,
  TEST_KEYS,
  type ProviderTestServer,
} from '../../testing';

// The OpenAI test server must speak OpenAI's documented contract, or tests against it prove nothing:
// 1. every answer of the Usage and Costs APIs validates against OpenAI's own OpenAPI spec (a trimmed copy of
//    shared/data/openai-openapi.yaml, MIT, in src/testing-fixtures), result objects without fields the spec
//    does not define;
// 2. the official `openai` SDK's admin usage client reads it, and agrees with our connector.

const NOW = new Date('2026-11-24T10:30:00Z');
const now = () => NOW;
const START = Date.UTC(2026, 10, 17) / 1000;
const END = Date.UTC(2026, 10, 25) / 1000;

const spec = parse(
  readFileSync(new URL('../../testing-fixtures/openai-openapi.usage.yaml', import.meta.url), 'utf8'),
) as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'openai', components: spec.components });
const usageResponse = ajv.compile({ $ref: 'openai#/components/schemas/UsageResponse' });
const strictResult = new Map<string, ValidateFunction>();
function resultValidator(schema: string): ValidateFunction {
  let validate = strictResult.get(schema);
  if (!validate) {
    validate = ajv.compile({ $ref: `openai#/components/schemas/${schema}`, unevaluatedProperties: false });
    strictResult.set(schema, validate);
  }
  return validate;
}

/** Endpoint → the result schema its `results` items must match, and the group_by values to try. */
const ENDPOINTS: readonly [string, string, readonly string[]][] = [
  ['usage/completions', 'UsageCompletionsResult', ['model', 'project_id', 'batch', 'service_tier']],
  ['usage/embeddings', 'UsageEmbeddingsResult', ['model', 'project_id']],
  ['usage/moderations', 'UsageModerationsResult', ['model', 'project_id']],
  ['usage/images', 'UsageImagesResult', ['model', 'project_id', 'size', 'source']],
  ['usage/audio_speeches', 'UsageAudioSpeechesResult', ['model', 'project_id']],
  ['usage/audio_transcriptions', 'UsageAudioTranscriptionsResult', ['model', 'project_id']],
  ['usage/vector_stores', 'UsageVectorStoresResult', ['project_id']],
  ['usage/code_interpreter_sessions', 'UsageCodeInterpreterSessionsResult', ['project_id']],
  ['usage/file_search_calls', 'UsageFileSearchCallsResult', ['project_id', 'vector_store_id']],
  ['usage/web_search_calls', 'UsageWebSearchCallsResult', ['model', 'project_id', 'context_level']],
  ['costs', 'CostsResult', ['line_item', 'project_id']],
];

let server: ProviderTestServer;
beforeAll(async () => {
  server = await startProviderTestServer({ provider: 'openai', now, pageSize: 3 });
});
afterAll(async () => {
  await server.close();
});

async function getPage(path: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.baseUrl}/v1/organization/${path}`, {
    headers: { authorization: `Bearer ${TEST_KEYS.openai.admin}` },
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

function errorsOf(validate: ValidateFunction): string {
  return ajv.errorsText(validate.errors, { separator: '\n' });
}

describe('OpenAI test server vs the OpenAPI spec', () => {
  it('serves every Usage/Costs path the spec defines, and no other', () => {
    expect(Object.keys(spec.paths).sort()).toEqual(ENDPOINTS.map(([path]) => `/organization/${path}`).sort());
  });

  it.each(ENDPOINTS)('%s: every page validates (grouped and ungrouped), results have only spec fields', async (path, schema, groups) => {
    const variants = [groups, groups.slice(0, 1), []];
    for (const groupBy of variants) {
      let cursor: string | null = null;
      let pages = 0;
      let results = 0;
      do {
        const query = new URLSearchParams({ start_time: String(START), end_time: String(END), bucket_width: '1d', limit: '7' });
        for (const group of groupBy) query.append('group_by', group);
        if (cursor) query.set('page', cursor);
        const { status, body } = await getPage(`${path}?${query}`);
        expect(status).toBe(200);
        if (!usageResponse(body)) throw new Error(`${path} page ${pages + 1}: ${errorsOf(usageResponse)}`);
        const page = body as { data: { results: unknown[] }[]; next_page: string | null; has_more: boolean };
        for (const bucket of page.data) {
          for (const result of bucket.results) {
            const validate = resultValidator(schema);
            if (!validate(result)) throw new Error(`${path} result: ${errorsOf(validate)}\n${JSON.stringify(result)}`);
            results += 1;
          }
        }
        cursor = page.has_more ? page.next_page : null;
        pages += 1;
      } while (cursor !== null);
      // 8 days (Nov 17–24), 3 buckets per page.
      expect(pages).toBe(3);
      expect(results).toBeGreaterThan(0);
    }
  });

  it('the validators are not vacuous: faults the connector must catch fail them too', async () => {
    const { body } = await getPage(`usage/completions?start_time=${START}&group_by=model`);
    const result = (body as { data: { results: Record<string, unknown>[] }[] }).data[0].results[0];
    const validate = resultValidator('UsageCompletionsResult');
    expect(validate(result)).toBe(true);
    expect(validate({ ...result, surprise: 1 })).toBe(false);
    expect(validate({ ...result, input_tokens: '1000' })).toBe(false);
    const renamed: Record<string, unknown> = { ...result, input_token_count: result['input_tokens'] };
    delete renamed['input_tokens'];
    expect(validate(renamed)).toBe(false);
    const costs = await getPage(`costs?start_time=${START}&group_by=line_item`);
    const line = (costs.body as { data: { results: { amount: { value: unknown } }[] }[] }).data[0].results[0];
    expect(resultValidator('CostsResult')(line)).toBe(true);
    expect(resultValidator('CostsResult')({ ...line, amount: { ...line.amount, value: String(line.amount.value) } })).toBe(false);
    expect(usageResponse({ object: 'page', data: [], has_more: false })).toBe(false);
  });

  it('error answers have the spec ErrorResponse shape', async () => {
    const validate = ajv.compile({ $ref: 'openai#/components/schemas/ErrorResponse' });
    const missing = await getPage('usage/completions');
    expect(missing.status).toBe(400);
    expect(validate(missing.body)).toBe(true);
    const response = await fetch(`${server.baseUrl}/v1/organization/costs?start_time=${START}`, { headers: { authorization: 'Bearer sk-admin-nope' } });
    expect(response.status).toBe(401);
    expect(validate(await response.json())).toBe(true);
  });
});

describe('the official openai SDK (admin usage client) against the test server', () => {
  it('lists completions usage and costs, follows next_page, and agrees with our connector', async () => {
    const client = new OpenAI({ adminAPIKey: TEST_KEYS.openai.admin, baseURL: server.apiBaseUrl, maxRetries: 0 });
    const before = server.requests.length;

    let sdkInput = 0;
    let sdkRequests = 0;
    let page: string | undefined;
    let pages = 0;
    do {
      const response = await client.admin.organization.usage.completions({
        start_time: START,
        end_time: END,
        bucket_width: '1d',
        group_by: ['model', 'project_id', 'batch', 'service_tier'],
        limit: 7,
        ...(page ? { page } : {}),
      });
      expect(response.object).toBe('page');
      for (const bucket of response.data) {
        for (const result of bucket.results) {
          if (result.object !== 'organization.usage.completions.result') throw new Error(`unexpected ${result.object}`);
          sdkInput += result.input_tokens;
          sdkRequests += result.num_model_requests;
        }
      }
      page = response.has_more && response.next_page ? response.next_page : undefined;
      pages += 1;
    } while (page);
    expect(pages).toBe(3);

    const costs = await client.admin.organization.usage.costs({ start_time: START, end_time: END, group_by: ['line_item', 'project_id'], limit: 31 });
    const lines = costs.data.flatMap((bucket) => bucket.results);
    expect(lines.length).toBeGreaterThan(0);

    // The SDK sent what OpenAI expects: the admin key as Bearer, arrays as group_by[].
    const seen = server.requests.slice(before);
    expect(seen.every((r) => r.credential === 'admin' && r.headers['authorization'] === '[redacted]')).toBe(true);
    expect(seen[0].query['group_by[]']).toEqual(['model', 'project_id', 'batch', 'service_tier']);

    const connector = new OpenAiSyncConnector(
      { workspaceId: 'ws_sdk', accountId: 'acct_sdk', credential: TEST_KEYS.openai.admin, baseUrl: server.baseUrl },
      { now, endpoints: ['completions'], costs: false },
    );
    const result = await connector.sync({ from: '2026-11-17', to: '2026-11-24' });
    const ours = result.usage.reduce(
      (sum, e) => ({
        input: sum.input + e.data.tokens.inputUncached + e.data.tokens.inputCachedRead + e.data.tokens.cacheWrite5m,
        requests: sum.requests + e.data.units.requests,
      }),
      { input: 0, requests: 0 },
    );
    expect(ours).toEqual({ input: sdkInput, requests: sdkRequests });
  });
});
