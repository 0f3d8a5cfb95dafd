import { parseCsv } from './csv';
import { detectFormat, ImportReader, parseCloudDate, type ImportAccount } from './csv-import';

const ACCOUNT = '8f5e2c1a-1111-4222-8333-944455556666';
const accounts: Record<string, ImportAccount> = { [ACCOUNT]: { provider: 'groq', disconnected: false } };

async function read(csv: string, options: { format?: 'auto' | 'template' | 'azure' | 'aws'; accountId?: string } = {}) {
  const reader = new ImportReader('ws-1', {
    format: options.format ?? 'auto',
    accountId: options.accountId,
    today: '2026-03-10',
    findAccount: async (id) => accounts[id] ?? null,
  });
  for (const record of parseCsv(csv)) await reader.push(record);
  return reader.finish();
}

describe('detectFormat', () => {
  it('recognizes our template, Azure cost details and AWS Cost Explorer downloads', () => {
    expect(detectFormat(['date', 'account_id', 'model', 'input_tokens'])).toBe('template');
    expect(detectFormat(['Date', 'MeterName', 'CostInBillingCurrency'])).toBe('azure');
    expect(detectFormat(['Service', 'Amazon Bedrock($)', 'Total costs($)'])).toBe('aws');
    expect(detectFormat(['a', 'b'])).toBeNull();
  });
});

describe('parseCloudDate', () => {
  it('reads ISO, US and compact dates, and refuses impossible ones', () => {
    expect(parseCloudDate('2026-03-05')).toBe('2026-03-05');
    expect(parseCloudDate('2026-03-05T00:00:00Z')).toBe('2026-03-05');
    expect(parseCloudDate('3/5/2026')).toBe('2026-03-05');
    expect(parseCloudDate('20260305')).toBe('2026-03-05');
    expect(parseCloudDate('02/30/2026')).toBeNull();
    expect(parseCloudDate('yesterday')).toBeNull();
  });
});

describe('ImportReader', () => {
  it('turns template rows into usage candidates with disjoint token classes', async () => {
    const result = await read(`date,account_id,model,input_tokens,cached_input_tokens,output_tokens,requests,cost\n2026-03-09,${ACCOUNT},llama-3.3-70b-versatile,100,20,5,3,0.0012\n`);
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual({ read: 1, valid: 1, invalid: 0 });
    expect(result.candidates).toEqual([
      expect.objectContaining({
        kind: 'usage',
        lines: [2],
        input: expect.objectContaining({ provider: 'groq', tokens: { inputUncached: 100, inputCachedRead: 20, output: 5 }, units: { requests: 3 }, reportedCost: { amount: '0.0012', currency: 'USD' } }),
      }),
    ]);
  });

  it('lists the first 1,000 problems and counts them all', async () => {
    const rows = Array.from({ length: 1200 }, () => `yesterday,${ACCOUNT},m,1`).join('\n');
    const result = await read(`date,account_id,model,output_tokens\n${rows}\n`);
    expect(result.problems).toHaveLength(1000);
    expect(result.problems[999]).toMatchObject({ line: 1001, column: 'date' });
    expect(result.problemCount).toBe(1200);
    expect(result.rows).toEqual({ read: 1200, valid: 0, invalid: 1200 });
  });

  it('refuses unknown columns, future days and foreign providers', async () => {
    expect((await read('date,account_id,model,tokens\n')).problems).toEqual([{ line: 1, column: 'tokens', message: expect.stringContaining('not a column of the template') }]);
    const rows = await read(`date,account_id,provider,model,output_tokens\n2026-03-11,${ACCOUNT},,m,1\n2026-03-09,${ACCOUNT},openai,m,1\n2026-03-09,${ACCOUNT},,m,0\n`);
    expect(rows.problems.map((p) => [p.line, p.column])).toEqual([[2, 'date'], [3, 'provider'], [4, null]]);
    expect(rows.candidates).toEqual([]);
  });

  it('sums Azure rows per day and meter into billed cost lines of the chosen account', async () => {
    const csv = 'UsageDate,MeterName,CostInBillingCurrency,BillingCurrency\n20260309,gpt-4o-Inp,0.1,USD\n20260309,gpt-4o-Inp,0.2,USD\n20260309,gpt-4o-Outp,1,EUR\n';
    const result = await read(csv, { accountId: ACCOUNT });
    expect(result.format).toBe('azure');
    expect(result.problems).toEqual([{ line: 4, column: 'BillingCurrency', message: 'Only USD costs can be imported so far; this row is in EUR.' }]);
    expect(result.candidates).toEqual([expect.objectContaining({ kind: 'cost', lines: [2, 3], input: expect.objectContaining({ provider: 'groq', description: 'gpt-4o-Inp', amount: '0.3' }) })]);
  });
});

