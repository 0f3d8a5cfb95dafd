import type { ConnectionTestDto, ProviderId } from '@act/contracts';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  defaultTestOrganisation,
  startProviderTestServer,
  TEST_KEYS,
  type ProviderTestServer,
  type TestServerProvider,
} from '../../testing';
import {
  testConnection,
  type ConnectionTestInput,
  type ConnectionTestOptions,
} from './test-connection';

// Real HTTP against local provider test servers: the client's requests, the providers' answers and every
// network failure go through real sockets.

const NOW = new Date('2026-11-24T10:30:00Z');
const now = () => NOW;
const FAST: ConnectionTestOptions = { timeoutMs: 2_000, now };
const YESTERDAY_UNIX = Date.UTC(2026, 10, 23) / 1000;

/** Every result with the credential that produced it; the last test checks none of them leaks it. */
const seen: Array<{ credential: string | null; result: ConnectionTestDto }> =
  [];

async function check(
  input: ConnectionTestInput,
  options: ConnectionTestOptions = FAST,
): Promise<ConnectionTestDto> {
  const result = await testConnection(input, options);
  seen.push({ credential: input.credential, result });
  return result;
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

interface ProviderCase {
  provider: TestServerProvider;
  label: RegExp;
  valid: string;
  /** Well-formed but unknown to the organisation. */
  wrong: string;
  /** What the provider answers an unknown key with (Google and xAI use 400). */
  invalidStatus: number;
  endpoint: string;
  /** A key that authenticates but may not read what we need, with the status the provider gives it. */
  scope?: { key: string; status: number; message: RegExp };
  /** `custom` takes the OpenAI-compatible root; the others take the bare origin. */
  useApiBase?: boolean;
}

const CASES: ProviderCase[] = [
  {
    provider: 'openai',
    label: /OpenAI/,
    valid: TEST_KEYS.openai.admin,
    wrong: 'sk-admin-wrong000000000000000000000000000000000000000',
    invalidStatus: 401,
    endpoint: `GET /v1/organization/costs?start_time=${YESTERDAY_UNIX}&limit=1`,
    scope: {
      key: TEST_KEYS.openai.project,
      status: 403,
      message:
        /^OpenAI refused this key for the Usage API: it needs an organization Admin key \(sk-admin-…\), not a project/,
    },
  },
  {
    provider: 'anthropic',
    label: /Anthropic/,
    valid: TEST_KEYS.anthropic.admin,
    wrong: 'sk-ant-admin01-wrong00000000000000000000000000000000000000000',
    invalidStatus: 401,
    endpoint:
      'GET /v1/organizations/cost_report?starting_at=2026-11-23T00:00:00Z&limit=1',
    scope: {
      key: TEST_KEYS.anthropic.standard,
      status: 403,
      message: /needs an Admin key \(sk-ant-admin…\), not a standard API key/,
    },
  },
  {
    provider: 'openrouter',
    label: /OpenRouter/,
    valid: TEST_KEYS.openrouter.management,
    wrong: 'sk-or-v1-wrong0000000000000000000000000000000000000000000000000',
    invalidStatus: 401,
    endpoint: 'GET /api/v1/activity?date=2026-11-23',
    scope: {
      key: TEST_KEYS.openrouter.inference,
      status: 403,
      message: /needs a Management key/,
    },
  },
  {
    provider: 'groq',
    label: /Groq/,
    valid: TEST_KEYS.groq.valid,
    wrong: 'gsk_wrong000000000000000000000000000000000000000000',
    invalidStatus: 401,
    endpoint: 'GET /openai/v1/models',
  },
  {
    provider: 'mistral',
    label: /Mistral/,
    valid: TEST_KEYS.mistral.valid,
    wrong: 'wrong000000000000000000000mistral',
    invalidStatus: 401,
    endpoint: 'GET /v1/models',
  },
  {
    provider: 'deepseek',
    label: /DeepSeek/,
    valid: TEST_KEYS.deepseek.valid,
    wrong: 'sk-wrong0000000000000000000deepseek',
    invalidStatus: 401,
    endpoint: 'GET /user/balance',
  },
  {
    provider: 'gemini',
    label: /Gemini|Google/,
    valid: TEST_KEYS.gemini.valid,
    wrong: 'AIzaSyWrong00000000000000000000000gemini',
    invalidStatus: 400,
    endpoint: 'GET /v1beta/models?pageSize=1',
    scope: {
      key: TEST_KEYS.gemini.restricted,
      status: 403,
      message: /Generative Language API/,
    },
  },
  {
    provider: 'xai',
    label: /xAI/,
    valid: TEST_KEYS.xai.valid,
    wrong:
      'xai-wrong00000000000000000000000000000000000000000000000000000000000',
    invalidStatus: 400,
    endpoint: 'GET /v1/api-key',
  },
  {
    provider: 'perplexity',
    label: /Perplexity/,
    valid: TEST_KEYS.perplexity.valid,
    wrong: 'pplx-wrong0000000000000000000000000000000000000000',
    invalidStatus: 401,
    endpoint: 'GET /v1/async/sonar',
  },
  {
    provider: 'custom',
    label: /custom endpoint/,
    valid: TEST_KEYS.custom.valid,
    wrong: 'sk-wrong-custom-000000000000000000000',
    invalidStatus: 401,
    endpoint: 'GET /v1/models',
    useApiBase: true,
  },
];

describe.each(CASES)('testConnection: $provider', (c) => {
  let server: ProviderTestServer;
  let baseUrl: string;
  const input = (
    credential: string | null,
    base: string | null = baseUrl,
  ): ConnectionTestInput => ({
    provider: c.provider,
    credential,
    baseUrl: base,
  });

  beforeAll(async () => {
    server = await startProviderTestServer({ provider: c.provider, now });
    baseUrl = c.useApiBase ? server.apiBaseUrl : server.baseUrl;
  });
  afterAll(() => server.close());
  afterEach(() => server.clearFaults());

  it('ok: the key works and has the needed scope', async () => {
    const result = await check(input(c.valid));
    expect(result).toEqual({
      result: 'ok',
      message: expect.stringMatching(c.label),
      checkedAt: NOW.toISOString(),
      httpStatus: 200,
      endpoint: c.endpoint,
    });
    const last = server.requests[server.requests.length - 1];
    expect(`GET ${last.path}`).toBe(c.endpoint.split('?')[0]);
    expect(last.credential).not.toBe('unknown');
  });

  it('invalid_key: the provider does not know the key', async () => {
    const result = await check(input(c.wrong));
    expect(result).toMatchObject({
      result: 'invalid_key',
      httpStatus: c.invalidStatus,
      endpoint: c.endpoint,
    });
    expect(result.message).toMatch(c.label);
  });

  if (c.scope) {
    const scope = c.scope;
    it('insufficient_scope: the key authenticates but may not read usage', async () => {
      const result = await check(input(scope.key));
      expect(result).toMatchObject({
        result: 'insufficient_scope',
        httpStatus: scope.status,
      });
      expect(result.message).toMatch(scope.message);
    });
  }

  it('rate_limited: 429, and the message passes on Retry-After', async () => {
    server.setFault({ kind: 'rate_limit', retryAfterSeconds: 30 });
    const result = await check(input(c.valid));
    expect(result).toMatchObject({ result: 'rate_limited', httpStatus: 429 });
    expect(result.message).toMatch(/wait 30 seconds/);
  });

  it('rate_limited without Retry-After asks to wait a minute', async () => {
    server.setFault({ kind: 'rate_limit', retryAfterSeconds: null });
    const result = await check(input(c.valid));
    expect(result).toMatchObject({ result: 'rate_limited', httpStatus: 429 });
    expect(result.message).toMatch(/wait a minute/);
  });

  it.each([500, 503])(
    'provider_error: the provider answers %i',
    async (status) => {
      server.setFault({ kind: 'server_error', status });
      const result = await check(input(c.valid));
      expect(result).toMatchObject({
        result: 'provider_error',
        httpStatus: status,
      });
      expect(result.message).toMatch(/server error .*their side/);
    },
  );

  it('provider_error: a 200 that is not the API (captive portal, wrong host)', async () => {
    server.setFault({ kind: 'malformed' });
    const result = await check(input(c.valid));
    expect(result).toMatchObject({ result: 'provider_error', httpStatus: 200 });
    expect(result.message).toMatch(/check that the base URL points to/);
  });

  it('unreachable: nothing listens on the port', async () => {
    const base = await closedPortUrl();
    const result = await check(
      input(c.valid, c.useApiBase ? `${base}/v1` : base),
    );
    expect(result).toMatchObject({
      result: 'unreachable',
      httpStatus: null,
      endpoint: c.endpoint,
    });
    expect(result.message).toMatch(/refused the connection/);
  });

  it('unreachable: the provider does not answer in time', async () => {
    server.setFault({ kind: 'hang' });
    const started = Date.now();
    const result = await check(input(c.valid), { timeoutMs: 300, now });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ result: 'unreachable', httpStatus: null });
    expect(result.message).toMatch(/did not answer .* within 0\.3 seconds/);
  });

  it('unreachable: the connection is reset', async () => {
    server.setFault({ kind: 'reset' });
    const result = await check(input(c.valid));
    expect(result).toMatchObject({ result: 'unreachable', httpStatus: null });
    expect(result.message).toMatch(/was closed before/);
  });

  if (c.provider !== 'custom') {
    it('invalid_key without calling when no key is stored', async () => {
      const before = server.requests.length;
      const result = await check(input(null));
      expect(result).toMatchObject({
        result: 'invalid_key',
        httpStatus: null,
        endpoint: null,
      });
      expect(result.message).toMatch(/No key is stored/);
      expect(server.requests).toHaveLength(before);
    });
  }
});

