import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { IngestSweeper } from '@act/server/ingest';
import { ApiClient } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';

/**
 * Property-based fuzzing of every operation in the OpenAPI document (so a new endpoint is fuzzed by
 * itself), as the owner of a workspace: hostile bodies, query strings, headers and path parameters.
 * Every answer must be a 2xx (the input happened to be valid) or a 4xx problem+json with a `detail`
 * — never a 5xx — and a rejected request must not have appended a single event. Nothing may pollute
 * `Object.prototype` (the server runs in this process, so the test would see it).
 *
 * CI: a fixed seed and 10 runs per operation (PGlite). Long run: `FUZZ_RUNS=500 FUZZ_SEED=<n>`, both engines with `FUZZ_ENGINES=all`.
 */
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 0) || 10;
const SEED = Number(process.env['FUZZ_SEED'] ?? 20261125);
const DUMMY = '00000000-0000-4000-8000-00000000dead';
/**
 * Text PostgreSQL cannot store — a NUL byte anywhere, a lone UTF-16 surrogate inside JSON — is refused with 400 at
 * the edge (the platform's `refuseUnstorableText`); the random inputs include it. Query strings leave lone
 * surrogates out only because `encodeURIComponent` cannot encode them.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

/** Routes not fuzzed, and why. Everything else in the document is. */
const SKIPPED: Record<string, string> = {
  'POST /auth/logout': 'ends the session the fuzzer signs in with (no input besides the cookie)',
  'GET /admin/backup': 'streams the whole event log; no input to fuzz',
  'POST /workspaces/{ws}/accounts/{accountId}/test': 'calls the provider (outside this test)',
  'POST /workspaces/{ws}/channels/{channelId}/test': 'sends a notification (outside this test)',
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- OpenAPI schemas are walked generically
type Schema = Record<string, any>;

interface Operation {
  method: string;
  path: string;
  query: { name: string; schema: Schema }[];
  headers: { name: string; schema: Schema }[];
  body: { contentType: string; schema: Schema } | null;
}

/** Values that break naive code: wrong types, edges of numbers and dates, unicode, injection-looking text. */
const ALL_HOSTILE_STRINGS = [
  '',
  ' ',
  'x'.repeat(5_000),
  '\u0000',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '-0',
  '1e309',
  '99999999999999999999999999999999',
  '0.0000000000000000000000000000001',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '275760-09-14',
  '2026-1-1',
  '2026-11-25T25:61:00Z',
  '2026-00',
  '9999-99',
  'not a date',
  'Ünïcödé 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧‍👦 \u202e',
  '\ud800',
  "'; drop table es_events; --",
  '../../../etc/passwd',
  '%00%2e%2e',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
];
const HOSTILE_STRINGS = ALL_HOSTILE_STRINGS;
const HOSTILE_NUMBERS = [-1, 0, -0.000001, 1.5, 1e308, -1e308, 2 ** 53 + 1, 2 ** 31, -(2 ** 31) - 1, 1e21, 5e-324];
const POLLUTION = [
  JSON.parse('{"__proto__":{"polluted":"yes"}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":"yes"}}}'),
  JSON.parse('{"__proto__":[1]}'),
];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(...HOSTILE_STRINGS, ...HOSTILE_NUMBERS, true, false, null, [], [null], {}, ...POLLUTION),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.array(fc.constantFrom<unknown>(...HOSTILE_STRINGS.slice(0, 12), ...HOSTILE_NUMBERS), { maxLength: 4 }),
);

/** Header values must be bytes (latin-1): the client cannot send anything else. */
const HOSTILE_HEADER = fc.oneof(
  fc.constantFrom('', ' ', 'x'.repeat(4_000), '-1', '1e309', 'null', '__proto__', "'; drop table es_events; --", 'ÿþ', '2026-02-30', '../../x'),
  fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
);

const EXTRA_HEADERS: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'content-type': fc.constantFrom(
      'text/plain',
      'application/json; charset=utf-16',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'text/csv',
      'application/json; charset=latin1',
      'garbage/////',
    ),
    accept: fc.constantFrom('application/xml', '*/*;q=foo', 'text/csv', ''),
    'x-forwarded-for': HOSTILE_HEADER,
    'idempotency-key': HOSTILE_HEADER,
    'if-none-match': HOSTILE_HEADER,
    'accept-language': HOSTILE_HEADER,
  },
  { requiredKeys: [] },
);

