import type { APIRequestContext, APIResponse } from 'playwright-core';
import { PASSWORD, uniqueEmail } from './session';

const DAY_MS = 86_400_000;

export interface SeededWorkspace {
  email: string;
  workspaceId: string;
  accessToken: string;
  accounts: { openai: string; groq: string; selfHosted: string };
  today: string;
  thisMonth: string;
  lastMonth: string;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function previousMonth(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, mon - 2, 1)).toISOString().slice(0, 7);
}

/** Days from the first of last month to today, oldest first. */
function seededDays(now: number): string[] {
  const first = `${previousMonth(utcDay(now).slice(0, 7))}-01`;
  const days: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); utcDay(t) <= utcDay(now); t += DAY_MS) days.push(utcDay(t));
  return days;
}

/** A deterministic weekday-shaped load: quieter weekends, a busier middle of the week. */
function load(day: string): number {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const base = [0.35, 1, 1.15, 1.3, 1.2, 0.95, 0.3][weekday] ?? 1;
  const wobble = 1 + ((Number(day.slice(8)) * 37) % 11) / 40;
  return base * wobble;
}

/** Ingesting two months of request logs folds a few hundred day totals: more than a page action. */
const SEED_TIMEOUT_MS = 60_000;

/**
 * Seeds a workspace through the API, as a user would: registers (then `signInContext` signs a
 * browser in as that user), connects an OpenAI, a Groq and a self-hosted account, sends per-request
 * usage with ingest keys for every day since the start of last month (OpenAI and Groq models,
 * plus a model no catalogue knows, which stays unpriced), and enters a manual subscription line.
 * Waits until the month summary includes all of it.
 */
