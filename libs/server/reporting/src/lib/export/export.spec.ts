import { describeOnEachEngine } from '@act/server/database/testing';
import type { SqlDatabase } from '@act/server/database';
import { usageLedgerProjection } from '@act/server/usage';
import { csvField, csvRow, difference, focusRecord, jsonRow, CSV_COLUMNS } from './export-formats';
import { accountNames, exportRows, exportVersion, type ExportRow } from './export-rows';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

async function usage(
  db: SqlDatabase,
  row: { ws?: string; day: string; account: string; rt: string; from?: number; to?: number | null; estimated?: string | null; status?: string; reported?: string },
) {
  const ws = row.ws ?? 'ws1';
  await db.query(
    `insert into cost_estimates (workspace_id, account_id, day, request_type, valid_from, valid_to, provider, model, project,
                                 usage_event_id, estimated_at, status, estimated, price_set_id, detail)
     values ($1, $2, $3::date, $4, $5, $6, 'openai', split_part($4, '|', 2), null, 'e-' || $4, 1, $7, $8::numeric, 'p1', '{}'::jsonb)`,
    [ws, row.account, row.day, row.rt, row.from ?? 1, row.to ?? null, row.status ?? 'estimated', row.estimated === undefined ? '0.5' : row.estimated],
  );
  await db.query(
    `insert into usage_latest (workspace_id, account_id, day, request_type, provider, model, operation, service_tier, context_tier, project,
                               input_uncached, input_cached_read, cache_write_5m, cache_write_1h, output, reasoning, requests, images,
                               audio_seconds, characters, search_queries, web_search_calls, reported_cost, raw, source, final,
                               observed_at, event_id, position)
     values ($1, $2, $3::date, $4, 'openai', split_part($4, '|', 2), 'chat/completions', 'standard', 'standard', null,
             100, 20, 0, 0, 10, 0, 2, 0, 0, 0, 0, 0, $5::numeric, null, 'request-log', true, '2026-01-01T00:00:00Z', 'e-' || $4, 1)
     on conflict do nothing`,
    [ws, row.account, row.day, row.rt, row.reported ?? null],
  );
}

async function billed(db: SqlDatabase, row: { ws?: string; day: string; account: string; line: string; amount?: string; final?: boolean }) {
  await db.query(
    `insert into cost_latest (workspace_id, account_id, day, line_item, provider, project, amount, currency, raw, source, final, observed_at, event_id, position)
     values ($1, $2, $3::date, $4, 'openai', null, $5::numeric, 'USD', null, 'usage-api', $6, '2026-01-01T00:00:00Z', 'c-' || $4, 1)`,
    [row.ws ?? 'ws1', row.account, row.day, row.line, row.amount ?? '0.5', row.final ?? true],
  );
}

async function collect(db: SqlDatabase, scope: Parameters<typeof exportRows>[1], pageSize: number): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  for await (const row of exportRows(db, scope, new Map([[A, 'Account A']]), pageSize)) rows.push(row);
  return rows;
}