describe('testConnection: provider specifics', () => {
  const servers: ProviderTestServer[] = [];
  async function start(
    provider: TestServerProvider,
    organisation = defaultTestOrganisation(provider),
  ) {
    const server = await startProviderTestServer({
      provider,
      now,
      organisation,
    });
    servers.push(server);
    return server;
  }
  afterAll(() => Promise.all(servers.map((server) => server.close())));

  it('OpenAI: a restricted Admin key refused with 401 "Missing scopes" is a scope problem, not a bad key', async () => {
    const server = await start('openai');
    const result = await check({
      provider: 'openai',
      credential: TEST_KEYS.openai.restrictedAdmin,
      baseUrl: server.baseUrl,
    });
    expect(result).toMatchObject({
      result: 'insufficient_scope',
      httpStatus: 401,
    });
    expect(result.message).toMatch(/Usage read permission/);
  });

  it('OpenAI: an unknown project key gets the "use an Admin key" advice', async () => {
    const server = await start('openai');
    const result = await check({
      provider: 'openai',
      credential: 'sk-proj-unknown00000000000000000000000000',
      baseUrl: server.baseUrl,
    });
    expect(result).toMatchObject({
      result: 'insufficient_scope',
      httpStatus: 401,
    });
    expect(result.message).toMatch(/needs an organization Admin key/);
  });

  it('OpenAI: sends the Bearer header and the documented query', async () => {
    const server = await start('openai');
    await check({
      provider: 'openai',
      credential: TEST_KEYS.openai.admin,
      baseUrl: server.baseUrl,
    });
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v1/organization/costs',
      query: { start_time: [String(YESTERDAY_UNIX)], limit: ['1'] },
      headers: expect.objectContaining({ authorization: '[redacted]' }),
      credential: 'admin',
    });
  });

  it('Anthropic: sends x-api-key and anthropic-version 2023-06-01; 529 overloaded is a provider error', async () => {
    const server = await start('anthropic');
    server.setFault({ kind: 'server_error', status: 529 });
    const result = await check({
      provider: 'anthropic',
      credential: TEST_KEYS.anthropic.admin,
      baseUrl: `${server.baseUrl}/v1/`,
    });
    expect(result).toMatchObject({ result: 'provider_error', httpStatus: 529 });
    expect(server.requests[0].headers).toMatchObject({
      'x-api-key': '[redacted]',
      'anthropic-version': '2023-06-01',
    });
    expect(server.requests[0].headers['authorization']).toBeUndefined();
  });

  it('Gemini: the key travels in x-goog-api-key, never in the query', async () => {
    const server = await start('gemini');
    await check({
      provider: 'gemini',
      credential: TEST_KEYS.gemini.valid,
      baseUrl: server.baseUrl,
    });
    expect(server.requests[0].headers['x-goog-api-key']).toBe('[redacted]');
    expect(server.requests[0].query).toEqual({ pageSize: ['1'] });
  });

  it("Gemini: a 429 with only Google's RetryInfo in the body still says how long to wait", async () => {
    const server = await start('gemini');
    server.setFault({
      kind: 'rate_limit',
      retryAfterSeconds: 37,
      retryAfterHeader: false,
    });
    const result = await check({
      provider: 'gemini',
      credential: TEST_KEYS.gemini.valid,
      baseUrl: server.baseUrl,
    });
    expect(result).toMatchObject({ result: 'rate_limited', httpStatus: 429 });
    expect(result.message).toMatch(/wait 37 seconds/);
  });

  it('xAI: a blocked key is reported as such', async () => {
    const server = await start('xai');
    const result = await check({
      provider: 'xai',
      credential: TEST_KEYS.xai.blocked,
      baseUrl: server.baseUrl,
    });
    expect(result).toMatchObject({ result: 'invalid_key', httpStatus: 200 });
    expect(result.message).toMatch(/blocked or disabled/);
  });

  it('DeepSeek: a working key on an empty account is ok, with a top-up hint', async () => {
    const server = await start('deepseek', {
      ...defaultTestOrganisation('deepseek'),
      balanceUsd: '0.00',
    });
    const result = await check({
      provider: 'deepseek',
      credential: TEST_KEYS.deepseek.valid,
      baseUrl: server.baseUrl,
    });
    expect(result).toMatchObject({ result: 'ok', httpStatus: 200 });
    expect(result.message).toMatch(/no balance available/);
  });

  it('custom: a self-hosted server without auth is ok with no key', async () => {
    const server = await start('custom', {
      ...defaultTestOrganisation('custom'),
      allowAnonymous: true,
    });
    const result = await check({
      provider: 'custom',
      credential: null,
      baseUrl: server.apiBaseUrl,
    });
    expect(result).toMatchObject({ result: 'ok', httpStatus: 200 });
    expect(server.requests[0].headers['authorization']).toBeUndefined();
  });

  it('custom: a server that wants a key says so when none is stored', async () => {
    const server = await start('custom');
    const result = await check({
      provider: 'custom',
      credential: null,
      baseUrl: server.apiBaseUrl,
    });
    expect(result).toMatchObject({ result: 'invalid_key', httpStatus: 401 });
    expect(result.message).toMatch(/asks for a key/);
  });

  it('custom: needs a base URL, and does not call anything without one', async () => {
    const result = await check({
      provider: 'custom',
      credential: TEST_KEYS.custom.valid,
      baseUrl: null,
    });
    expect(result).toMatchObject({
      result: 'unreachable',
      httpStatus: null,
      endpoint: null,
    });
    expect(result.message).toMatch(/Set the base URL/);
  });

  it('custom: a base without the API root finds nothing (the base is used verbatim)', async () => {
    const server = await start('custom');
    const result = await check({
      provider: 'custom',
      credential: TEST_KEYS.custom.valid,
      baseUrl: server.baseUrl,
    });
    expect(result).toMatchObject({
      result: 'provider_error',
      httpStatus: 404,
      endpoint: 'GET /models',
    });
    expect(result.message).toMatch(/check the base URL/);
  });

  it.each<ProviderId>(['bedrock', 'azure-openai'])(
    '%s: not_supported, with what to do instead',
    async (provider) => {
      const result = await check({
        provider,
        credential: 'AKIAEXAMPLEKEY000000',
        baseUrl: null,
      });
      expect(result).toMatchObject({
        result: 'not_supported',
        httpStatus: null,
        endpoint: null,
      });
      expect(result.message).toMatch(/import .*CSV/);
    },
  );

  it('an unknown provider value is not_supported, not a crash', async () => {
    const result = await check({
      provider: 'acme' as ProviderId,
      credential: 'whatever-key-000',
      baseUrl: null,
    });
    expect(result.result).toBe('not_supported');
  });

  it('a key that cannot be an HTTP header value is invalid_key, and is not echoed', async () => {
    const server = await start('openai');
    const result = await check({
      provider: 'openai',
      credential: 'sk-admin-line\nbreak0000000000',
      baseUrl: server.baseUrl,
    });
    expect(result).toMatchObject({ result: 'invalid_key', httpStatus: null });
    expect(result.message).toMatch(/paste the key again/);
    expect(server.requests).toHaveLength(0);
  });

  it('an unresolvable host is unreachable', async () => {
    const result = await check(
      {
        provider: 'groq',
        credential: TEST_KEYS.groq.valid,
        baseUrl: 'http://no-such-host.invalid',
      },
      { timeoutMs: 3_000, now },
    );
    expect(result).toMatchObject({ result: 'unreachable', httpStatus: null });
    expect(result.message).toMatch(/no-such-host\.invalid/);
  });

  it('a redirect is not followed: the key is never sent to another host', async () => {
    const target = await rawServer((_req, res) =>
      res.writeHead(200).end('{"data":[]}'),
    );
    const redirector = await rawServer((_req, res) =>
      res
        .writeHead(302, {
          location: `${target.url}/v1/organizations/cost_report`,
        })
        .end(),
    );
    try {
      const result = await check({
        provider: 'anthropic',
        credential: TEST_KEYS.anthropic.admin,
        baseUrl: redirector.url,
      });
      expect(result).toMatchObject({
        result: 'provider_error',
        httpStatus: 302,
      });
      expect(result.message).toMatch(/redirect/);
      expect(target.hits()).toBe(0);
    } finally {
      await Promise.all([target.close(), redirector.close()]);
    }
  });

  it.each([
    ['not a url', /not a valid http\(s\) address/],
    ['ftp://files.example.com', /not a valid http\(s\) address/],
    [
      'https://user:hunter2-password@proxy.example.com',
      /must not contain a user name or password/,
    ],
  ])(
    'a bad base URL (%s) is refused before calling',
    async (baseUrl, message) => {
      const result = await check({
        provider: 'openai',
        credential: TEST_KEYS.openai.admin,
        baseUrl,
      });
      expect(result).toMatchObject({
        result: 'unreachable',
        httpStatus: null,
        endpoint: null,
      });
      expect(result.message).toMatch(message);
      expect(result.message).not.toContain('hunter2');
    },
  );
});