describe('OpenAI usage page exports', () => {
  const OPENAI = '2c7e9a10-2222-4333-8444-955566667777';
  accounts[OPENAI] = { provider: 'openai', disconnected: false };
  // The layout of a published export of the usage page's Activity (completions) view; values as OpenAI writes them.
  const USAGE_HEADER =
    'start_time,end_time,start_time_iso,end_time_iso,project_id,num_model_requests,user_id,api_key_id,model,batch,service_tier,input_tokens,output_tokens,input_cached_tokens,input_uncached_tokens,input_text_tokens,output_text_tokens,input_cached_text_tokens,input_audio_tokens,input_cached_audio_tokens,output_audio_tokens,input_image_tokens,input_cached_image_tokens,output_image_tokens';
  const usage = [
    USAGE_HEADER,
    '1772928000,1773014400,2026-03-08T00:00:00+00:00,2026-03-09T00:00:00+00:00,proj_A,10.0,user-1,key_1,gpt-4o-2024-08-06,FALSE,default,59200.0,10646.0,5760.0,53440.0,53440.0,10646.0,5760.0,0.0,0.0,0.0,0.0,0.0,0.0',
    '1772928000,1773014400,2026-03-08T00:00:00+00:00,2026-03-09T00:00:00+00:00,proj_A,2.0,user-2,key_2,gpt-4o-2024-08-06,FALSE,default,1000.0,100.0,0.0,1000.0,1000.0,100.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0',
    '1772928000,1773014400,2026-03-08T00:00:00+00:00,2026-03-09T00:00:00+00:00,proj_A,1.0,user-1,key_1,gpt-4o-2024-08-06,TRUE,default,500.0,50.0,0.0,500.0,500.0,50.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0',
    '1773014400,1773100800,2026-03-09T00:00:00+00:00,2026-03-10T00:00:00+00:00,,,,,,,,,,,,,,,,,,,,',
  ].join('\n');

  it('detects both layouts by their header', () => {
    expect(detectFormat(USAGE_HEADER.split(','))).toBe('openai-usage');
    expect(detectFormat('start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name'.split(','))).toBe('openai-costs');
  });

  it('sums completions rows per day, model, tier and project into usage of the OpenAI account', async () => {
    const result = await read(usage, { accountId: OPENAI });
    expect(result.format).toBe('openai-usage');
    expect(result.problems).toEqual([]);
    expect(result.rows).toEqual({ read: 4, valid: 4, invalid: 0 });
    expect(result.candidates).toEqual([
      expect.objectContaining({
        kind: 'usage',
        lines: [2, 3],
        input: expect.objectContaining({
          accountId: OPENAI,
          day: '2026-03-08',
          provider: 'openai',
          model: 'gpt-4o-2024-08-06',
          serviceTier: 'standard',
          project: 'proj_A',
          tokens: { inputUncached: 54440, inputCachedRead: 5760, cacheWrite5m: 0, output: 10746 },
          units: { requests: 12 },
          source: 'import',
        }),
      }),
      expect.objectContaining({ lines: [4], input: expect.objectContaining({ serviceTier: 'batch', tokens: { inputUncached: 500, inputCachedRead: 0, cacheWrite5m: 0, output: 50 }, units: { requests: 1 } }) }),
    ]);
    // Who made the calls is not kept.
    expect(JSON.stringify(result.candidates)).not.toContain('user-1');
  });

  it('reports each bad row, and needs an OpenAI account', async () => {
    const bad = [
      USAGE_HEADER,
      '1772928000,1773014400,2026-03-08T00:00:00+00:00,2026-03-09T00:00:00+00:00,proj_A,1.5,,,gpt-4o,FALSE,default,10,1,0,,,,,,,,,,',
      '1772928000,1773014400,2026-03-08T00:00:00+00:00,2026-03-09T00:00:00+00:00,proj_A,1,,,,FALSE,default,10,1,0,,,,,,,,,,',
      '1772928000,1773014400,2026-03-08T00:00:00+00:00,2026-03-09T00:00:00+00:00,proj_A,1,,,gpt-4o,FALSE,turbo,10,1,20,,,,,,,,,,',
      '1773619200,1773705600,2026-03-16T00:00:00+00:00,2026-03-17T00:00:00+00:00,proj_A,1,,,gpt-4o,FALSE,default,10,1,0,,,,,,,,,,',
    ].join('\n');
    const result = await read(bad, { accountId: OPENAI });
    expect(result.problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'num_model_requests'],
      [3, 'model'],
      [4, 'service_tier'],
      [4, 'input_tokens'],
      [5, 'start_time'],
    ]);
    expect(result.rows).toEqual({ read: 4, valid: 0, invalid: 4 });
    expect((await read(usage, {})).problems).toEqual([{ line: 1, column: null, message: expect.stringContaining('pass ?accountId=') }]);
    expect((await read(usage, { accountId: ACCOUNT })).problems).toEqual([{ line: 1, column: null, message: expect.stringContaining('is a groq account') }]);
  });

  it('reads the cost export as billed lines per day, line item and project', async () => {
    const csv = [
      'start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id,organization_id,organization_name',
      '1772928000,1773014400,2026-03-08T00:00:00+00:00,2026-03-09T00:00:00+00:00,0.8958740000000000,usd,,,org-1,Personal',
      '1773014400,1773100800,2026-03-09T00:00:00+00:00,2026-03-10T00:00:00+00:00,,,,,,',
      '1773014400,1773100800,2026-03-09T00:00:00+00:00,2026-03-10T00:00:00+00:00,0.25,usd,"gpt-4o-2024-08-06, input",proj_A,org-1,Personal',
      '1773014400,1773100800,2026-03-09T00:00:00+00:00,2026-03-10T00:00:00+00:00,0.5,eur,"gpt-4o-2024-08-06, output",proj_A,org-1,Personal',
    ].join('\n');
    const result = await read(csv, { accountId: OPENAI });
    expect(result.format).toBe('openai-costs');
    expect(result.problems).toEqual([{ line: 5, column: 'amount_currency', message: 'Only USD costs can be imported so far; this row is in EUR.' }]);
    expect(result.candidates).toEqual([
      expect.objectContaining({ kind: 'cost', lines: [2], input: expect.objectContaining({ day: '2026-03-08', provider: 'openai', description: 'unspecified', amount: '0.895874' }) }),
      expect.objectContaining({ kind: 'cost', lines: [4], input: expect.objectContaining({ day: '2026-03-09', description: 'gpt-4o-2024-08-06, input', project: 'proj_A', amount: '0.25' }) }),
    ]);
  });
});