describeOnEachEngine('export rows (keyset pages over the usage ledger)', (database) => {
  const db = () => database().db;

  beforeAll(async () => {
    await db().transaction((tx) => usageLedgerProjection.setup(tx));
    await db().query(`insert into cost_workspaces values ('ws1', 2, 0)`);
    await db().query('create table accounts (account_id text primary key, workspace_id text not null, display_name text not null)');
    await db().query(`insert into accounts values ($1, 'ws1', 'Account A'), ($2, 'ws1', 'Account B'), ('x', 'ws2', 'Other')`, [A, B]);
    // d1: three lines of A (one repriced by version 2), one of B; billed lines for A and B.
    await usage(db(), { day: '2026-03-01', account: A, rt: 'openai|m1|chat', to: 2, estimated: '1' });
    await usage(db(), { day: '2026-03-01', account: A, rt: 'openai|m1|chat', from: 2, estimated: '2' });
    await usage(db(), { day: '2026-03-01', account: A, rt: 'openai|m2|chat', reported: '9' });
    await usage(db(), { day: '2026-03-01', account: A, rt: 'openai|m3|chat', estimated: null, status: 'unpriced' });
    await usage(db(), { day: '2026-03-01', account: B, rt: 'openai|m1|chat' });
    await billed(db(), { day: '2026-03-01', account: A, line: 'openai|tokens' });
    await billed(db(), { day: '2026-03-01', account: B, line: 'openai|tokens', amount: '0.75', final: false });
    // d2: A with a per-request billed cost and no billed line; B billed only.
    await usage(db(), { day: '2026-03-02', account: A, rt: 'openai|m1|chat', reported: '0.4' });
    await billed(db(), { day: '2026-03-02', account: B, line: 'openai|tokens', amount: '3' });
    // Outside the scope: another workspace, and the day after the range.
    await usage(db(), { ws: 'ws2', day: '2026-03-01', account: 'x', rt: 'openai|m1|chat' });
    await usage(db(), { day: '2026-03-03', account: A, rt: 'openai|m1|chat' });
  });

  it('reads every row of the range once, in (day, account, usage before billed) order, whatever the page size', async () => {
    const expected = [
      ['2026-03-01', A, 'usage', 'openai|m1|chat'],
      ['2026-03-01', A, 'usage', 'openai|m2|chat'],
      ['2026-03-01', A, 'usage', 'openai|m3|chat'],
      ['2026-03-01', A, 'billed', 'openai|tokens'],
      ['2026-03-01', B, 'usage', 'openai|m1|chat'],
      ['2026-03-01', B, 'billed', 'openai|tokens'],
      ['2026-03-02', A, 'usage', 'openai|m1|chat'],
      ['2026-03-02', B, 'billed', 'openai|tokens'],
    ];
    for (const pageSize of [1, 2, 3, 1000]) {
      const rows = await collect(db(), { workspaceId: 'ws1', from: '2026-03-01', end: '2026-03-03', version: 2 }, pageSize);
      expect(rows.map((r) => [r.day, r.accountId, r.kind, r.line])).toEqual(expected);
    }
  });

  it('reads the version asked for, and counts a bill once per account and day', async () => {
    const v1 = await collect(db(), { workspaceId: 'ws1', from: '2026-03-01', end: '2026-03-03', version: 1 }, 2);
    const v2 = await collect(db(), { workspaceId: 'ws1', from: '2026-03-01', end: '2026-03-03', version: 2 }, 2);
    expect(v1[0]).toMatchObject({ estimated: '1', costVersion: 1, accountName: 'Account A' });
    expect(v2[0]).toMatchObject({ estimated: '2', costVersion: 2, tokens: { inputUncached: 100, inputCachedRead: 20, output: 10 }, units: { requests: 2 } });
    // A per-request billed cost on a day with billed lines is left to the lines.
    expect(v2[1]).toMatchObject({ line: 'openai|m2|chat', dayBilled: true, reconciled: null, status: 'estimated' });
    expect(v2[2]).toMatchObject({ status: 'unpriced', estimated: null });
    expect(v2[3]).toMatchObject({ kind: 'billed', reconciled: '0.5', status: 'reconciled', estimated: null, tokens: null });
    expect(v2[5]).toMatchObject({ kind: 'billed', reconciled: '0.75', status: 'pending', accountName: null });
    expect(v2[6]).toMatchObject({ dayBilled: false, reconciled: '0.4', status: 'reconciled' });
    const onlyB = await collect(db(), { workspaceId: 'ws1', from: '2026-03-01', end: '2026-03-03', version: 2, accountId: B }, 1);
    expect(onlyB.map((r) => r.kind)).toEqual(['usage', 'billed', 'billed']);
  });

  it('resolves the version (current by default) and names accounts', async () => {
    expect(await exportVersion(db(), 'ws1', undefined)).toBe(2);
    expect(await exportVersion(db(), 'unknown', undefined)).toBe(1);
    await expect(exportVersion(db(), 'ws1', 3)).rejects.toMatchObject({ kind: 'not-found' });
    expect(await accountNames(db(), 'ws1')).toEqual(new Map([[A, 'Account A'], [B, 'Account B']]));
  });
});