describe('testConnection: base URL override rules against real servers', () => {
  it.each<[TestServerProvider, string, string[]]>([
    [
      'openai',
      TEST_KEYS.openai.admin,
      ['', '/', '/v1', '/v1/', '/v1?tenant=a#x'],
    ],
    ['anthropic', TEST_KEYS.anthropic.admin, ['', '/v1', '/v1/']],
    [
      'openrouter',
      TEST_KEYS.openrouter.management,
      ['', '/api', '/api/v1', '/api/v1/'],
    ],
    ['groq', TEST_KEYS.groq.valid, ['', '/openai', '/openai/v1/']],
    ['deepseek', TEST_KEYS.deepseek.valid, ['', '/', '/v1']],
    ['gemini', TEST_KEYS.gemini.valid, ['', '/v1beta', '/v1']],
    ['perplexity', TEST_KEYS.perplexity.valid, ['', '/v1/']],
  ])(
    '%s accepts the base with or without its version segment',
    async (provider, credential, suffixes) => {
      const server = await startProviderTestServer({ provider, now });
      try {
        for (const suffix of suffixes) {
          const result = await check({
            provider,
            credential,
            baseUrl: server.baseUrl + suffix,
          });
          expect({ suffix, result: result.result }).toEqual({
            suffix,
            result: 'ok',
          });
        }
      } finally {
        await server.close();
      }
    },
  );
});

