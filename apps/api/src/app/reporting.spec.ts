import { readFileSync } from 'node:fs';
import Decimal from 'decimal.js';
import { testEngines } from '@act/server/database/testing';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { LedgerLifecycle } from '@act/server/reporting';
import { seedCatalogue, shippedCataloguePath } from '@act/server/usage';
import { ApiClient, type Reply } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';

/** Set ACT_REPORT_TIMINGS=1 to print the measured timings. */
const report = (line: string) => {
  if (process.env['ACT_REPORT_TIMINGS']) process.stdout.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// Reference prices, straight from the shipped LiteLLM file (not through the app's price book).

const D = Decimal.clone({ precision: 100 });
const catalogue = JSON.parse(readFileSync(shippedCataloguePath(), 'utf8')) as Record<string, Record<string, number | undefined>>;
const price = (key: string, field: string) => {
  const value = catalogue[key]?.[field];
  if (value === undefined) throw new Error(`catalogue has no ${field} for ${key}`);
  return new D(String(value));
};
interface Classes {
  uncached?: number;
  cached?: number;
  write5m?: number;
  output?: number;
}
/** Token classes × the catalogue's prices of `key`, exact. */
function reference(key: string, c: Classes): Decimal {
  let total = new D(0);
  if (c.uncached) total = total.plus(price(key, 'input_cost_per_token').times(c.uncached));
  if (c.cached) total = total.plus(price(key, 'cache_read_input_token_cost').times(c.cached));
  if (c.write5m) total = total.plus(price(key, 'cache_creation_input_token_cost').times(c.write5m));
  if (c.output) total = total.plus(price(key, 'output_cost_per_token').times(c.output));
  return total;
}
/** Same classes at explicit prices (an override). */
function at(prices: { input: string; cacheRead: string; output: string }, c: Classes): Decimal {
  return new D(prices.input).times(c.uncached ?? 0).plus(new D(prices.cacheRead).times(c.cached ?? 0)).plus(new D(prices.output).times(c.output ?? 0));
}
const sum = (values: Iterable<Decimal.Value | null | undefined>) => {
  let total = new D(0);
  for (const v of values) if (v !== null && v !== undefined && v !== '') total = total.plus(v);
  return total;
};
const eq = (actual: Decimal.Value, expected: Decimal.Value) => expect(new D(actual).toFixed()).toBe(new D(expected).toFixed());

// ---------------------------------------------------------------------------------------------
// Days: two finished months back (closed later) and today (pending).

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const now = Date.now() - 2_000;
const TODAY = utcDay(now);
const thisMonth = TODAY.slice(0, 7);
const monthBefore = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};
const PREV = monthBefore(thisMonth);
const P1 = `${PREV}-10`;
const P2 = `${PREV}-12`;
const P3 = `${PREV}-14`;
const lastDayOf = (month: string) => utcDay(Date.parse(`${nextMonth(month)}-01T00:00:00Z`) - DAY_MS);
function nextMonth(month: string) {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
const PREV_END = lastDayOf(PREV);

// ---------------------------------------------------------------------------------------------
// CSV as RFC 4180 says (quoted fields, doubled quotes, CRLF).

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

// ---------------------------------------------------------------------------------------------
// FOCUS 1.2 (ratified by the FOCUS Steering Committee on 2025-05-29), Cost and Usage dataset,
// written here from the specification's column definitions ("Content constraints" and the
// normative requirements), not from the exporter: the columns whose feature level is Mandatory,
// their data type and whether they allow nulls, and the allowed values of the normalized ones.

type FocusType = 'Decimal' | 'DateTime' | 'String' | 'CurrencyCode';
interface FocusColumnSpec {
  type: FocusType;
  /** "Allows nulls" of the column's content constraints. */
  nullable: boolean;
  /** Nulls not allowed on Usage / Purchase rows that are not corrections (ChargeClass null). */
  requiredOnUsage?: boolean;
  values?: readonly string[];
}

const FOCUS_1_2_MANDATORY: Record<string, FocusColumnSpec> = {
  BilledCost: { type: 'Decimal', nullable: false },
  BillingAccountId: { type: 'String', nullable: false },
  BillingAccountName: { type: 'String', nullable: true },
  BillingCurrency: { type: 'CurrencyCode', nullable: false },
  BillingPeriodEnd: { type: 'DateTime', nullable: false },
  BillingPeriodStart: { type: 'DateTime', nullable: false },
  ChargeCategory: { type: 'String', nullable: false, values: ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'] },
  ChargeClass: { type: 'String', nullable: true, values: ['Correction'] },
  ChargeDescription: { type: 'String', nullable: true },
  ChargePeriodEnd: { type: 'DateTime', nullable: false },
  ChargePeriodStart: { type: 'DateTime', nullable: false },
  ContractedCost: { type: 'Decimal', nullable: false },
  EffectiveCost: { type: 'Decimal', nullable: false },
  InvoiceIssuerName: { type: 'String', nullable: false },
  ListCost: { type: 'Decimal', nullable: false },
  PricingQuantity: { type: 'Decimal', nullable: true, requiredOnUsage: true },
  PricingUnit: { type: 'String', nullable: true, requiredOnUsage: true },
  ProviderName: { type: 'String', nullable: false },
  PublisherName: { type: 'String', nullable: false },
  ServiceCategory: {
    type: 'String',
    nullable: false,
    values: [
      'AI and Machine Learning',
      'Analytics',
      'Business Applications',
      'Compute',
      'Databases',
      'Developer Tools',
      'Multicloud',
      'Identity',
      'Integration',
      'Internet of Things',
      'Management and Governance',
      'Media',
      'Migration',
      'Mobile',
      'Networking',
      'Security',
      'Storage',
      'Web',
      'Other',
    ],
  },
  ServiceName: { type: 'String', nullable: false },
};

/** Conditional / recommended columns: checked by the same rules when a file has them. */
const FOCUS_1_2_OPTIONAL: Record<string, FocusColumnSpec> = {
  ChargeFrequency: { type: 'String', nullable: true, values: ['One-Time', 'Recurring', 'Usage-Based'] },
  ConsumedQuantity: { type: 'Decimal', nullable: true, requiredOnUsage: true },
  ConsumedUnit: { type: 'String', nullable: true, requiredOnUsage: true },
  SkuId: { type: 'String', nullable: true, requiredOnUsage: true },
  ListUnitPrice: { type: 'Decimal', nullable: true },
  SubAccountId: { type: 'String', nullable: true },
  SubAccountName: { type: 'String', nullable: true },
};

/** Attributes: Numeric Format (a single number; no separators, units or signs but minus), Date/Time Format (ISO 8601 in UTC, Z), Currency Format (ISO 4217). */
const DECIMAL = /^-?(\d+(\.\d+)?|\.\d+)([eE]-?\d+)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const ISO_4217 = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD'];

function checkFocusFile(text: string): Record<string, string | null>[] {
  const [header, ...lines] = parseCsv(text);
  const problems: string[] = [];
  // Column handling: every mandatory column; PascalCase ids; custom columns x_-prefixed and after the FOCUS ones.
  for (const column of Object.keys(FOCUS_1_2_MANDATORY)) if (!header.includes(column)) problems.push(`missing mandatory column ${column}`);
  const firstCustom = header.findIndex((c) => c.startsWith('x_'));
  header.forEach((column, i) => {
    if (column.startsWith('x_')) {
      if (!/^x_[A-Za-z0-9]+$/.test(column)) problems.push(`custom column ${column} is not x_ + alphanumerics`);
    } else {
      if (!/^[A-Z][A-Za-z0-9]*$/.test(column)) problems.push(`column ${column} is not PascalCase alphanumeric`);
      if (firstCustom >= 0 && i > firstCustom) problems.push(`FOCUS column ${column} comes after a custom column`);
    }
  });
  expect(new Set(header).size).toBe(header.length);
  const specs: Record<string, FocusColumnSpec> = { ...FOCUS_1_2_OPTIONAL, ...FOCUS_1_2_MANDATORY };
  const records = lines.map((line, n) => {
    if (line.length !== header.length) problems.push(`row ${n + 2} has ${line.length} fields, header ${header.length}`);
    // Null handling: an empty field is null.
    return Object.fromEntries(header.map((h, i) => [h, line[i] === '' || line[i] === undefined ? null : line[i]])) as Record<string, string | null>;
  });
  records.forEach((record, n) => {
    const where = `row ${n + 2}`;
    const usageRow = (record['ChargeCategory'] === 'Usage' || record['ChargeCategory'] === 'Purchase') && record['ChargeClass'] === null;
    for (const [column, spec] of Object.entries(specs)) {
      if (!header.includes(column)) continue;
      const value = record[column];
      if (value === null) {
        if (!spec.nullable || (spec.requiredOnUsage && usageRow)) problems.push(`${where}: ${column} is null`);
        continue;
      }
      if (spec.type === 'Decimal' && !DECIMAL.test(value)) problems.push(`${where}: ${column} "${value}" is not a decimal`);
      if (spec.type === 'DateTime' && !(DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)))) problems.push(`${where}: ${column} "${value}" is not ISO 8601 UTC`);
      if (spec.type === 'CurrencyCode' && !ISO_4217.includes(value)) problems.push(`${where}: ${column} "${value}" is not an ISO 4217 code`);
      if (spec.type === 'String' && value.trim() !== value) problems.push(`${where}: ${column} has surrounding whitespace`);
      if (spec.values && !spec.values.includes(value)) problems.push(`${where}: ${column} "${value}" is not one of ${spec.values.join(', ')}`);
    }
    // ChargePeriodStart inclusive < ChargePeriodEnd exclusive, inside the billing period.
    const [cs, ce, bs, be] = ['ChargePeriodStart', 'ChargePeriodEnd', 'BillingPeriodStart', 'BillingPeriodEnd'].map((c) => Date.parse(record[c] ?? ''));
    if (!(cs < ce)) problems.push(`${where}: ChargePeriodStart is not before ChargePeriodEnd`);
    if (!(bs <= cs && ce <= be)) problems.push(`${where}: the charge period is not inside the billing period`);
  });
  expect(problems).toEqual([]);
  return records;
}