function resolve(doc: Schema, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let i = 0; i < 10 && s['$ref']; i++) s = doc['components']['schemas'][String(s['$ref']).split('/').pop() as string];
  if (Array.isArray(s['allOf']) && s['allOf'].length === 1) return resolve(doc, s['allOf'][0]);
  return s;
}

/** A value for the schema: mostly well-typed (with the documented examples and enum values, to get past validation), sometimes hostile. */
function valueFor(doc: Schema, raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const typed = typedFor(doc, schema, depth);
  return fc.oneof({ weight: 3, arbitrary: typed }, { weight: 1, arbitrary: hostileValue });
}

function typedFor(doc: Schema, schema: Schema, depth: number): fc.Arbitrary<unknown> {
  const examples: unknown[] = schema['example'] !== undefined ? [schema['example']] : [];
  if (Array.isArray(schema['enum'])) return fc.constantFrom<unknown>(...schema['enum'], ...examples);
  const type = schema['type'] ?? (schema['properties'] ? 'object' : undefined);
  switch (type) {
    case 'string':
      return fc.oneof(
        ...(examples.length ? [fc.constantFrom(...examples)] : []),
        fc.string({ maxLength: 30 }).filter(wellFormed),
        fc.constantFrom(...HOSTILE_STRINGS.filter(wellFormed)),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      );
    case 'number':
    case 'integer':
      return fc.oneof(...(examples.length ? [fc.constantFrom(...examples)] : []), fc.integer(), fc.double(), fc.constantFrom(...HOSTILE_NUMBERS));
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(valueFor(doc, schema['items'], depth + 1), { maxLength: 4 });
    case 'object':
      return depth > 3 ? fc.constant({}) : objectFor(doc, schema, depth);
    default:
      return hostileValue;
  }
}

function objectFor(doc: Schema, schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties: Record<string, Schema> = schema['properties'] ?? {};
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, property] of Object.entries(properties)) model[name] = valueFor(doc, property, depth + 1);
  return fc
    .tuple(
      fc.record(model, { requiredKeys: [] }),
      fc.option(fc.constantFrom(...POLLUTION, { unknownField: 'x' }, { [''.padEnd(300, 'k')]: 1 }), { nil: undefined }),
    )
    .map(([object, extra]) => (extra ? { ...extra, ...object } : object));
}

/** The body as the wire sees it: usually JSON of a schema-shaped object, sometimes not an object or not JSON at all. */
function bodyFor(doc: Schema, operation: Operation): fc.Arbitrary<string | undefined> {
  const shaped = operation.body?.schema ? valueFor(doc, operation.body.schema).map((v) => JSON.stringify(v)) : hostileValue.map((v) => JSON.stringify(v));
  return fc.oneof(
    { weight: 6, arbitrary: shaped },
    { weight: 1, arbitrary: fc.constantFrom('{"a":', '{"a":1}}', '[', 'nul', '{"records":[{"day":"2026-01-01",}]}', '\u0000', '{"__proto__":{"polluted":"yes"},"a":1}') },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function queryFor(operation: Operation): fc.Arbitrary<string> {
  const declared = operation.query.map((q) =>
    fc.option(
      fc.oneof(
        fc.tuple(fc.constant(q.name), HOSTILE_QUERY).map(([name, value]) => [[name, value]]),
        // The same name twice: Express then hands the handler an array, not a string.
        fc.tuple(fc.constant(q.name), HOSTILE_QUERY, HOSTILE_QUERY).map(([name, a, b]) => [
          [name, a],
          [name, b],
        ]),
        fc.tuple(fc.constant(`${q.name}[]`), HOSTILE_QUERY).map(([name, value]) => [[name, value]]),
        fc.tuple(fc.constant(`${q.name}[$gt]`), HOSTILE_QUERY).map(([name, value]) => [[name, value]]),
      ),
      { nil: [] as string[][] },
    ),
  );
  const extra = fc.option(
    fc.constantFrom([['__proto__[polluted]', 'yes']], [['constructor[prototype][polluted]', 'yes']], [['unknown', 'x']], [['a'.repeat(2_000), 'b']]),
    { nil: [] as string[][] },
  );
  return fc.tuple(fc.tuple(...declared, extra)).map(([pairs]) => {
    const flat = (pairs as string[][][]).flat();
    return flat.length ? '?' + flat.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') : '';
  });
}

const HOSTILE_QUERY = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS.filter(wellFormed)),
  fc.string({ unit: 'grapheme', maxLength: 30 }).filter(wellFormed),
  fc.integer().map(String),
  fc.double().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
);