describe('testConnection: the credential never leaks', () => {
  it('appears in no field of any result, across providers, keys and failures', async () => {
    const distinctive = (provider: string) =>
      `sk-LEAKCHECK-${provider}-7f3a9c1e5b2d4f60`;
    for (const c of CASES) {
      const server = await startProviderTestServer({
        provider: c.provider,
        now,
      });
      const baseUrl = c.useApiBase ? server.apiBaseUrl : server.baseUrl;
      try {
        const credentials = [
          c.valid,
          c.wrong,
          distinctive(c.provider),
          ...(c.scope ? [c.scope.key] : []),
        ];
        for (const credential of credentials) {
          for (const fault of [
            undefined,
            'rate_limit',
            'server_error',
            'malformed',
            'reset',
          ] as const) {
            if (fault) server.setFault({ kind: fault });
            await check({ provider: c.provider, credential, baseUrl });
          }
        }
        for (const recorded of server.requests) {
          for (const credential of credentials)
            expect(JSON.stringify(recorded)).not.toContain(credential);
        }
      } finally {
        await server.close();
      }
    }
    // Also every result produced by the tests above.
    expect(seen.length).toBeGreaterThan(100);
    for (const { credential, result } of seen) {
      if (!credential) continue;
      expect(Object.values(result).map(String).join('\n')).not.toContain(
        credential,
      );
      expect(JSON.stringify(result)).not.toContain(
        JSON.stringify(credential).slice(1, -1),
      );
    }
  });
});

async function rawServer(
  handler: RequestListener,
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve()),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