export async function seedUsage(request: APIRequestContext, name: string): Promise<SeededWorkspace> {
  const email = uniqueEmail(name);
  const registered = await request.post('/api/v1/auth/register', { data: { email, password: PASSWORD, displayName: 'Olivia' } });
  if (registered.status() !== 201) throw new Error(`Registering ${email} failed: ${registered.status()} ${await registered.text()}`);
  const session = (await registered.json()) as { accessToken: string; workspaces: { id: string }[] };
  const accessToken = session.accessToken;
  const workspaceId = (session.workspaces[0] as { id: string }).id;
  const auth = { authorization: `Bearer ${accessToken}` };
  const ws = `/api/v1/workspaces/${workspaceId}`;

  async function expectOk(response: APIResponse, what: string): Promise<Record<string, unknown>> {
    if (!response.ok()) throw new Error(`${what} failed: ${response.status()} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  }
  const post = async (path: string, data: unknown, what: string, headers = auth) =>
    expectOk(await request.post(path, { data, headers, timeout: SEED_TIMEOUT_MS }), what);

  const connect = async (data: Record<string, unknown>) =>
    ((await post(`${ws}/accounts`, data, `Connecting ${String(data['displayName'])}`))['account'] as { id: string }).id;
  const openai = await connect({
    provider: 'openai',
    displayName: 'OpenAI production',
    credentials: process.env['E2E_OPENAI_ADMIN_KEY'],
    baseUrl: process.env['E2E_OPENAI_BASE_URL'],
  });
  const groq = await connect({ provider: 'groq', displayName: 'Groq (chat app)' });
  const selfHosted = await connect({ provider: 'custom', displayName: 'Self-hosted Llama' });

  const keyFor = async (accountId: string) =>
    (await post(`${ws}/ingest-keys`, { accountId, name: `e2e ${accountId.slice(0, 4)}` }, 'Creating an ingest key'))['key'] as string;
  const openaiKey = await keyFor(openai);
  const groqKey = await keyFor(groq);

  const now = Date.now();
  const days = seededDays(now);
  // Never in the future (the API refuses more than 5 minutes ahead): today's requests are a minute old.
  const at = (day: string, hour: number) => new Date(Math.min(Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`), now - 60_000)).toISOString();
  const openaiRecords: unknown[] = [];
  const groqRecords: unknown[] = [];
  for (const day of days) {
    const f = load(day);
    openaiRecords.push(
      { requestId: `mini-a-${day}`, provider: 'openai', model: 'gpt-4o-mini', timestamp: at(day, 9), project: 'search',
        usage: { prompt_tokens: Math.round(1_800_000 * f), completion_tokens: Math.round(420_000 * f), prompt_tokens_details: { cached_tokens: Math.round(600_000 * f) } } },
      { requestId: `mini-b-${day}`, provider: 'openai', model: 'gpt-4o-mini', timestamp: at(day, 15), project: 'support',
        usage: { prompt_tokens: Math.round(900_000 * f), completion_tokens: Math.round(260_000 * f) } },
      { requestId: `4o-${day}`, provider: 'openai', model: 'gpt-4o', timestamp: at(day, 11), project: 'support',
        usage: { prompt_tokens: Math.round(210_000 * f), completion_tokens: Math.round(48_000 * f) } },
    );
    groqRecords.push({
      requestId: `llama-${day}`, provider: 'groq', model: 'llama-3.3-70b-versatile', timestamp: at(day, 13), project: 'chat',
      usage: { prompt_tokens: Math.round(1_300_000 * f), completion_tokens: Math.round(350_000 * f), total_tokens: Math.round(1_650_000 * f) },
    });
  }
  // A model no price list knows: unpriced (counted apart, never $0), on today and on the 2nd of last month.
  for (const day of [days[1] as string, days[days.length - 1] as string]) {
    groqRecords.push({
      requestId: `private-${day}`, provider: 'groq', model: 'acme-private-finetune-7', timestamp: at(day, 14),
      usage: { prompt_tokens: 50_000, completion_tokens: 9_000 },
    });
  }

  const ingest = async (key: string, records: unknown[]) => {
    const answer = await post('/api/v1/ingest/usage', { records }, 'Ingesting usage', { authorization: `Bearer ${key}` });
    if (answer['rejected'] !== 0) throw new Error(`Ingest rejected records: ${JSON.stringify(answer['errors'])}`);
    return answer['position'] as string;
  };
  await ingest(openaiKey, openaiRecords);
  await ingest(groqKey, groqRecords);

  // A flat monthly subscription, entered by hand on the 1st of this month.
  const thisMonth = utcDay(now).slice(0, 7);
  await post(
    `${ws}/manual-entries`,
    { accountId: selfHosted, day: `${thisMonth}-01`, model: 'gpu-node-rental', amount: '120.00', currency: 'USD', units: { requests: 1 } },
    'Adding a manual entry',
  );

  // Usage entered by hand (tokens only, priced from the catalogue) on a day of last month.
  const lastMonth = previousMonth(thisMonth);
  const last = await post(
    `${ws}/manual-entries`,
    { accountId: groq, day: `${lastMonth}-10`, model: 'llama-3.1-8b-instant', tokens: { inputUncached: 4_000_000, output: 900_000 } },
    'Adding a manual usage entry',
  );

  // Reads wait for the writes above (read-your-writes), then the summary must hold them.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const summary = await expectOk(
      await request.get(`${ws}/usage/summary?month=${thisMonth}&waitFor=${String(last['position'])}`, { headers: auth, timeout: SEED_TIMEOUT_MS }),
      'Reading the month summary',
    );
    const rows = (summary['counts'] as { rows: number }).rows;
    if (rows >= 4) break;
    if (Date.now() > deadline) throw new Error(`The month summary still has ${rows} rows after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  return {
    email,
    workspaceId,
    accessToken,
    accounts: { openai, groq, selfHosted },
    today: utcDay(now),
    thisMonth,
    lastMonth,
  };
}

/**
 * Signs a browser context in as a seeded user: the login answer sets the refresh cookie in the
 * context, and the app restores the session from it on its next load.
 */
export async function signInContext(request: APIRequestContext, email: string): Promise<void> {
  const response = await request.post('/api/v1/auth/login', { data: { email, password: PASSWORD } });
  if (!response.ok()) throw new Error(`Signing in ${email} failed: ${response.status()} ${await response.text()}`);
}