for (const engine of ['pglite', ...(process.env['FUZZ_ENGINES'] === 'all' ? ['postgresql' as const] : [])] as const) {
  describe(`fuzzing every public endpoint [${engine}]`, () => {
    let t: TestApp;
    let doc: Schema;
    const owner = new ApiClient(() => t.base);
    let ws: string;
    let accountId: string;
    let ingestKey: string;
    const tally = { operations: 0, requests: 0, rejected: 0, accepted: 0, waitForTimeouts: 0, byStatus: {} as Record<string, number> };

    beforeAll(async () => {
      t = await startTestApp(engine, {
        CREDENTIAL_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNC_SCHEDULER: 'false',
        ALERT_EVALUATION_SECONDS: '0',
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      });
      doc = await (await fetch(`${t.base}/api/docs-json`)).json();
      ws = (await owner.register('fuzz-owner@example.test')).body.workspaces[0].id;
      // The account's base URL answers nothing: a sync the fuzzer happens to start fails at once, without leaving this machine.
      accountId = (await owner.post(`/workspaces/${ws}/accounts`, { provider: 'openai', displayName: 'OpenAI', credentials: 'sk-admin-fuzz-0000000000000000', baseUrl: 'http://127.0.0.1:9' }))
        .body.account.id;
      ingestKey = (await owner.post(`/workspaces/${ws}/ingest-keys`, { accountId, name: 'fuzz' })).body.key;
      expect(ingestKey).toEqual(expect.any(String));
    }, 120_000);

    afterAll(async () => {
      await t?.dispose();
      process.stdout.write(`fuzz [${engine}] seed ${SEED}, ${RUNS} runs per operation: ${JSON.stringify(tally)}\n`);
    });

    function operations(): Operation[] {
      const out: Operation[] = [];
      for (const [fullPath, methods] of Object.entries<Record<string, Schema>>(doc['paths'])) {
        for (const [method, op] of Object.entries(methods)) {
          const path = fullPath.replace(/^\/api\/v1/, '');
          if (SKIPPED[`${method.toUpperCase()} ${path}`] || path === '/metrics') continue;
          const params: Schema[] = op['parameters'] ?? [];
          const content: Record<string, Schema> = op['requestBody']?.['content'] ?? {};
          const [contentType] = Object.keys(content);
          out.push({
            method: method.toUpperCase(),
            path,
            query: params.filter((p) => p['in'] === 'query').map((p) => ({ name: p['name'], schema: p['schema'] ?? {} })),
            headers: params.filter((p) => p['in'] === 'header').map((p) => ({ name: p['name'], schema: p['schema'] ?? {} })),
            body: contentType ? { contentType, schema: content[contentType]['schema'] ?? {} } : null,
          });
        }
      }
      return out;
    }

    function pathArb(path: string): fc.Arbitrary<string> {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const real: Record<string, string> = { ws, accountId, month: '2026-01', provider: 'openai', model: 'gpt-4o-mini', version: '1', name: 'no-such-projection' };
      return fc
        .tuple(...names.map((name) => fc.oneof({ weight: 9, arbitrary: fc.constant(real[name] ?? DUMMY) }, { weight: 1, arbitrary: HOSTILE_QUERY })))
        .map((values) => names.reduce((p, name, i) => p.replace(`{${name}}`, encodeURIComponent(values[i] || 'x')), path));
    }

    const head = () => t.app.get<EventStore>(EVENT_STORE).headPosition();

    /** After an accepted request, lets its background work (ingest folding, a started sync or recompute) finish appending. */
    async function settle(): Promise<void> {
      await t.app.get(IngestSweeper).run(0);
      let last = await head();
      for (let quiet = 0, i = 0; quiet < 3 && i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 60));
        const now = await head();
        quiet = now === last ? quiet + 1 : 0;
        last = now;
      }
    }

    it('finds the operations in the OpenAPI document', () => {
      const ops = operations();
      expect(ops.length).toBeGreaterThan(60);
      expect(ops.filter((o) => o.body).length).toBeGreaterThan(15);
    });

    it('answers every hostile request with a 2xx or a 4xx problem+json, never a 5xx, and stores nothing for a rejected one', async () => {
      const failures: string[] = [];
      for (const operation of operations()) {
        tally.operations++;
        const arb = fc.record({
          path: pathArb(operation.path),
          query: queryFor(operation),
          body: bodyFor(doc, operation),
          // Mostly the right content type, so bodies reach validation; sometimes odd headers of every kind.
          headers: fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: EXTRA_HEADERS }),
          declared: fc.tuple(...operation.headers.map((h) => fc.option(fc.tuple(fc.constant(h.name), HOSTILE_HEADER), { nil: undefined }))),
        });
        const property = fc.asyncProperty(arb, async (input) => {
          const headers: Record<string, string> = {
            authorization: `Bearer ${operation.path.startsWith('/ingest/') ? ingestKey : owner.accessToken}`,
            ...(input.body !== undefined ? { 'content-type': operation.body?.contentType ?? 'application/json' } : {}),
            ...input.headers,
          };
          for (const pair of input.declared) if (pair) headers[pair[0]] = pair[1];
          const before = await head();
          const response = await fetch(`${t.base}/api/v1${input.path}${input.query}`, {
            method: operation.method,
            headers,
            body: ['GET', 'HEAD'].includes(operation.method) ? undefined : input.body,
          });
          const text = await response.text();
          tally.requests++;
          tally.byStatus[response.status] = (tally.byStatus[response.status] ?? 0) + 1;
          const where = `${operation.method} ${input.path}${input.query.slice(0, 200)} → ${response.status}`;
          // The one 5xx by design: `?waitFor=` a position the read models have not reached within the wait
          // (here: one far beyond the newest event) is 503 with Retry-After, never stale data.
          const waitedInVain = response.status === 503 && response.headers.get('retry-after') !== null && /have not reached position/.test(text);
          if (waitedInVain) tally.waitForTimeouts++;
          expect(`${where}: ${response.status < 500 || waitedInVain ? 'no 5xx' : text.slice(0, 300)}`).toBe(`${where}: no 5xx`);
          expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
          if (response.status >= 400) {
            tally.rejected++;
            expect(`${where}: ${response.headers.get('content-type')}`).toMatch(/application\/problem\+json/);
            const problem = JSON.parse(text) as { detail?: unknown; status?: unknown };
            expect(problem.status).toBe(response.status);
            expect(typeof problem.detail === 'string' && problem.detail.length > 0 ? 'has detail' : text).toBe('has detail');
            const after = await head();
            expect(`${where}: appended ${after - before} event(s)`).toBe(`${where}: appended 0 event(s)`);
          } else {
            tally.accepted++;
            await settle();
          }
        });
        try {
          await fc.assert(property, { seed: SEED, numRuns: RUNS, endOnFailure: true });
        } catch (error) {
          const cause = (error as { cause?: Error }).cause;
          failures.push(`${String((error as Error).message).slice(0, 1_200)}\n${String(cause?.message ?? '').slice(0, 800)}`);
        }
        // A fuzzed request may have signed the owner out (a valid refresh with a hostile cookie, say): sign in again.
        if ((await owner.get('/auth/me')).status === 401) await owner.login('fuzz-owner@example.test');
      }
      expect(failures).toEqual([]);
    }, 600_000);

    /** Requests that once ended in a 500, found by this fuzzer; each was fixed where the input is validated. */
    it('keeps the 500s it found fixed', async () => {
      const cases: [string, string, string | undefined][] = [
        // class-validator's IsEmail threw URIError on a lone surrogate (identity DTOs).
        ['POST', '/auth/register', '{"email":"a\\ud800@example.test","password":"correct horse battery staple"}'],
        ['POST', `/workspaces/${ws}/invitations`, '{"email":"\\ud800","role":"viewer"}'],
        // A NUL byte in an account or ingest-key id reached PostgreSQL (accounts).
        ['GET', `/workspaces/${ws}/accounts/%00`, undefined],
        ['PATCH', `/workspaces/${ws}/accounts/x%00`, '{"displayName":"x"}'],
        ['GET', `/workspaces/${ws}/accounts/%00/sync-runs`, undefined],
        ['POST', `/workspaces/${ws}/accounts/%00/sync`, '{}'],
        ['DELETE', `/workspaces/${ws}/ingest-keys/%00`, undefined],
      ];
      for (const [method, path, body] of cases) {
        const before = await head();
        const response = await fetch(`${t.base}/api/v1${path}`, { method, body, headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' } });
        const problem = await response.json();
        expect(`${method} ${path} → ${response.status}`).toMatch(/→ 4\d\d$/);
        expect(problem.detail).toEqual(expect.any(String));
        expect(await head()).toBe(before);
      }
    });

    /**
     * Text PostgreSQL cannot store — a NUL byte anywhere, a lone UTF-16 surrogate in JSON — in every string field of
     * every route's body and in every query parameter: 400 at the edge, never a 500 from deep inside a write.
     */
    it('refuses text PostgreSQL cannot store with a 4xx on every route', async () => {
      const fives: string[] = [];
      const send = async (method: string, path: string, body?: string) => {
        const response = await fetch(`${t.base}/api/v1${path}`, { method, body, headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' } });
        if (response.status >= 500) fives.push(`${method} ${path} → ${response.status}`);
      };
      for (const operation of operations()) {
        const path = operation.path.replace('{ws}', ws).replace('{accountId}', accountId).replace(/\{[^}]+\}/g, DUMMY);
        for (const q of operation.query) if (q.name !== 'waitFor') await send(operation.method, `${path}?${q.name}=a%00b`);
        const schema = operation.body?.contentType === 'application/json' ? resolve(doc, operation.body.schema) : null;
        // The documented examples for every other field, so the bad text is what the server has to deal with.
        const properties = Object.entries<Schema>(schema?.['properties'] ?? {});
        const example = (property: Schema) => {
          const p = resolve(doc, property);
          return p['example'] ?? (Array.isArray(p['enum']) ? p['enum'][0] : p['type'] === 'string' ? 'text' : undefined);
        };
        for (const [name, property] of properties) {
          if (resolve(doc, property)['type'] !== 'string') continue;
          const others = JSON.stringify(Object.fromEntries(properties.filter(([other]) => other !== name).map(([other, p]) => [other, example(p)])));
          for (const bad of ['"a\\u0000b"', '"a\\ud800b"']) await send(operation.method, path, `{"${name}":${bad}${others === '{}' ? '' : `,${others.slice(1, -1)}`}}`);
        }
      }
      expect(fives).toEqual([]);
    }, 300_000);

    it('refuses an oversized JSON body with 413 problem+json and stores nothing', async () => {
      const before = await head();
      const huge = JSON.stringify({ displayName: 'x'.repeat(6 * 1024 * 1024) });
      const response = await fetch(`${t.base}/api/v1/workspaces/${ws}/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json' },
        body: huge,
      });
      expect(response.status).toBe(413);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect((await response.json()).detail).toMatch(/too large/);
      const ingest = await fetch(`${t.base}/api/v1/ingest/usage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
        body: huge,
      });
      expect(ingest.status).toBe(413);
      expect(await head()).toBe(before);
    });

    it('refuses headers over 16 KiB with 431 problem+json and stores nothing', async () => {
      const before = await head();
      const response = await fetch(`${t.base}/api/v1/workspaces/${ws}/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${owner.accessToken}`, 'content-type': 'application/json', 'x-padding': 'p'.repeat(20_000) },
        body: JSON.stringify({ displayName: 'never stored' }),
      });
      expect(response.status).toBe(431);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect((await response.json()).detail).toMatch(/16 KiB/);
      expect(await head()).toBe(before);
    });
  });
}