// ---------------------------------------------------------------------------------------------

interface IngestRecord {
  requestId: string;
  provider: string;
  model: string;
  timestamp: string;
  usage: Record<string, unknown>;
  project?: string;
}

const openai = (id: string, day: string, model: string, prompt: number, completion: number, cached = 0): IngestRecord => ({
  requestId: id,
  provider: 'openai',
  model,
  timestamp: `${day}T10:00:00Z`,
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: cached } },
});

const anthropic = (id: string, day: string, input: number, output: number, read = 0, write = 0): IngestRecord => ({
  requestId: id,
  provider: 'anthropic',
  model: 'claude-haiku-4-5-20251001',
  timestamp: `${day}T11:00:00Z`,
  usage: { input_tokens: input, output_tokens: output, cache_read_input_tokens: read, cache_creation_input_tokens: write },
});

/** Priced as itself: the catalogue has the dated id. */
const MINI = 'gpt-4o-mini-2024-07-18';
const GPT4O = 'gpt-4o-2024-08-06';
const HAIKU = 'claude-haiku-4-5-20251001';
const OVERRIDE = { input: '0.000001', cacheRead: '0.0000005', output: '0.000002' };

/** The usage ledger's REST API end to end: ingest → summary, series, audit, prices, recompute, close, exports. */
for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`usage ledger API [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let t: TestApp;
    const client = () => new ApiClient(() => t.base);
    const alice = client();
    const bob = client();
    const mia = client();
    let ws: string;
    let wsBob: string;
    let aliceId: string;
    let oa: string;
    let aa: string;
    let started = Date.now();

    const withKey = (key: string) => {
      const c = client();
      c.accessToken = key;
      return c;
    };
    const head = async () => (await alice.get('/health')).body.eventStore.headPosition as string;
    async function connect(owner: ApiClient, workspace: string, provider: string, displayName: string) {
      const reply = await owner.post(`/workspaces/${workspace}/accounts`, { provider, displayName, syncEnabled: false });
      expect(reply.status).toBe(201);
      return reply.body.account.id as string;
    }
    async function key(owner: ApiClient, workspace: string, accountId: string) {
      const reply = await owner.post(`/workspaces/${workspace}/ingest-keys`, { accountId, name: 'test' });
      expect(reply.status).toBe(201);
      return reply.body.key as string;
    }
    async function ingest(ingestKey: string, records: IngestRecord[]) {
      const reply = await withKey(ingestKey).post('/ingest/usage', { records });
      expect(reply.body).toMatchObject({ accepted: records.length, rejected: 0 });
      return reply.body.position as string;
    }
    async function raw(path: string, init: RequestInit = {}, token = alice.accessToken): Promise<Response> {
      return fetch(`${t.base}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
    }
    const problem = (reply: Reply, status: number) => {
      expect(reply.status).toBe(status);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      return reply.body as { detail: string; errors?: { path: string; message: string }[] };
    };

    // Expected figures of PREV (usage-derived token classes: OpenAI's prompt tokens include the cached ones).
    const miniP1 = { uncached: 1000 - 0 + (3000 - 2048), cached: 2048, output: 200 + 500 };
    const expected = {
      miniP1: reference(MINI, miniP1),
      gpt4oP2: reference(GPT4O, { uncached: 2000, output: 100 }),
      haikuP1: reference(HAIKU, { uncached: 1000, cached: 500, write5m: 200, output: 300 }),
      haikuP2: reference(HAIKU, { uncached: 4000, output: 800 }),
      // A manual entry's amount is its cost (MANUAL_BILLED, below), whatever its tokens would cost.
      manualP2: new D('0.02'),
      manualP3: reference(HAIKU, { uncached: 500 }),
    };
    const prevEstimated = sum(Object.values(expected));
    const BILLED_P2 = '0.0065';
    const MANUAL_BILLED = '0.02';

    beforeAll(async () => {
      started = Date.now();
      t = await startTestApp(engine);
      report(`[${engine}] app started ${Date.now() - started} ms`);
      const registered = await alice.register('alice@reporting.test');
      ws = registered.body.workspaces[0].id;
      aliceId = registered.body.user.id;
      wsBob = (await bob.register('bob@reporting.test')).body.workspaces[0].id;
      const invitation = await alice.post(`/workspaces/${ws}/invitations`, { email: 'mia@reporting.test', role: 'member' });
      expect((await mia.register('mia@reporting.test', undefined, { invitationToken: invitation.body.token })).status).toBe(201);

      report(`[${engine}] users ${Date.now() - started} ms`);
      oa = await connect(alice, ws, 'openai', 'OpenAI prod');
      aa = await connect(alice, ws, 'anthropic', 'Claude');
      const [ko, ka] = [await key(alice, ws, oa), await key(alice, ws, aa)];
      await ingest(ko, [
        openai('o1', P1, MINI, 1000, 200),
        openai('o2', P1, MINI, 3000, 500, 2048),
        openai('o3', P1, 'gpt-imaginary-9', 100, 10),
        openai('o4', P2, GPT4O, 2000, 100),
        { ...openai('o5', TODAY, MINI, 10, 5), timestamp: new Date(now).toISOString() },
      ]);
      report(`[${engine}] openai ingested ${Date.now() - started} ms`);
      await ingest(ka, [anthropic('a1', P1, 1000, 300, 500, 200), anthropic('a2', P2, 4000, 800)]);
      const manual = await alice.post(`/workspaces/${ws}/manual-entries`, {
        accountId: aa,
        day: P2,
        model: HAIKU,
        project: 'batch-jobs',
        tokens: { inputUncached: 10_000, output: 1000 },
        amount: MANUAL_BILLED,
      });
      expect(manual.status).toBe(201);
      expect((await alice.post(`/workspaces/${ws}/manual-entries`, { accountId: aa, day: P3, model: HAIKU, tokens: { inputUncached: 500 } })).status).toBe(201);
      // A billed line for the OpenAI account on P2 (a cost export read as reconciled cost).
      const csv = `Date,MeterCategory,MeterName,CostInBillingCurrency,BillingCurrency\n${P2},Models,gpt-4o-0806-glbl,${BILLED_P2},USD\n`;
      const imported = await raw(`/workspaces/${ws}/imports?dryRun=false&accountId=${oa}`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
      expect(imported.status).toBe(200);
      report(`[${engine}] set-up ${Date.now() - started} ms`);
    });

    afterAll(async () => {
      await t?.dispose();
      report(`[${engine}] whole spec ${Date.now() - started} ms`);
    });

    it('seeds the price catalogue at start-up once; a later start-up with the same file appends nothing', async () => {
      const seeded = t.app.get(LedgerLifecycle).seeded;
      expect(seeded).toMatchObject({ imported: true });
      expect(seeded?.appended).toBeGreaterThan(2500);
      const again = await seedCatalogue(t.app.get<EventStore>(EVENT_STORE), { today: TODAY });
      expect(again).toMatchObject({ imported: false, appended: 0 });
      const catchUp = t.app.get(LedgerLifecycle).seedCatchUpMs;
      expect(catchUp).not.toBeNull();
      report(`[${engine}] catalogue seeding at start-up: ${seeded?.appended} PriceSets in ${seeded?.durationMs} ms, read models caught up in ${catchUp} ms; again: ${again.durationMs} ms`);
      expect(await t.app.get(LedgerLifecycle).rebuilding()).toBe(false);
    });

    it('documents every endpoint at the paths of API.md, with its permission and the FOCUS version', async () => {
      const doc = await (await fetch(`${t.base}/api/docs-json`)).json();
      const permission = (path: string, method: string) => {
        const operation = doc.paths[`/api/v1${path}`]?.[method];
        if (!operation) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
        return operation['x-permission'] ?? (operation['x-public'] ? 'public' : 'signed-in');
      };
      expect({
        summary: permission('/workspaces/{ws}/usage/summary', 'get'),
        daily: permission('/workspaces/{ws}/usage/daily', 'get'),
        events: permission('/workspaces/{ws}/usage/events', 'get'),
        audit: permission('/workspaces/{ws}/audit', 'get'),
        cells: permission('/workspaces/{ws}/audit/cells', 'get'),
        close: permission('/workspaces/{ws}/periods/{month}/close', 'post'),
        prices: permission('/prices', 'get'),
        history: permission('/prices/{provider}/{model}/history', 'get'),
        override: permission('/workspaces/{ws}/prices', 'post'),
        recompute: permission('/workspaces/{ws}/recomputes', 'post'),
        progress: permission('/workspaces/{ws}/recomputes/{recomputeId}', 'get'),
        versions: permission('/workspaces/{ws}/cost-versions', 'get'),
        export: permission('/workspaces/{ws}/export', 'get'),
      }).toEqual({
        summary: 'workspace.read',
        daily: 'workspace.read',
        events: 'workspace.read',
        audit: 'workspace.read',
        cells: 'workspace.read',
        close: 'accounts.manage',
        prices: 'signed-in',
        history: 'signed-in',
        override: 'accounts.manage',
        recompute: 'workspace.read',
        progress: 'workspace.read',
        versions: 'workspace.read',
        export: 'workspace.read',
      });
      const exporting = doc.paths['/api/v1/workspaces/{ws}/export'].get;
      expect(exporting.description).toContain('version 1.2');
      expect(exporting.parameters.find((p: { name: string }) => p.name === 'format').schema.enum).toEqual(['csv', 'json', 'focus']);
      const summary = doc.components.schemas.UsageMonthSummaryResponse;
      expect(summary.properties.estimated).toMatchObject({ type: 'string' });
      expect(summary.required).toEqual(expect.arrayContaining(['estimated', 'reconciled', 'currency', 'closed']));
    });

    it('summarizes a month: estimates equal the catalogue prices × usage, unpriced counted apart, billed cost beside', async () => {
      const reply = await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&waitFor=${await head()}`);
      expect(reply.status).toBe(200);
      const s = reply.body;
      expect(s).toMatchObject({ workspaceId: ws, month: PREV, currency: 'USD', costVersion: 1, currentCostVersion: 1, estimatedIsLowerBound: true, closed: null });
      eq(s.estimated, prevEstimated);
      eq(s.reconciled, new D(BILLED_P2).plus(MANUAL_BILLED));
      expect(s.counts).toEqual({ rows: 7, estimated: 4, manual: 2, unpriced: 1, pending: 0 });
      const byModel = Object.fromEntries(s.byModel.map((r: { key: string; estimated: string }) => [r.key, r.estimated]));
      eq(byModel[`openai/${MINI}`], expected.miniP1);
      eq(byModel[`openai/${GPT4O}`], expected.gpt4oP2);
      eq(byModel[`anthropic/${HAIKU}`], sum([expected.haikuP1, expected.haikuP2, expected.manualP2, expected.manualP3]));
      expect(s.byModel.find((r: { key: string }) => r.key === 'openai/gpt-imaginary-9')).toMatchObject({ estimated: '0', counts: { unpriced: 1 } });
      const byAccount = Object.fromEntries(s.byAccount.map((r: { key: string; reconciled: string }) => [r.key, r.reconciled]));
      eq(byAccount[oa], BILLED_P2);
      eq(byAccount[aa], MANUAL_BILLED);
      expect(s.byProject.map((r: { key: string | null }) => r.key).sort()).toEqual(['batch-jobs', null]);

      const current = (await alice.get(`/workspaces/${ws}/usage/summary?month=${thisMonth}`)).body;
      expect(current.counts).toMatchObject({ rows: 1, pending: 1 });

      expect(problem(await alice.get(`/workspaces/${ws}/usage/summary?month=2026-13`), 400).errors).toEqual([
        { path: 'month', message: expect.stringContaining('YYYY-MM') },
      ]);
      expect(problem(await alice.get(`/workspaces/${ws}/usage/summary`), 400).errors?.[0].path).toBe('month');
      expect(problem(await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&version=0`), 400).errors?.[0]).toEqual({ path: 'version', message: expect.stringContaining('cost version') });
      expect(problem(await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&version=9`), 404).detail).toMatch(/Cost version 9 does not exist/);
      expect((await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&colour=red`)).status).toBe(400);
    });

    it('serves daily series per provider, account, model and project that add up to the month', async () => {
      for (const groupBy of ['provider', 'account', 'model', 'project']) {
        const reply = await alice.get(`/workspaces/${ws}/usage/daily?from=${PREV}-01&to=${PREV_END}&groupBy=${groupBy}`);
        expect(reply.status).toBe(200);
        expect(reply.body).toMatchObject({ groupBy, from: `${PREV}-01`, to: PREV_END, currency: 'USD', costVersion: 1 });
        eq(sum(reply.body.points.map((p: { estimated: string }) => p.estimated)), prevEstimated);
        const days = [...new Set(reply.body.points.map((p: { day: string }) => p.day))];
        expect(days).toEqual([P1, P2, P3]);
      }
      const byModel = (await alice.get(`/workspaces/${ws}/usage/daily?from=${P1}&to=${P1}&groupBy=model`)).body.points;
      expect(byModel.find((p: { key: string }) => p.key === `openai/${MINI}`)).toMatchObject({ provider: 'openai', model: MINI, reconciled: null, counts: { rows: 1, estimated: 1 } });
      const byProvider = (await alice.get(`/workspaces/${ws}/usage/daily?from=${P2}&to=${P2}&groupBy=provider`)).body.points;
      eq(byProvider.find((p: { key: string }) => p.key === 'openai').reconciled, BILLED_P2);
      // Default groupBy is provider.
      expect((await alice.get(`/workspaces/${ws}/usage/daily?from=${P1}&to=${P1}`)).body.groupBy).toBe('provider');

      expect(problem(await alice.get(`/workspaces/${ws}/usage/daily?from=${P1}&to=${P1}&groupBy=colour`), 400).errors).toEqual([
        { path: 'groupBy', message: 'groupBy must be one of provider, account, model, project' },
      ]);
      expect(problem(await alice.get(`/workspaces/${ws}/usage/daily?from=${P2}&to=${P1}`), 400).errors?.[0]).toEqual({ path: 'to', message: expect.stringContaining('before from') });
      expect(problem(await alice.get(`/workspaces/${ws}/usage/daily?from=2024-01-01&to=2026-01-01`), 400).errors?.[0].message).toMatch(/at most 400 days/);
      expect(problem(await alice.get(`/workspaces/${ws}/usage/daily?from=2026-02-30&to=2026-03-01`), 400).errors?.[0]).toEqual({ path: 'from', message: expect.stringContaining('calendar day') });
    });

    it('shows the observations behind a cell: source, price version, the provider numbers', async () => {
      const reply = await alice.get(`/workspaces/${ws}/usage/events?day=${P1}&accountId=${oa}`);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ workspaceId: ws, day: P1, accountId: oa, costVersion: 1, nextCursor: null });
      const mini = reply.body.items.find((o: { model: string }) => o.model === MINI);
      expect(mini).toMatchObject({
        accountId: oa,
        source: 'request-log',
        final: true,
        tokens: { inputUncached: miniP1.uncached, inputCachedRead: miniP1.cached, output: miniP1.output },
        units: { requests: 2 },
        estimate: { costVersion: 1, status: 'estimated', priceSource: 'catalogue', priceIdentity: `openai/${MINI}`, priceSetId: expect.any(String) },
      });
      eq(mini.estimate.estimated, expected.miniP1);
      expect(mini.raw).toBeTruthy();
      const priceVersion = await alice.get(`/prices/versions/${mini.estimate.priceSetId}`);
      expect(priceVersion.body).toMatchObject({ provider: 'openai', model: MINI, source: 'catalogue', scope: 'catalogue' });
      const unknown = reply.body.items.find((o: { model: string }) => o.model === 'gpt-imaginary-9');
      expect(unknown.estimate).toMatchObject({ status: 'unpriced', estimated: null, priceSetId: null, note: expect.any(String) });

      const one = await alice.get(`/workspaces/${ws}/usage/events?day=${P1}&accountId=${oa}&requestType=${encodeURIComponent(unknown.requestType)}`);
      expect(one.body.items.map((o: { eventId: string }) => o.eventId)).toEqual([unknown.eventId]);
      const allAccounts = await alice.get(`/workspaces/${ws}/usage/events?day=${P2}`);
      expect(new Set(allAccounts.body.items.map((o: { accountId: string }) => o.accountId))).toEqual(new Set([oa, aa]));
      expect(allAccounts.body.items.find((o: { project: string | null }) => o.project === 'batch-jobs')).toMatchObject({ source: 'manual', reportedCost: MANUAL_BILLED });
      expect(problem(await alice.get(`/workspaces/${ws}/usage/events?day=${P1}&accountId=nope`), 400).errors?.[0].path).toBe('accountId');
    });

    it('audits a month: estimated, unpriced, manual, reconciled and pending cells, with drill-down', async () => {
      const reply = await alice.get(`/workspaces/${ws}/audit?month=${PREV}`);
      expect(reply.status).toBe(200);
      const cells = Object.fromEntries(reply.body.cells.map((c: { accountId: string; day: string }) => [`${c.accountId === oa ? 'oa' : 'aa'} ${c.day}`, c]));
      expect(Object.keys(cells).sort()).toEqual([`aa ${P1}`, `aa ${P2}`, `aa ${P3}`, `oa ${P1}`, `oa ${P2}`]);
      expect(cells[`oa ${P1}`]).toMatchObject({ status: 'unpriced', reconciled: null, counts: { rows: 2, unpriced: 1, estimated: 1 } });
      expect(cells[`aa ${P1}`]).toMatchObject({ status: 'estimated' });
      expect(cells[`aa ${P3}`]).toMatchObject({ status: 'manual' });
      expect(cells[`oa ${P2}`]).toMatchObject({ status: 'reconciled' });
      eq(cells[`oa ${P2}`].difference, new D(BILLED_P2).minus(expected.gpt4oP2));
      expect(cells[`oa ${P2}`].lines.map((l: { kind: string }) => l.kind).sort()).toEqual(['billed', 'usage']);
      expect(cells[`aa ${P2}`]).toMatchObject({ status: 'reconciled' });
      eq(cells[`aa ${P2}`].reconciled, MANUAL_BILLED);
      eq(reply.body.totals.estimated, prevEstimated);

      const today = (await alice.get(`/workspaces/${ws}/audit?month=${thisMonth}`)).body.cells;
      expect(today).toEqual([expect.objectContaining({ accountId: oa, day: TODAY, status: 'pending' })]);

      const drill = await alice.get(`/workspaces/${ws}/audit/cells?accountId=${oa}&day=${P2}`);
      expect(drill.body).toMatchObject({ workspaceId: ws, accountId: oa, day: P2, costVersion: 1 });
      expect(drill.body.observations).toHaveLength(1);
      expect(drill.body.billed).toEqual([expect.objectContaining({ lineItem: expect.stringContaining('gpt-4o-0806-glbl'), amount: BILLED_P2, source: 'import', final: true })]);
      expect(problem(await alice.get(`/workspaces/${ws}/audit/cells?day=${P2}`), 400).errors?.[0].path).toBe('accountId');
    });

    it('searches the catalogue and a model history; workspace overrides only for members', async () => {
      const found = await alice.get('/prices?provider=openai&model=gpt-4o-mini');
      expect(found.status).toBe(200);
      expect(found.body.items).toEqual([expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', scope: 'catalogue', currency: 'USD', prices: expect.objectContaining({ input: '0.00000015' }) })]);
      const haiku = await alice.get('/prices?q=haiku-4-5&limit=500');
      expect(haiku.body.items.map((i: { provider: string; model: string }) => `${i.provider}/${i.model}`)).toContain('anthropic/claude-haiku-4-5');
      const paged = await alice.get('/prices?provider=openai&limit=2');
      expect(paged.body.items).toHaveLength(2);
      const next = await alice.get(`/prices?provider=openai&limit=2&cursor=${paged.body.nextCursor}`);
      expect(next.body.items[0].model > paged.body.items[1].model).toBe(true);

      const history = await alice.get(`/prices/openai/${MINI}/history`);
      expect(history.body).toMatchObject({ provider: 'openai', model: MINI, versions: [expect.objectContaining({ source: 'catalogue', setBy: null })] });
      // A model id with a slash travels encoded.
      const routed = await alice.get(`/prices/openrouter/${encodeURIComponent('anthropic/claude-haiku-4.5')}/history`);
      expect(routed.body.versions.length).toBeGreaterThan(0);
      expect((await alice.get(`/prices?workspace=${ws}&provider=openai&model=${MINI}`)).status).toBe(200);
      const stranger = await bob.get(`/prices?workspace=${ws}`);
      expect(problem(stranger, 404).detail).toBe(problem(await bob.get('/prices?workspace=00000000-0000-4000-8000-00000000dead'), 404).detail);
      expect((await bob.get(`/prices/openai/${MINI}/history?workspace=${ws}`)).status).toBe(404);
      expect((await client().get('/prices')).status).toBe(401);
      expect(problem(await alice.get('/prices?day=yesterday'), 400).errors?.[0].path).toBe('day');
    });

    let closedBefore: string;

    it('closes a finished month (owners/admins), once; the current month cannot be closed', async () => {
      const closed = await alice.post(`/workspaces/${ws}/periods/${PREV}/close`);
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ month: PREV, closedNow: true, position: expect.stringMatching(/^\d+$/) });
      const again = await alice.post(`/workspaces/${ws}/periods/${PREV}/close`);
      expect(again.body).toMatchObject({ closedNow: false });
      expect(problem(await alice.post(`/workspaces/${ws}/periods/${thisMonth}/close`), 422).detail).toMatch(/has not ended/);
      expect(problem(await alice.post(`/workspaces/${ws}/periods/march/close`), 400).errors).toEqual([{ path: 'month', message: expect.stringContaining('YYYY-MM') }]);
      expect(problem(await mia.post(`/workspaces/${ws}/periods/${PREV}/close`), 403).detail).toMatch(/accounts\.manage/);
      expect((await bob.post(`/workspaces/${ws}/periods/${PREV}/close`)).status).toBe(404);
      const summary = (await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&waitFor=${closed.body.position}`)).body;
      expect(summary.closed).toMatchObject({ month: PREV, closedBy: aliceId, costVersion: 1, adjustments: [] });
      eq(summary.closed.reported.estimated, prevEstimated);
      closedBefore = summary.closed.reported.estimated;
    });

    let applied: { recomputeId: string; version: number; position: string; priceSetId: string };
    const change = { provider: 'openai', model: MINI, prices: OVERRIDE, effectiveFrom: `${PREV}-01` };
    const miniP1After = at(OVERRIDE, miniP1);
    const miniTodayBefore = reference(MINI, { uncached: 10, output: 5 });
    const miniTodayAfter = at(OVERRIDE, { uncached: 10, output: 5 });

    it('previews a price override per month and model without writing anything', async () => {
      const preview = await mia.call('POST', `/workspaces/${ws}/recomputes?dryRun=true`, change);
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ workspaceId: ws, currency: 'USD', fromVersion: 1, rowsChanged: 2 });
      const prevMonth = preview.body.byMonth.find((m: { month: string }) => m.month === PREV);
      expect(prevMonth).toMatchObject({ rows: 1, closed: true });
      eq(prevMonth.before, expected.miniP1);
      eq(prevMonth.after, miniP1After);
      eq(preview.body.delta, miniP1After.minus(expected.miniP1).plus(miniTodayAfter).minus(miniTodayBefore));
      expect(preview.body.byMonthAndModel).toEqual([
        expect.objectContaining({ month: PREV, provider: 'openai', model: MINI, rows: 1 }),
        expect.objectContaining({ month: thisMonth, provider: 'openai', model: MINI, rows: 1 }),
      ]);
      expect((await alice.get(`/workspaces/${ws}/cost-versions`)).body.items.map((v: { version: number }) => v.version)).toEqual([1]);
      expect((await alice.get(`/prices/openai/${MINI}/history?workspace=${ws}`)).body.versions).toHaveLength(1);

      expect(problem(await alice.post(`/workspaces/${ws}/recomputes`, change), 400).errors).toEqual([{ path: 'dryRun', message: expect.stringContaining('dryRun must be true') }]);
      const invalid = await alice.call('POST', `/workspaces/${ws}/recomputes?dryRun=true`, { ...change, prices: { input: 'cheap' }, effectiveFrom: '2026-02-31' });
      expect(problem(invalid, 400).errors?.map((e) => e.path).sort()).toEqual(['effectiveFrom', 'prices.input']);
      expect(problem(await alice.call('POST', `/workspaces/${ws}/recomputes?dryRun=true`, { provider: 'openai' }), 400).errors?.map((e) => e.path)).toEqual(expect.arrayContaining(['effectiveFrom', 'model', 'prices']));
      // Members preview; only owners and admins apply.
      expect(problem(await mia.call('POST', `/workspaces/${ws}/recomputes?dryRun=false`, change), 403).detail).toMatch(/accounts\.manage/);
    });

    it('says in the preview which usage a change on a model alias does not reach: a dated id with a catalogue price of its own', async () => {
      // Usage is recorded as gpt-4o-mini-2024-07-18, which the catalogue prices as itself: an
      // override on gpt-4o-mini reprices none of it, and the preview names it with its rows and estimate.
      const alias = await mia.call('POST', `/workspaces/${ws}/recomputes?dryRun=true`, { ...change, model: 'gpt-4o-mini' });
      expect(alias.status).toBe(200);
      expect(alias.body).toMatchObject({ rowsChanged: 0, byMonthAndModel: [] });
      expect(alias.body.unaffectedVariants).toEqual([{ provider: 'openai', model: MINI, rows: 2, estimated: expect.any(String) }]);
      eq(alias.body.unaffectedVariants[0].estimated, expected.miniP1.plus(miniTodayBefore));
      // From a later day on, only the usage from that day counts.
      const later = await mia.call('POST', `/workspaces/${ws}/recomputes?dryRun=true`, { ...change, model: 'gpt-4o-mini', effectiveFrom: `${thisMonth}-01` });
      expect(later.body.unaffectedVariants).toEqual([{ provider: 'openai', model: MINI, rows: 1, estimated: expect.any(String) }]);
      eq(later.body.unaffectedVariants[0].estimated, miniTodayBefore);
      // A change on the dated id itself reaches its usage: nothing to warn about.
      const dated = await mia.call('POST', `/workspaces/${ws}/recomputes?dryRun=true`, change);
      expect(dated.body).toMatchObject({ rowsChanged: 2, unaffectedVariants: [] });
      // Without a price change (the recorded ones not reflected yet) there is no model to compare with.
      expect((await mia.post(`/workspaces/${ws}/recomputes?dryRun=true`)).body.unaffectedVariants).toEqual([]);

      const doc = await (await fetch(`${t.base}/api/docs-json`)).json();
      const previewSchema = doc.components.schemas.RecomputePreviewResponse;
      expect(previewSchema.required).toContain('unaffectedVariants');
      expect(previewSchema.properties.unaffectedVariants).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/UnaffectedVariantResponse' } });
      expect(previewSchema.properties.unaffectedVariants.description).toContain('gpt-4o-mini-2024-07-18');
      expect(doc.components.schemas.UnaffectedVariantResponse.required).toEqual(expect.arrayContaining(['provider', 'model', 'rows', 'estimated']));
    });

    it('applies it: 202 with the recompute, progress reaches done, the new version differs, the old one stays queryable', async () => {
      const reply = await alice.call('POST', `/workspaces/${ws}/recomputes?dryRun=false`, change, { 'idempotency-key': 'change-1' });
      expect(reply.status).toBe(202);
      expect(reply.body).toMatchObject({ recomputeId: expect.any(String), version: 2, rowsChanged: 2, priceSetId: expect.any(String), queuedBehind: null });
      applied = reply.body;
      const deadline = Date.now() + 30_000;
      let progress = (await alice.get(`/workspaces/${ws}/recomputes/${applied.recomputeId}?waitFor=${applied.position}`)).body;
      const states = new Set<string>([progress.state]);
      while (progress.state !== 'done') {
        if (Date.now() > deadline) throw new Error(`recompute stuck: ${JSON.stringify(progress)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        progress = (await alice.get(`/workspaces/${ws}/recomputes/${applied.recomputeId}`)).body;
        states.add(progress.state);
      }
      expect(progress).toMatchObject({ recomputeId: applied.recomputeId, workspaceId: ws, version: 2, rowsChanged: 2, requestedBy: aliceId, lastError: null, finishedAt: expect.any(String) });
      expect(progress.rowsDone).toBe(progress.rowsTotal);
      expect([...states].every((s) => ['queued', 'running', 'staged', 'done'].includes(s))).toBe(true);
      expect(problem(await alice.get(`/workspaces/${ws}/recomputes/nope`), 404).detail).toMatch(/no recompute/);
      expect((await bob.get(`/workspaces/${ws}/recomputes/${applied.recomputeId}`)).status).toBe(404);

      const position = await head();
      const now2 = (await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&waitFor=${position}`)).body;
      expect(now2).toMatchObject({ costVersion: 2, currentCostVersion: 2 });
      const delta = miniP1After.minus(expected.miniP1);
      eq(now2.estimated, prevEstimated.plus(delta));
      // The closed month keeps what it reported and shows the recompute as an adjustment line.
      eq(now2.closed.reported.estimated, closedBefore);
      expect(now2.closed.adjustments).toEqual([
        expect.objectContaining({ kind: 'recompute', costVersion: 2, causes: [applied.priceSetId], requestedBy: aliceId, accountId: oa, provider: 'openai', model: MINI }),
      ]);
      eq(now2.closed.adjustments[0].estimated, delta);
      eq(now2.closed.adjustmentTotal.estimated, delta);

      const v1 = (await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&version=1`)).body;
      expect(v1).toMatchObject({ costVersion: 1, currentCostVersion: 2 });
      eq(v1.estimated, prevEstimated);
      const seriesV1 = (await alice.get(`/workspaces/${ws}/usage/daily?from=${P1}&to=${P1}&groupBy=model&version=1`)).body.points;
      eq(seriesV1.find((p: { key: string }) => p.key === `openai/${MINI}`).estimated, expected.miniP1);
      const auditV2 = (await alice.get(`/workspaces/${ws}/audit/cells?accountId=${oa}&day=${P1}`)).body;
      const repriced = auditV2.observations.find((o: { model: string }) => o.model === MINI);
      expect(repriced.estimate).toMatchObject({ costVersion: 2, priceSetId: applied.priceSetId, priceSource: 'override', priceEffectiveFrom: `${PREV}-01` });

      const versions = (await alice.get(`/workspaces/${ws}/cost-versions`)).body.items;
      expect(versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[2, 'active'], [1, 'superseded']]);
      expect(versions[0]).toMatchObject({
        recomputeId: applied.recomputeId,
        fromVersion: 1,
        requestedBy: aliceId,
        rowsChanged: 2,
        causes: [{ priceSetId: applied.priceSetId, provider: 'openai', model: MINI, effectiveFrom: `${PREV}-01`, setBy: aliceId, recordedAt: expect.any(String) }],
      });
      eq(versions[0].delta, delta.plus(miniTodayAfter).minus(miniTodayBefore));
      const detail = (await alice.get(`/workspaces/${ws}/cost-versions/2`)).body;
      expect(detail.deltas).toEqual([
        expect.objectContaining({ month: PREV, accountId: oa, provider: 'openai', model: MINI, rows: 1 }),
        expect.objectContaining({ month: thisMonth, accountId: oa, provider: 'openai', model: MINI, rows: 1 }),
      ]);
      expect(problem(await alice.get(`/workspaces/${ws}/cost-versions/x`), 400).errors?.[0].path).toBe('version');
      expect((await alice.get(`/workspaces/${ws}/cost-versions/7`)).status).toBe(404);

      const history = (await alice.get(`/prices/openai/${MINI}/history?workspace=${ws}`)).body.versions;
      expect(history.map((v: { scope: string; setBy: string | null }) => [v.scope, v.setBy])).toEqual([['catalogue', null], ['workspace', aliceId]]);
      expect((await alice.get(`/prices/openai/${MINI}/history`)).body.versions).toHaveLength(1);
      expect((await alice.get(`/prices?workspace=${ws}&provider=openai&model=${MINI}`)).body.items[0]).toMatchObject({ scope: 'workspace', versions: 2, prices: OVERRIDE });
      // Nothing reached another workspace.
      expect((await bob.get(`/workspaces/${wsBob}/cost-versions`)).body.items.map((v: { version: number }) => v.version)).toEqual([1]);
    });

    it('sets an override with POST …/prices: idempotent, and a recompute only when recorded usage changes', async () => {
      const gpt4o = { provider: 'openai', model: GPT4O, prices: { input: '0.000002', output: '0.000008' }, effectiveFrom: P2 };
      const set = await alice.post(`/workspaces/${ws}/prices`, gpt4o);
      expect(set.status).toBe(201);
      expect(set.body).toMatchObject({ priceSetId: expect.any(String), recompute: { version: 3 }, rowsChanged: 1, queuedBehind: null });
      const deadline = Date.now() + 30_000;
      while ((await alice.get(`/workspaces/${ws}/recomputes/${set.body.recompute.recomputeId}?waitFor=${set.body.position}`)).body.state !== 'done') {
        if (Date.now() > deadline) throw new Error('recompute 3 stuck');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const again = await alice.post(`/workspaces/${ws}/prices`, gpt4o);
      expect(again.body).toMatchObject({ priceSetId: set.body.priceSetId, recompute: null, rowsChanged: 0 });
      // A model nobody used: a new price version, no recompute.
      const unused = await alice.post(`/workspaces/${ws}/prices`, { provider: 'openai', model: 'gpt-4.1-nano', prices: { input: '0.0000001' }, effectiveFrom: P1 });
      expect(unused.body).toMatchObject({ recompute: null, rowsChanged: 0 });
      expect(problem(await alice.post(`/workspaces/${ws}/prices`, { ...gpt4o, prices: {} }), 400).errors).toEqual([{ path: 'prices', message: expect.stringContaining('at least one price') }]);
      expect(problem(await alice.post(`/workspaces/${ws}/prices`, { ...gpt4o, prices: { input: '-1' } }), 400).errors?.[0].path).toBe('prices.input');
      expect(problem(await mia.post(`/workspaces/${ws}/prices`, gpt4o), 403).detail).toMatch(/accounts\.manage/);

      const summary = (await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&waitFor=${await head()}`)).body;
      expect(summary.currentCostVersion).toBe(3);
      eq(summary.byModel.find((r: { key: string }) => r.key === `openai/${GPT4O}`).estimated, new D('0.000002').times(2000).plus(new D('0.000008').times(100)));
      expect(summary.closed.adjustments.map((a: { costVersion: number }) => a.costVersion)).toEqual([2, 3]);
      // Nothing left to recompute: an empty apply says so.
      expect(problem(await alice.post(`/workspaces/${ws}/recomputes?dryRun=false`), 422).detail).toMatch(/nothing to recompute/);
      expect((await alice.post(`/workspaces/${ws}/recomputes?dryRun=true`)).body).toMatchObject({ rowsChanged: 0, fromVersion: 3 });
    });

    it('exports CSV, JSON and FOCUS 1.2 with estimated vs reconciled per account × day × line', async () => {
      const range = `from=${PREV}-01&to=${PREV_END}`;
      const csvReply = await raw(`/workspaces/${ws}/export?format=csv&${range}&version=1`);
      expect(csvReply.status).toBe(200);
      expect(csvReply.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
      expect(csvReply.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="usage_${PREV}-01_${PREV_END}_v1\\.csv"$`));
      const csv = csvObjects(await csvReply.text());
      expect(csv).toHaveLength(8);
      expect(csv.filter((r) => r['kind'] === 'billed')).toEqual([expect.objectContaining({ account_id: oa, day: P2, status: 'reconciled', reconciled: BILLED_P2, estimated: '' })]);
      eq(sum(csv.map((r) => r['estimated'])), prevEstimated);
      eq(sum(csv.map((r) => r['reconciled'])), new D(BILLED_P2).plus(MANUAL_BILLED));
      expect(new Set(csv.map((r) => r['status']))).toEqual(new Set(['estimated', 'unpriced', 'reconciled', 'manual']));
      const miniRow = csv.find((r) => r['model'] === MINI);
      expect(miniRow).toMatchObject({ account_name: 'OpenAI prod', source: 'request-log', cost_version: '1', input_tokens: String(miniP1.uncached), cached_input_tokens: '2048', output_tokens: '700', requests: '2' });
      eq(miniRow?.['estimated'] ?? '', expected.miniP1);
      expect(miniRow?.['price_version']).toMatch(/^[0-9a-f-]{36}$/);

      const jsonReply = await raw(`/workspaces/${ws}/export?format=json&${range}`);
      expect(jsonReply.headers.get('content-type')).toMatch(/^application\/json/);
      const json = await jsonReply.json();
      expect(json).toMatchObject({ workspaceId: ws, from: `${PREV}-01`, to: PREV_END, costVersion: 3, currency: 'USD', rowCount: 8 });
      expect(json.rows).toHaveLength(8);
      const jsonMini = json.rows.find((r: { model: string }) => r.model === MINI);
      expect(jsonMini).toMatchObject({ kind: 'usage', accountId: oa, status: 'estimated', costVersion: 3, priceSetId: applied.priceSetId, tokens: { inputCachedRead: 2048 } });
      eq(jsonMini.estimated, miniP1After);

      const focusReply = await raw(`/workspaces/${ws}/export?format=focus&${range}&version=1`);
      expect(focusReply.headers.get('content-disposition')).toContain(`focus-1.2_${PREV}-01_${PREV_END}_v1.csv`);
      expect(focusReply.headers.get('x-focus-version')).toBe('1.2');
      const focus = checkFocusFile(await focusReply.text());
      expect(focus).toHaveLength(8);
      // API.md's mapping: ListCost = our estimate; BilledCost = billed where reconciled, else the estimate; EffectiveCost = BilledCost.
      eq(sum(focus.map((r) => r['ListCost'])), prevEstimated);
      const billedTotal = sum([expected.miniP1, expected.haikuP1, expected.haikuP2, expected.manualP3, MANUAL_BILLED, BILLED_P2]);
      eq(sum(focus.map((r) => r['BilledCost'])), billedTotal);
      eq(sum(focus.map((r) => r['EffectiveCost'])), billedTotal);
      const focusMini = focus.find((r) => r['x_Model'] === MINI);
      expect(focusMini).toMatchObject({
        ChargePeriodStart: `${P1}T00:00:00Z`,
        ChargePeriodEnd: `${utcDay(Date.parse(P1) + DAY_MS)}T00:00:00Z`,
        BillingPeriodStart: `${PREV}-01T00:00:00Z`,
        BillingCurrency: 'USD',
        ServiceName: 'OpenAI',
        ProviderName: 'OpenAI',
        PublisherName: 'OpenAI',
        SkuId: miniRow?.['line'],
        ConsumedQuantity: String(miniP1.uncached + miniP1.cached + miniP1.output),
        ConsumedUnit: 'Tokens',
        x_CostStatus: 'estimated',
        x_Source: 'request-log',
        x_AccountId: oa,
        x_InputTokens: String(miniP1.uncached),
        x_CachedInputTokens: '2048',
        x_OutputTokens: '700',
        x_CostVersion: '1',
      });
      expect(focus.find((r) => r['x_Model'] === 'gpt-imaginary-9')).toMatchObject({ ListCost: '0', x_CostStatus: 'unpriced', x_EstimatedCost: null });
      expect(focus.filter((r) => r['x_CostStatus'] === 'reconciled').map((r) => r['BilledCost']).sort()).toEqual([BILLED_P2, MANUAL_BILLED].sort());

      // The pending day, in its own export.
      const pending = checkFocusFile(await (await raw(`/workspaces/${ws}/export?format=focus&from=${TODAY}&to=${TODAY}`)).text());
      expect(pending).toEqual([expect.objectContaining({ x_CostStatus: 'pending', x_CostVersion: '3' })]);

      expect(problem(await alice.get(`/workspaces/${ws}/export?format=xlsx&${range}`), 400).errors).toEqual([{ path: 'format', message: 'format must be one of csv, json, focus' }]);
      expect(problem(await alice.get(`/workspaces/${ws}/export?format=csv&from=2024-01-01&to=2026-01-01`), 400).errors?.[0].message).toMatch(/400 days/);
      expect(problem(await alice.get(`/workspaces/${ws}/export?format=csv&${range}&version=99`), 404).detail).toMatch(/does not exist/);
      expect((await bob.get(`/workspaces/${ws}/export?format=csv&${range}`)).status).toBe(404);
    });

    it('streams a larger export page by page, every row once, in every format', async () => {
      const carol = client();
      const wsCarol = (await carol.register('carol@reporting.test')).body.workspaces[0].id;
      const account = await connect(carol, wsCarol, 'openai', 'bulk');
      const DAYS = 100;
      const MODELS = 30;
      const lines = ['date,account_id,model,input_tokens,output_tokens'];
      for (let d = 1; d <= DAYS; d++) {
        for (let m = 0; m < MODELS; m++) lines.push(`${utcDay(now - (d + 1) * DAY_MS)},${account},${m === 0 ? MINI : `bulk-model-${m}`},${100 + m},${10 + d}`);
      }
      const loaded = Date.now();
      const imported = await raw(`/workspaces/${wsCarol}/imports?dryRun=false`, { method: 'POST', body: lines.join('\n'), headers: { 'content-type': 'text/csv' } }, carol.accessToken);
      expect(imported.status).toBe(200);
      const position = await head();
      report(`[${engine}] imported ${DAYS * MODELS} rows in ${Date.now() - loaded} ms`);
      const from = utcDay(now - (DAYS + 1) * DAY_MS);
      const to = utcDay(now - 2 * DAY_MS);
      for (const format of ['csv', 'focus', 'json'] as const) {
        const begun = Date.now();
        const response = await fetch(`${t.base}/api/v1/workspaces/${wsCarol}/export?format=${format}&from=${from}&to=${to}&waitFor=${position}`, {
          headers: { authorization: `Bearer ${carol.accessToken}` },
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('transfer-encoding')).toBe('chunked');
        const reader = (response.body as ReadableStream<Uint8Array>).getReader();
        const decoder = new TextDecoder();
        let text = '';
        let chunks = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks += 1;
          text += decoder.decode(value, { stream: true });
        }
        report(`[${engine}] ${format} export of ${DAYS * MODELS} rows: ${text.length} bytes in ${chunks} chunks, ${Date.now() - begun} ms`);
        expect(chunks).toBeGreaterThan(1);
        if (format === 'json') {
          const parsed = JSON.parse(text);
          expect(parsed.rowCount).toBe(DAYS * MODELS);
          expect(new Set(parsed.rows.map((r: { day: string; line: string }) => `${r.day}|${r.line}`)).size).toBe(DAYS * MODELS);
        } else {
          const rows = format === 'focus' ? checkFocusFile(text) : csvObjects(text);
          expect(rows).toHaveLength(DAYS * MODELS);
          const keys = rows.map((r) => (format === 'focus' ? `${r['ChargePeriodStart']}|${r['SkuId']}` : `${r['day']}|${r['line']}`));
          expect(new Set(keys).size).toBe(DAYS * MODELS);
          // Ordered by day, as the keyset pages read them.
          const days = rows.map((r) => (format === 'focus' ? (r['ChargePeriodStart'] ?? '') : (r['day'] ?? '')));
          expect([...days].sort()).toEqual(days);
        }
      }
    }, 120_000);

    it('gives the same figures after a rebuild of the usage ledger (the recompute worker waits meanwhile)', async () => {
      // A rebuild's large batches keep PGlite (in this very process) busy for seconds: a pooled
      // keep-alive connection can be reset under a request then. Those reads are safe to repeat.
      const again = async <T>(call: () => Promise<T>): Promise<T> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await call();
          } catch (error) {
            if (attempt >= 5 || !(error instanceof TypeError)) throw error;
          }
        }
      };
      const before = (await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&waitFor=${await head()}`)).body;
      const rebuild = await again(() => alice.post('/admin/projections/usage_ledger/rebuild'));
      expect(rebuild.status).toBeLessThan(300);
      // Generous: on a loaded 2-core machine the embedded rebuild of the seeded catalogue takes a while.
      const deadline = Date.now() + 100_000;
      for (;;) {
        const status = (await again(() => alice.get('/admin/projections'))).body;
        const ledger = status.items.find((p: { name: string }) => p.name === 'usage_ledger');
        if (!ledger.rebuild) break;
        if (Date.now() > deadline) throw new Error('rebuild did not finish');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const caughtUp = await again(() => head());
      const after = (await again(() => alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&waitFor=${caughtUp}`))).body;
      expect(after).toEqual(before);
      const v1 = (await alice.get(`/workspaces/${ws}/usage/summary?month=${PREV}&version=1`)).body;
      eq(v1.estimated, prevEstimated);
    }, 180_000);
  });
}
