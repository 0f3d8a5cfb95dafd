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