describe('export formats', () => {
  const tokens = { inputUncached: 1000, inputCachedRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 500, reasoning: 0 };
  const units = { requests: 3, images: 0, audioSeconds: 0, characters: 0, searchQueries: 0, webSearchCalls: 0 };
  const row: ExportRow = {
    kind: 'usage',
    day: '2026-03-31',
    accountId: A,
    accountName: '=HYPERLINK("x")',
    provider: 'openai',
    line: 'openai|gpt-4o-mini|chat/completions|batch',
    model: 'gpt-4o-mini',
    operation: 'chat/completions',
    serviceTier: 'batch',
    contextTier: 'standard',
    project: 'search, "beta"',
    source: 'request-log',
    final: true,
    status: 'estimated',
    estimated: '0.00075',
    reconciled: null,
    dayBilled: false,
    priceSetId: 'p1',
    costVersion: 2,
    tokens,
    units,
  };

  it('writes RFC 4180 fields, and keeps spreadsheets from running text as formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField('=1+1', true)).toBe("'=1+1");
    expect(csvField('-0.5', true)).toBe('-0.5');
    expect(csvField('=1+1')).toBe('=1+1');
    const line = csvRow(row);
    expect(line.endsWith('\r\n')).toBe(true);
    expect(line.split(',').length).toBeGreaterThanOrEqual(CSV_COLUMNS.length);
    expect(line).toContain(`"'=HYPERLINK(""x"")"`);
    expect(line).toContain('"search, ""beta"""');
  });

  it('maps a usage row to FOCUS: list = estimate, billed = estimate unless reconciled, the day as charge period', () => {
    expect(focusRecord(row)).toMatchObject({
      BilledCost: '0.00075',
      ListCost: '0.00075',
      ContractedCost: '0.00075',
      EffectiveCost: '0.00075',
      BillingCurrency: 'USD',
      ChargePeriodStart: '2026-03-31T00:00:00Z',
      ChargePeriodEnd: '2026-04-01T00:00:00Z',
      BillingPeriodStart: '2026-03-01T00:00:00Z',
      BillingPeriodEnd: '2026-04-01T00:00:00Z',
      ChargeCategory: 'Usage',
      ChargeClass: null,
      ConsumedQuantity: '1500',
      ConsumedUnit: 'Tokens',
      ProviderName: 'OpenAI',
      SkuId: row.line,
      ChargeDescription: 'gpt-4o-mini chat/completions, batch tier, project search, "beta"',
      x_CostStatus: 'estimated',
      x_InputTokens: '1000',
      x_OutputTokens: '500',
    });
    expect(focusRecord({ ...row, reconciled: '0.001', status: 'reconciled' })).toMatchObject({ BilledCost: '0.001', ListCost: '0.00075' });
    expect(focusRecord({ ...row, estimated: null, status: 'unpriced' })).toMatchObject({ BilledCost: '0', ListCost: '0', x_EstimatedCost: null });
    expect(focusRecord({ ...row, dayBilled: true })).toMatchObject({ BilledCost: '0', ListCost: '0.00075' });
    const images = { ...row, tokens: { ...tokens, inputUncached: 0, output: 0 }, units: { ...units, images: 4 } };
    expect(focusRecord(images)).toMatchObject({ ConsumedQuantity: '4', ConsumedUnit: 'Images' });
    const line = { ...row, kind: 'billed' as const, estimated: null, reconciled: '2.5', tokens: null, units: null, model: null, status: 'reconciled' as const };
    expect(focusRecord(line)).toMatchObject({ BilledCost: '2.5', ListCost: '0', PricingQuantity: '1', ChargeDescription: expect.stringContaining('Billed by OpenAI') });
  });

  it('writes JSON rows with the difference and without internals', () => {
    const parsed = JSON.parse(jsonRow({ ...row, reconciled: '0.001' }, true));
    expect(parsed).toMatchObject({ estimated: '0.00075', reconciled: '0.001', difference: '0.00025', currency: 'USD' });
    expect(parsed).not.toHaveProperty('dayBilled');
    expect(jsonRow(row, false).startsWith(',\n')).toBe(true);
    expect(difference({ estimated: '1', reconciled: '1' })).toBe('0');
    expect(difference({ estimated: null, reconciled: '1' })).toBeNull();
  });
});
