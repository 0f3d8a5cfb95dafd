import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import Decimal from 'decimal.js';
import { testEngines } from '@act/server/database/testing';
import type { SqlDatabase } from '@act/server/database';
import { EVENT_STORE, type EventStore } from '@act/server/event-store';
import { PROJECTION_RUNNER, SQL_DATABASE } from '@act/server/platform';
import type { ProjectionRunner } from '@act/server/projections';
import { seedCatalogue } from '@act/server/usage';
import { LedgerLifecycle } from '@act/server/reporting';
import { AlertEvaluator } from '@act/server/budgets';
import { defaultTestOrganisation, startProviderTestServer, TEST_KEYS, type ProviderTestServer, type TestOrganisation } from '@act/server/connectors/testing';
import { ApiClient } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';

const DAY = 86_400_000;
const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);

interface Mail {
  to: string;
  body: string;
}

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean | null;
}

/** A chat completion's usage as OpenAI returns it. */
function usageRecord(requestId: string, offset: number, model: string, output: number, project?: string) {
  // Today's request is a second old (never in the future, whatever the time of day); earlier days at noon.
  const timestamp = offset === 0 ? new Date(Date.now() - 1000).toISOString() : `${day(offset)}T12:00:00Z`;
  return { requestId, provider: 'openai', model, timestamp, usage: { prompt_tokens: 1000, completion_tokens: output, total_tokens: 1000 + output }, ...(project ? { project } : {}) };
}

interface ForecastFigures {
  spent: string;
  point: string;
  p80: { lower: string; upper: string };
  p95: { lower: string; upper: string };
  insufficientHistory: boolean;
  daily: { day: string; median: string; p80: { lower: string; upper: string }; p95: { lower: string; upper: string } }[];
}

/** The 80% interval inside the 95% one, the point inside both, never below what was spent; the same on every day. */
function expectNestedIntervals(f: ForecastFigures) {
  const ordered = (label: string, values: string[]) => {
    for (let i = 1; i < values.length; i++) expect(`${label}: ${values[i - 1]} <= ${values[i]} ${new Decimal(values[i - 1]).lte(values[i])}`).toBe(`${label}: ${values[i - 1]} <= ${values[i]} true`);
  };
  ordered('month', [f.spent, f.p95.lower, f.p80.lower, f.point, f.p80.upper, f.p95.upper]);
  for (const d of f.daily) ordered(d.day, [d.p95.lower, d.p80.lower, d.median, d.p80.upper, d.p95.upper]);
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Budgets, forecasts, anomalies, alerts and notifications end to end: real HTTP, a real SMTP server, real webhook receivers. */
for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`budgets, alerts and notifications over HTTP [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let t: TestApp;
    let smtp: SMTPServer;
    let receiver: Server;
    let receiverBase: string;
    let openai: ProviderTestServer;
    let openrouter: ProviderTestServer;
    /** The OpenRouter test organisation: its `/credits` answer is set by the low-credit test. */
    let openrouterOrg: TestOrganisation;
    const mails: Mail[] = [];
    const received: Received[] = [];
    /** The signing secret the receiver checks `/signed` deliveries with. */
    let signingSecret = '';
    const owner = new ApiClient(() => t.base);
    const viewer = new ApiClient(() => t.base);
    let ws: string;
    let appAccount: string;
    let sideAccount: string;
    let sideKey: string;
    let position = '0';
    const db = () => t.app.get<SqlDatabase>(SQL_DATABASE);
    const evaluate = () => t.app.get(AlertEvaluator).evaluateWorkspace(ws);
    const head = async () => String((await owner.get('/health')).body.eventStore.headPosition);
    const alerts = async (query = '') => (await owner.get(`/workspaces/${ws}/alerts?waitFor=${await head()}&limit=200${query}`)).body.items as { id: string; kind: string; status: string; severity: string; details: Record<string, unknown>; resolution: string | null; subject: { key: string } }[];
    const deliveries = async (query = '') => (await owner.get(`/workspaces/${ws}/deliveries?limit=200${query}`)).body.items as { id: string; channelId: string; status: string; attempts: number; alertId: string | null; recipient: string | null; attemptLog: { outcome: string; httpStatus: number | null }[]; lastError: string | null }[];
    const raisedEvents = async (alertId: string) =>
      Number((await db().query<{ n: string }>(`select count(*)::text as n from es_events where stream_id = $1 and type = 'AlertRaised'`, [`alert-${alertId}`]))[0].n);
    const connect = async (displayName: string) => {
      const reply = await owner.post(`/workspaces/${ws}/accounts`, { provider: 'openai', displayName, syncEnabled: false });
      expect(reply.status).toBe(201);
      return reply.body.account.id as string;
    };
    const keyFor = async (accountId: string) => (await owner.post(`/workspaces/${ws}/ingest-keys`, { accountId, name: 'app' })).body.key as string;
    /** Ingests with an ingest key; answers the position to wait for. */
    const ingest = async (key: string, records: unknown[]) => {
      const c = new ApiClient(() => t.base);
      c.accessToken = key;
      const reply = await c.post('/ingest/usage', { records });
      expect(reply.body).toMatchObject({ rejected: 0 });
      return reply.body.position as string;
    };

    beforeAll(async () => {
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, session, callback) {
          let body = '';
          stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          stream.on('end', () => {
            const decoded = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
            mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body: decoded });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      // The webhook receiver verifies signatures itself, from the raw body and the secret it was given.
      receiver = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        request.on('end', () => {
          let signatureValid: boolean | null = null;
          const timestamp = request.headers['x-act-timestamp'];
          const signature = request.headers['x-act-signature'];
          if (typeof timestamp === 'string' && typeof signature === 'string') {
            const expected = Buffer.from(`v1=${createHmac('sha256', signingSecret).update(`${timestamp}.${body}`).digest('hex')}`);
            const given = Buffer.from(signature);
            signatureValid = expected.length === given.length && timingSafeEqual(expected, given) && Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
          }
          received.push({ path: request.url ?? '', headers: request.headers, body, signatureValid });
          if (request.url === '/failing') {
            response.writeHead(500, { 'content-type': 'text/plain' }).end('receiver is down');
          } else {
            response.writeHead(request.url === '/signed' && !signatureValid ? 401 : 204).end();
          }
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      openai = await startProviderTestServer({ provider: 'openai' });
      openrouterOrg = { ...defaultTestOrganisation('openrouter') };
      openrouter = await startProviderTestServer({ provider: 'openrouter', organisation: openrouterOrg });
      t = await startTestApp(engine, {
        SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
        PUBLIC_URL: 'https://costs.example.test',
        CREDENTIAL_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        SYNC_SCHEDULER: 'false',
        SYNC_BACKFILL_DAYS: '3',
        ALERT_EVALUATION_SECONDS: '0',
        NOTIFY_POLL_INTERVAL_MS: '50',
        NOTIFY_MAX_ATTEMPTS: '3',
        NOTIFY_RETRY_BASE_MS: '100',
        NOTIFY_TIMEOUT_MS: '3000',
        WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      });
      // The shipped catalogue prices the usage (a no-op when the app seeded it at start).
      await seedCatalogue(t.app.get<EventStore>(EVENT_STORE), { today: day(0) });
      ws = (await owner.register('owner@budgets.test')).body.workspaces[0].id;

      appAccount = await connect('Chat app');
      sideAccount = await connect('Side project');
      const appKey = await keyFor(appAccount);
      sideKey = await keyFor(sideAccount);
      // The app: ~$10 a day of gpt-4o for 45 days (a weekly wobble), then $100 yesterday (a spike), and today's first $10.
      const history = [];
      for (let offset = -45; offset <= 0; offset++) {
        const output = offset === -1 ? 10_000_000 : Math.round(1_000_000 * (1 + 0.1 * Math.sin(offset)));
        history.push(usageRecord(`app-${offset}`, offset, 'gpt-4o', output));
      }
      await ingest(appKey, history);
      // The side project started yesterday: too little history for a confident forecast.
      position = await ingest(sideKey, [usageRecord('side-1', -1, 'gpt-4o-mini', 2_000_000), usageRecord('side-0', 0, 'gpt-4o-mini', 2_000_000)]);

      const invited = await owner.post(`/workspaces/${ws}/invitations`, { email: 'viewer@budgets.test', role: 'viewer' });
      await viewer.register('viewer@budgets.test', undefined, { invitationToken: invited.body.token });
    });

    afterAll(async () => {
      await t?.dispose();
      await openai?.close();
      await openrouter?.close();
      await new Promise<void>((resolve) => smtp?.close(() => resolve()));
      await new Promise<void>((resolve) => receiver?.close(() => resolve()));
    });

    let budgetId: string;
    let spent: string;

    it('creates, lists, changes and removes budgets, with messages a user can act on', async () => {
      const bad = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'planet' }, amount: '-1', thresholds: [0, 80] });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual(
        expect.arrayContaining([
          { path: 'scope.kind', message: expect.stringContaining('workspace, provider, account, model, project') },
          { path: 'amount', message: expect.stringContaining('decimal amount in USD') },
          { path: 'thresholds', message: expect.stringContaining('whole percentages') },
        ]),
      );
      const noKey = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'account' }, amount: '10' });
      expect(noKey.status).toBe(422);
      expect(noKey.body.detail).toMatch(/needs scope.key/);
      const strangerAccount = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'account', key: '00000000-0000-4000-8000-000000000000' }, amount: '10' });
      expect(strangerAccount.status).toBe(422);
      expect(strangerAccount.body.detail).toMatch(/no account of this workspace/);
      const badModel = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'model', key: 'gpt-4o' }, amount: '10' });
      expect(badModel.body.detail).toMatch(/"provider\/model"/);
      expect((await viewer.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'workspace' }, amount: '10' })).status).toBe(403);

      const created = await owner.post(`/workspaces/${ws}/budgets`, { name: 'Everything', scope: { kind: 'workspace' }, amount: '1000000.00' });
      expect(created.status).toBe(201);
      expect(created.body.budget).toMatchObject({ name: 'Everything', scope: { kind: 'workspace', key: null, label: 'Workspace' }, amount: '1000000', currency: 'USD', thresholds: [50, 80, 100] });
      budgetId = created.body.budget.id;
      spent = created.body.budget.spent;
      expect(Number(spent)).toBeGreaterThan(9);
      const twice = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'workspace' }, amount: '5' });
      expect(twice.status).toBe(409);
      expect(twice.body.detail).toMatch(/already budgets this workspace/);

      const side = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'account', key: sideAccount }, amount: '50', thresholds: [100, 90] });
      expect(side.body.budget).toMatchObject({ name: `Account ${sideAccount}`, scope: { label: 'Side project' }, thresholds: [90, 100] });
      const renamed = await owner.patch(`/workspaces/${ws}/budgets/${side.body.budget.id}`, { name: 'Side', thresholds: [75] });
      expect(renamed.body.budget).toMatchObject({ name: 'Side', thresholds: [75] });
      const listed = await viewer.get(`/workspaces/${ws}/budgets?waitFor=${renamed.body.position}`);
      expect(listed.body.items.map((b: { name: string }) => b.name)).toEqual(['Everything', 'Side']);
      expect(listed.body.items[0]).toMatchObject({ spent, month: day(0).slice(0, 7) });
      const removed = await owner.delete(`/workspaces/${ws}/budgets/${side.body.budget.id}`);
      expect(removed.status).toBe(200);
      expect((await owner.get(`/workspaces/${ws}/budgets?waitFor=${removed.body.position}`)).body.items).toHaveLength(1);
      expect((await owner.patch(`/workspaces/${ws}/budgets/${side.body.budget.id}`, { amount: '1' })).status).toBe(404);
    });

    let signedChannel: string;
    let failingChannel: string;

    it('adds channels with secrets kept out of answers, checks webhook URLs and sends signed test messages', async () => {
      for (const [url, message] of [
        ['ftp://127.0.0.1/x', /http or https/],
        ['https://user:secret@hooks.example.test/x', /user name or password/],
        ['not a url', /not a URL/],
      ] as const) {
        const refused = await owner.post(`/workspaces/${ws}/channels`, { kind: 'webhook', name: 'x', url });
        expect(refused.status).toBe(422);
        expect(refused.body.detail).toMatch(message);
      }
      expect((await owner.post(`/workspaces/${ws}/channels`, { kind: 'slack', name: 'no url' })).body.detail).toMatch(/needs url/);
      const member = await owner.post(`/workspaces/${ws}/channels`, { kind: 'email', name: 'x', recipients: ['not-an-address'] });
      expect(member.status).toBe(422);

      const signed = await owner.post(`/workspaces/${ws}/channels`, { kind: 'webhook', name: 'Ops webhook', url: `${receiverBase}/signed?token=abcdef` });
      expect(signed.status).toBe(201);
      expect(signed.body.signingSecret).toMatch(/^whsec_[\w-]{43}$/);
      expect(signed.body.channel).toMatchObject({ kind: 'webhook', signed: true, targetHint: `${receiverBase}/…cdef` });
      signingSecret = signed.body.signingSecret;
      signedChannel = signed.body.channel.id;
      const failing = await owner.post(`/workspaces/${ws}/channels`, { kind: 'webhook', name: 'Broken receiver', url: `${receiverBase}/failing`, alertKinds: ['budget-threshold'], minSeverity: 'warning' });
      failingChannel = failing.body.channel.id;
      const email = await owner.post(`/workspaces/${ws}/channels`, { kind: 'email', name: 'Finance', recipients: ['Finance@Example.test'], toMembers: true, alertKinds: ['budget-threshold'] });
      expect(email.body.channel).toMatchObject({ recipients: ['finance@example.test'], toMembers: true, targetHint: null });
      expect(email.body.signingSecret).toBeNull();
      const slack = await owner.post(`/workspaces/${ws}/channels`, { kind: 'slack', name: 'Slack', url: `${receiverBase}/slack`, alertKinds: ['sync-failing'] });
      const teams = await owner.post(`/workspaces/${ws}/channels`, { kind: 'teams', name: 'Teams', url: `${receiverBase}/teams`, enabled: false });
      const listed = await owner.get(`/workspaces/${ws}/channels?waitFor=${teams.body.position}`);
      expect(listed.body.items.map((c: { name: string }) => c.name)).toEqual(['Ops webhook', 'Broken receiver', 'Finance', 'Slack', 'Teams']);
      expect(listed.text).not.toContain('abcdef');
      expect(listed.text).not.toContain(signingSecret);

      // Test sends: one attempt, answered with what the receiver said.
      const tested = await owner.post(`/workspaces/${ws}/channels/${signedChannel}/test`);
      expect(tested.status).toBe(200);
      expect(tested.body).toMatchObject({ delivered: true, deliveries: [{ purpose: 'test', status: 'delivered', attempts: 1, attemptLog: [{ outcome: 'delivered', httpStatus: 204 }] }] });
      const hit = received.find((r) => r.path === '/signed?token=abcdef');
      expect(hit?.signatureValid).toBe(true);
      expect(JSON.parse(hit?.body ?? '{}')).toMatchObject({ type: 'test', id: tested.body.deliveries[0].id, workspaceId: ws, alert: null });
      expect(hit?.headers['x-act-delivery']).toBe(tested.body.deliveries[0].id);
      expect(hit?.headers['idempotency-key']).toBe(tested.body.deliveries[0].id);

      expect((await owner.post(`/workspaces/${ws}/channels/${slack.body.channel.id}/test`)).body.delivered).toBe(true);
      expect(JSON.parse(received.find((r) => r.path === '/slack')?.body ?? '{}').text).toMatch(/Test notification/);
      expect((await owner.post(`/workspaces/${ws}/channels/${teams.body.channel.id}/test`)).body.delivered).toBe(true);
      expect(JSON.parse(received.find((r) => r.path === '/teams')?.body ?? '{}').attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
      const broken = await owner.post(`/workspaces/${ws}/channels/${failingChannel}/test`);
      expect(broken.body).toMatchObject({ delivered: false, deliveries: [{ status: 'failed', lastError: 'HTTP 500: receiver is down' }] });
      const mailed = await owner.post(`/workspaces/${ws}/channels/${email.body.channel.id}/test`);
      expect(mailed.body).toMatchObject({ delivered: true, deliveries: [{ recipient: 'finance@example.test', status: 'delivered' }] });
      expect(mails.find((m) => m.to === 'finance@example.test')?.body).toMatch(/test of the notification channel "Finance"/);

      // The owner wants sync failures only: threshold e-mails go to Finance alone.
      const prefs = await owner.call('PUT', `/workspaces/${ws}/notification-preferences`, { alertKinds: ['sync-failing'] });
      expect(prefs.body).toMatchObject({ alertKinds: ['sync-failing'], email: true, isDefault: false });
      expect((await viewer.get(`/workspaces/${ws}/notification-preferences`)).body).toMatchObject({ isDefault: true, alertKinds: expect.arrayContaining(['anomaly']) });
      expect((await viewer.post(`/workspaces/${ws}/channels`, { kind: 'email', name: 'x', toMembers: true })).status).toBe(403);
      mails.length = 0;
      received.length = 0;
    });

    it('raises a threshold alert once, notifies by e-mail and signed webhook, retries a failing receiver, and resolves when the budget is raised', async () => {
      // 50% and 80% of the budget reached, 100% not.
      const amount = (Number(spent) * 1.1).toFixed(2);
      const changed = await owner.patch(`/workspaces/${ws}/budgets/${budgetId}`, { amount });
      expect(changed.body.budget.percentUsed).toBeGreaterThanOrEqual(80);
      await owner.get(`/workspaces/${ws}/budgets?waitFor=${changed.body.position}`);
      const first = await evaluate();
      expect(first.skipped).toBeNull();
      const second = await evaluate();
      expect(second.raised).toBe(0);

      const thresholds = (await alerts('&kind=budget-threshold')).filter((a) => a.status !== 'resolved');
      expect(thresholds.map((a) => [a.details['threshold'], a.severity]).sort()).toEqual([
        [50, 'info'],
        [80, 'warning'],
      ]);
      for (const alert of thresholds) expect(await raisedEvents(alert.id)).toBe(1);
      const at80 = thresholds.find((a) => a.details['threshold'] === 80) as { id: string };

      // The signed webhook gets each alert exactly once, with a valid signature.
      const all = await alerts();
      await until('webhook deliveries', async () => (await deliveries(`&channelId=${signedChannel}&status=delivered`)).filter((d) => d.alertId !== null).length >= all.length);
      const signedHits = received.filter((r) => r.path.startsWith('/signed'));
      expect(signedHits.every((r) => r.signatureValid)).toBe(true);
      const alertIds = signedHits.map((r) => JSON.parse(r.body).alert.id as string);
      expect(alertIds.sort()).toEqual(all.map((a) => a.id).sort());
      expect(JSON.parse(signedHits[0].body)).toMatchObject({ type: 'alert.raised', workspaceId: ws, url: 'https://costs.example.test', alert: { raisedAt: expect.any(String) } });

      // E-mail: to Finance and to the viewer (a member with the default preferences), not to the owner (sync failures only).
      await until('threshold e-mails', async () => mails.length >= 4);
      expect(mails.map((m) => m.to).sort()).toEqual(['finance@example.test', 'finance@example.test', 'viewer@budgets.test', 'viewer@budgets.test']);
      expect(mails.map((m) => m.body).join('\n')).toContain('80% of the monthly budget reached');

      // The failing receiver: tried 3 times with the same delivery id, then marked failed.
      const failed = await until('the failing delivery to give up', async () => (await deliveries(`&channelId=${failingChannel}&status=failed`)).find((d) => d.alertId !== null));
      expect(failed).toMatchObject({ alertId: at80.id, attempts: 3, lastError: 'HTTP 500: receiver is down' });
      expect(failed.attemptLog.map((a) => [a.outcome, a.httpStatus])).toEqual([
        ['failed', 500],
        ['failed', 500],
        ['failed', 500],
      ]);
      const tries = received.filter((r) => r.path === '/failing');
      expect(tries).toHaveLength(3);
      expect(new Set(tries.map((r) => r.headers['x-act-delivery']))).toEqual(new Set([failed.id]));

      // A viewer may not acknowledge; the owner may, once.
      expect((await viewer.post(`/workspaces/${ws}/alerts/${at80.id}/acknowledge`)).status).toBe(403);
      const ack = await owner.post(`/workspaces/${ws}/alerts/${at80.id}/acknowledge`);
      expect(ack.status).toBe(200);
      expect(ack.body.alert.status).toBe('acknowledged');
      expect((await owner.post(`/workspaces/${ws}/alerts/${at80.id}/acknowledge`)).body.position).toBe('0');
      expect((await owner.post(`/workspaces/${ws}/alerts/00000000-0000-4000-8000-000000000000/acknowledge`)).status).toBe(404);
      expect((await alerts('&status=acknowledged')).map((a) => a.id)).toEqual([at80.id]);

      // Raising the budget clears both conditions.
      const raised = await owner.patch(`/workspaces/${ws}/budgets/${budgetId}`, { amount: (Number(spent) * 10).toFixed(2) });
      await owner.get(`/workspaces/${ws}/budgets?waitFor=${raised.body.position}`);
      expect((await evaluate()).resolved).toBeGreaterThanOrEqual(2);
      const after = await alerts('&kind=budget-threshold');
      expect(after.filter((a) => thresholds.some((x) => x.id === a.id)).map((a) => [a.status, a.resolution])).toEqual([
        ['resolved', 'budget-changed'],
        ['resolved', 'budget-changed'],
      ]);
      expect(await alerts('&kind=budget-threshold&status=active')).toEqual([]);
      // Raised once, resolved once: no threshold alert is sent again.
      const thresholdHits = () => received.filter((r) => r.path.startsWith('/signed') && JSON.parse(r.body).alert?.kind === 'budget-threshold').length;
      const sentBefore = thresholdHits();
      await evaluate();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(thresholdHits()).toBe(sentBefore);
    });

    it('forecasts the month with intervals, flags short history, and gives each budget its crossing days', async () => {
      const total = await owner.get(`/workspaces/${ws}/forecast?waitFor=${position}`);
      expect(total.status).toBe(200);
      expect(total.body).toMatchObject({ workspaceId: ws, month: day(0).slice(0, 7), today: day(0), currency: 'USD', groupBy: 'workspace' });
      const [series] = total.body.series;
      expect(series).toMatchObject({ key: null, label: 'Workspace', forecast: { insufficientHistory: false, method: expect.stringMatching(/bootstrap/) } });
      const f = series.forecast;
      expect(Number(f.p95.lower)).toBeLessThanOrEqual(Number(f.p80.lower));
      expect(Number(f.p80.lower)).toBeLessThanOrEqual(Number(f.point));
      expect(Number(f.point)).toBeLessThanOrEqual(Number(f.p80.upper));
      expect(Number(f.p80.upper)).toBeLessThanOrEqual(Number(f.p95.upper));
      expect(Number(f.point)).toBeGreaterThanOrEqual(Number(f.spent));
      expect(f.daily).toHaveLength(f.daysInMonth);
      expect(total.body.budgets).toEqual([expect.objectContaining({ budgetId, spent: f.spent, insufficientHistory: false })]);
      const crossing = total.body.budgets[0].crossing;
      expect(Object.keys(crossing).sort()).toEqual(['actual', 'median', 'upper80', 'upper95']);
      // The earliest warning comes first: upper 95% ≤ upper 80% ≤ median, where they exist.
      if (crossing.median) expect(crossing.upper80 <= crossing.median).toBe(true);
      if (crossing.upper80) expect(crossing.upper95 <= crossing.upper80).toBe(true);

      const byAccount = await owner.get(`/workspaces/${ws}/forecast?groupBy=account`);
      const side = byAccount.body.series.find((s: { key: string }) => s.key === sideAccount);
      const app = byAccount.body.series.find((s: { key: string }) => s.key === appAccount);
      expect(side).toMatchObject({ label: 'Side project', forecast: { insufficientHistory: true, confidence: 'insufficient', method: 'run-rate-wide' } });
      expect(app.forecast.insufficientHistory).toBe(false);
      // Short history means a wide interval, never a confident number.
      expect(Number(side.forecast.p80.upper) / Number(side.forecast.p80.lower)).toBeGreaterThan(2);

      expect((await owner.get(`/workspaces/${ws}/forecast?groupBy=project`)).status).toBe(400);
      expect((await owner.get(`/workspaces/${ws}/forecast?month=2999-01`)).status).toBe(422);
      const past = await owner.get(`/workspaces/${ws}/forecast?month=${day(-60).slice(0, 7)}`);
      expect(past.body.series[0].forecast.method).toBe('actual');
    });

    it('forecasts per provider and per model, each with nested intervals, the model series adding up to the provider', async () => {
      const total = (await owner.get(`/workspaces/${ws}/forecast?waitFor=${position}`)).body.series[0].forecast as ForecastFigures;
      const byProvider = await owner.get(`/workspaces/${ws}/forecast?groupBy=provider`);
      expect(byProvider.status).toBe(200);
      expect(byProvider.body).toMatchObject({ groupBy: 'provider', month: day(0).slice(0, 7) });
      // All the usage is OpenAI's: one series, the workspace total's figures.
      expect(byProvider.body.series.map((s: { key: string; label: string }) => [s.key, s.label])).toEqual([['openai', 'openai']]);
      const openaiForecast = byProvider.body.series[0].forecast as ForecastFigures;
      expect(openaiForecast).toMatchObject({ spent: total.spent, point: total.point, p80: total.p80, p95: total.p95, insufficientHistory: false });
      expectNestedIntervals(openaiForecast);

      const byModel = await owner.get(`/workspaces/${ws}/forecast?groupBy=model`);
      expect(byModel.body).toMatchObject({ groupBy: 'model' });
      // The biggest spender first; keys as "provider/model", the key of a model budget.
      expect(byModel.body.series.map((s: { key: string; label: string }) => [s.key, s.label])).toEqual([
        ['openai/gpt-4o', 'openai/gpt-4o'],
        ['openai/gpt-4o-mini', 'openai/gpt-4o-mini'],
      ]);
      const [gpt4o, mini] = byModel.body.series.map((s: { forecast: ForecastFigures }) => s.forecast) as ForecastFigures[];
      expect(gpt4o).toMatchObject({ insufficientHistory: false, method: expect.stringMatching(/bootstrap/) });
      // Two days of the side project's model: flagged, and wide.
      expect(mini).toMatchObject({ insufficientHistory: true, method: 'run-rate-wide' });
      expect(Number(mini.p80.upper) / Number(mini.p80.lower)).toBeGreaterThan(2);
      for (const f of [gpt4o, mini]) expectNestedIntervals(f);
      // Exact spend: the models add up to the provider, to the cent and beyond.
      expect(new Decimal(gpt4o.spent).plus(mini.spent).toFixed()).toBe(new Decimal(openaiForecast.spent).toFixed());
    });

    it('warns of a forecast overrun before it happens, with the projected day, and resolves it when the budget is removed', async () => {
      // The amount lies halfway between what the app's model has cost this month and the upper end of the 80% interval
      // of its month total, so the upper 80% curve reaches it within the month whatever today's date: on the month's last
      // day only the rest of today is forecast, and its bound still lies above the spend (today's cost may still grow).
      const model = (await owner.get(`/workspaces/${ws}/forecast?groupBy=model&waitFor=${position}`)).body.series.find((s: { key: string }) => s.key === 'openai/gpt-4o')
        .forecast as ForecastFigures;
      expect(new Decimal(model.p80.upper).gt(model.spent)).toBe(true);
      const amount = new Decimal(model.spent).plus(model.p80.upper).div(2).toDecimalPlaces(6).toFixed();
      const created = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'model', key: 'openai/gpt-4o' }, amount, thresholds: [100] });
      expect(created.status).toBe(201);
      const forecast = await owner.get(`/workspaces/${ws}/forecast?waitFor=${created.body.position}`);
      const outlook = forecast.body.budgets.find((b: { budgetId: string }) => b.budgetId === created.body.budget.id);
      expect(outlook).toMatchObject({ amount, spent: model.spent, insufficientHistory: false, crossing: { actual: null, upper80: expect.any(String) } });
      // Within this month, from today on.
      expect(outlook.crossing.upper80 >= day(0) && outlook.crossing.upper80.slice(0, 7) === day(0).slice(0, 7)).toBe(true);

      await evaluate();
      const overruns = (await alerts('&kind=forecast-overrun')).filter((a) => a.subject.key === created.body.budget.id);
      expect(overruns).toHaveLength(1);
      expect(overruns[0]).toMatchObject({
        status: 'open',
        // Critical when the median curve reaches the amount too, a warning when only the upper bound does.
        severity: outlook.crossing.median !== null ? 'critical' : 'warning',
        details: { projectedDate: outlook.crossing.median ?? outlook.crossing.upper80, earliestDate: outlook.crossing.upper80, medianDate: outlook.crossing.median, amount },
      });
      // The actual spend is below the amount: no threshold alert.
      expect((await alerts('&kind=budget-threshold')).filter((a) => a.subject.key === created.body.budget.id)).toEqual([]);

      // The budget removed, its alert resolves, saying why.
      const removed = await owner.delete(`/workspaces/${ws}/budgets/${created.body.budget.id}`);
      await owner.get(`/workspaces/${ws}/budgets?waitFor=${removed.body.position}`);
      expect((await evaluate()).resolved).toBeGreaterThanOrEqual(1);
      expect((await alerts('&kind=forecast-overrun')).find((a) => a.id === overruns[0].id)).toMatchObject({ status: 'resolved', resolution: 'budget-removed' });
    });

    it('surfaces the spike per account and per model, at the configured sensitivity, and raises anomaly alerts', async () => {
      const found = await owner.get(`/workspaces/${ws}/anomalies`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ through: day(-1), sensitivity: 'medium', threshold: 3.5 });
      const spikes = found.body.items.filter((a: { day: string }) => a.day === day(-1));
      expect(spikes.map((a: { scope: { kind: string; key: string } }) => `${a.scope.kind}:${a.scope.key}`).sort()).toEqual([`account:${appAccount}`, 'model:openai/gpt-4o']);
      expect(spikes[0]).toMatchObject({ kind: 'spike', severity: 'critical' });
      expect(Number(spikes[0].cost)).toBeGreaterThan(5 * Number(spikes[0].expected));
      expect(found.body.series.find((s: { scope: { key: string } }) => s.scope.key === sideAccount)).toMatchObject({ judged: 0, anomalies: 0 });

      const settings = await owner.call('PUT', `/workspaces/${ws}/alert-settings`, { anomalySensitivity: 'low' });
      expect(settings.body).toMatchObject({ anomalySensitivity: 'low' });
      expect((await owner.get(`/workspaces/${ws}/anomalies?waitFor=${settings.body.position}`)).body.threshold).toBe(5);
      expect((await owner.get(`/workspaces/${ws}/anomalies?sensitivity=2.5`)).body.threshold).toBe(2.5);
      expect((await owner.call('PUT', `/workspaces/${ws}/alert-settings`, { anomalySensitivity: 'extreme' })).status).toBe(400);

      const anomalies = await alerts('&kind=anomaly');
      expect(anomalies.map((a) => a.subject.key).sort()).toEqual([appAccount, 'openai/gpt-4o']);
      expect(anomalies.every((a) => a.status === 'open')).toBe(true);
    });

    it('raises an unpriced-usage alert when usage of a model without a price appears', async () => {
      const c = new ApiClient(() => t.base);
      c.accessToken = sideKey;
      const reply = await c.post('/ingest/usage', { records: [usageRecord('side-secret', 0, 'acme-private-model-7', 5000)] });
      await owner.get(`/workspaces/${ws}/alerts?waitFor=${reply.body.position}`);
      expect((await evaluate()).raised).toBe(1);
      const [unpriced] = await alerts('&kind=unpriced-usage');
      expect(unpriced).toMatchObject({ status: 'open', severity: 'info', subject: { key: 'openai/acme-private-model-7' } });
    });

    it('raises a sync-failing alert for an account whose latest sync failed, once, and posts it to Slack', async () => {
      const connected = await owner.post(`/workspaces/${ws}/accounts`, {
        provider: 'openai',
        displayName: 'OpenAI org',
        credentials: TEST_KEYS.openai.project,
        baseUrl: openai.baseUrl,
      });
      const accountId = connected.body.account.id as string;
      const run = (await owner.post(`/workspaces/${ws}/accounts/${accountId}/sync`)).body.runId as string;
      await until('the sync run to fail', async () => {
        const runs = (await owner.get(`/workspaces/${ws}/accounts/${accountId}/sync-runs?waitFor=${await head()}`)).body.items;
        return runs.find((r: { id: string; status: string }) => r.id === run && r.status === 'failed');
      });
      mails.length = 0;
      const result = await evaluate();
      expect(result.raised).toBe(1);
      const [failing] = await alerts('&kind=sync-failing');
      expect(failing).toMatchObject({ status: 'open', severity: 'warning', subject: { key: accountId }, details: { failedRuns: 1 } });
      expect((await evaluate()).raised).toBe(0);
      // A provider down for a day: 25 more failed hourly runs. Still the same streak, so still one alert.
      await db().query(
        `insert into sync_runs
         select (jsonb_populate_record(null::sync_runs, to_jsonb(r) || jsonb_build_object('run_id', gen_random_uuid()::text, 'started_at', r.started_at + g * interval '1 hour'))).*
           from sync_runs r, generate_series(1, 25) g where r.run_id = $1`,
        [run],
      );
      expect((await evaluate()).raised).toBe(0);
      expect((await alerts('&kind=sync-failing')).map((a) => a.id)).toEqual([failing.id]);
      // Slack listens to sync failures; the e-mail channel does not (its kinds are budget thresholds only).
      await until('the Slack message', async () => received.find((r) => r.path === '/slack' && r.body.includes('sync is failing')));
      expect(mails).toEqual([]);
    });

    it('raises a low-credit alert from the balance an OpenRouter sync read, once, through the channels; a failed read changes nothing; a top-up resolves it', async () => {
      // A workspace of its own: the OpenRouter usage the syncs record stays out of the other tests' figures.
      const member = new ApiClient(() => t.base);
      const credits = (await member.register('credits@budgets.test')).body.workspaces[0].id as string;
      const evaluateCredits = () => t.app.get(AlertEvaluator).evaluateWorkspace(credits);
      const creditAlerts = async () =>
        (await member.get(`/workspaces/${credits}/alerts?kind=low-credit&limit=200&waitFor=${await head()}`)).body.items as {
          id: string;
          status: string;
          severity: string;
          title: string;
          period: string;
          details: Record<string, unknown>;
          resolution: string | null;
          subject: { kind: string; key: string; label: string };
        }[];
      const setCredits = (totalCredits: string, totalUsage: string) => {
        openrouterOrg.usage = { ...openrouterOrg.usage, openrouterCredits: { totalCredits, totalUsage } } as TestOrganisation['usage'];
      };
      const sync = async (accountId: string) => {
        const runId = (await member.post(`/workspaces/${credits}/accounts/${accountId}/sync`)).body.runId as string;
        return until('the sync run to finish', async () => {
          const runs = (await member.get(`/workspaces/${credits}/accounts/${accountId}/sync-runs?waitFor=${await head()}`)).body.items;
          return runs.find((r: { id: string; status: string }) => r.id === runId && r.status !== 'running') as { status: string; balance: { status: string; remaining?: string } | null };
        }, 30_000);
      };

      // The threshold is a workspace setting like the anomaly sensitivity: the default, checked, changed in parts.
      expect((await member.get(`/workspaces/${credits}/alert-settings`)).body).toEqual({ anomalySensitivity: 'medium', lowCredit: { percent: 10, amount: '5' } });
      const refused = await member.call('PUT', `/workspaces/${credits}/alert-settings`, { lowCredit: { percent: 150, amount: '-1' } });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual(
        expect.arrayContaining([
          { path: 'lowCredit.percent', message: expect.stringContaining('whole percentage from 0 to 100') },
          { path: 'lowCredit.amount', message: expect.stringContaining('USD of 0 or more') },
        ]),
      );
      const floor = await member.call('PUT', `/workspaces/${credits}/alert-settings`, { lowCredit: { amount: '7.50' } });
      expect(floor.body).toMatchObject({ anomalySensitivity: 'medium', lowCredit: { percent: 10, amount: '7.5' } });
      const back = await member.call('PUT', `/workspaces/${credits}/alert-settings`, { lowCredit: { amount: '5' } });
      expect((await member.get(`/workspaces/${credits}/alert-settings?waitFor=${back.body.position}`)).body).toEqual({ anomalySensitivity: 'medium', lowCredit: { percent: 10, amount: '5' } });

      // Channels and members' preferences take the new kind; this webhook hears low-credit alerts only.
      const channel = await member.post(`/workspaces/${credits}/channels`, { kind: 'webhook', name: 'Credits', url: `${receiverBase}/credits`, alertKinds: ['low-credit'] });
      expect(channel.status).toBe(201);
      expect(channel.body.channel.alertKinds).toEqual(['low-credit']);
      expect((await member.post(`/workspaces/${credits}/channels`, { kind: 'webhook', name: 'x', url: `${receiverBase}/x`, alertKinds: ['low-balance'] })).status).toBe(400);
      const prefs = await member.call('PUT', `/workspaces/${credits}/notification-preferences`, { alertKinds: ['low-credit'] });
      expect(prefs.body).toMatchObject({ alertKinds: ['low-credit'] });
      await member.get(`/workspaces/${credits}/channels?waitFor=${prefs.body.position}`);

      // $250 purchased, $240.50 used: $9.50 left, below the default threshold (the larger of 10% of $250 and $5: $25).
      setCredits('250', '240.5');
      const connected = await member.post(`/workspaces/${credits}/accounts`, {
        provider: 'openrouter',
        displayName: 'OpenRouter team',
        credentials: TEST_KEYS.openrouter.management,
        baseUrl: openrouter.baseUrl,
      });
      expect(connected.status).toBe(201);
      const accountId = connected.body.account.id as string;
      expect(await sync(accountId)).toMatchObject({ status: 'succeeded', balance: { status: 'read', remaining: '9.5' } });

      expect((await evaluateCredits()).skipped).toBeNull();
      const [low, ...others] = await creditAlerts();
      expect(others).toEqual([]);
      expect(low).toMatchObject({
        status: 'open',
        severity: 'warning',
        title: 'Account OpenRouter team: credit balance low',
        period: 'credits:250',
        subject: { kind: 'account', key: accountId, label: 'OpenRouter team' },
        details: { remaining: '9.5', totalCredits: '250', totalUsage: '240.5', threshold: '25', thresholdPercent: 10, thresholdAmount: '5', level: 'low', provider: 'openrouter' },
      });
      // Once: evaluating again raises nothing, the alert's stream holds one AlertRaised.
      expect((await evaluateCredits()).raised).toBe(0);
      expect(await raisedEvents(low.id)).toBe(1);
      // Through the outbox: the webhook gets it once, with the remaining amount.
      const delivered = await until('the low-credit webhook', async () =>
        (await member.get(`/workspaces/${credits}/deliveries?channelId=${channel.body.channel.id}&status=delivered`)).body.items.find((d: { alertId: string | null }) => d.alertId === low.id),
      );
      expect(delivered).toMatchObject({ attempts: 1 });
      const posts = received.filter((r) => r.path === '/credits');
      expect(posts).toHaveLength(1);
      expect(JSON.parse(posts[0].body)).toMatchObject({ type: 'alert.raised', workspaceId: credits, alert: { id: low.id, kind: 'low-credit', severity: 'warning', details: { remaining: '9.5' } } });

      // The balance read fails (a changed /credits answer) after a top-up: the stale balance stays the one judged,
      // so the alert neither resolves nor is raised again.
      setCredits('300', '240.5');
      openrouter.setFault({ kind: 'wrong_type', field: 'total_credits' }, { path: '/api/v1/credits' });
      expect(await sync(accountId)).toMatchObject({ status: 'succeeded', balance: { status: 'unavailable' } });
      expect(await evaluateCredits()).toMatchObject({ skipped: null, raised: 0, resolved: 0 });
      expect((await creditAlerts()).map((a) => [a.id, a.status])).toEqual([[low.id, 'open']]);

      // The next read sees the top-up: $59.50 left of $300, above $30. The alert resolves by itself, saying why.
      expect(await sync(accountId)).toMatchObject({ status: 'succeeded', balance: { status: 'read', remaining: '59.5' } });
      expect(await evaluateCredits()).toMatchObject({ skipped: null, raised: 0, resolved: 1 });
      expect((await creditAlerts()).map((a) => [a.id, a.status, a.resolution])).toEqual([[low.id, 'resolved', 'topped-up']]);
      expect(await evaluateCredits()).toMatchObject({ raised: 0, resolved: 0 });

      // Overdrawn: $0.25 over the $300 purchased. A new period (credits:300): the warning and a critical alert.
      setCredits('300', '300.25');
      expect(await sync(accountId)).toMatchObject({ status: 'succeeded', balance: { status: 'read', remaining: '-0.25' } });
      expect((await evaluateCredits()).raised).toBe(2);
      const open = (await creditAlerts()).filter((a) => a.status === 'open');
      expect(open.map((a) => [a.severity, a.period, a.details['level'], a.details['remaining']]).sort()).toEqual([
        ['critical', 'credits:300', 'overdrawn', '-0.25'],
        ['warning', 'credits:300', 'low', '-0.25'],
      ]);
      await until('both new alerts at the webhook', async () => received.filter((r) => r.path === '/credits').length >= 3);
      expect(received.filter((r) => r.path === '/credits')).toHaveLength(3);
    });

    it('raises nothing while a projection is being rebuilt, and catches up after the switch', async () => {
      const tight = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'provider', key: 'openai' }, amount: '1', thresholds: [100] });
      await owner.get(`/workspaces/${ws}/budgets?waitFor=${tight.body.position}`);
      const runner = t.app.get<ProjectionRunner>(PROJECTION_RUNNER);
      await runner.stop();
      try {
        const started = await owner.post('/admin/projections/usage_ledger/rebuild');
        expect(started.status).toBe(202);
        expect(started.body.rebuild).not.toBeNull();
        const during = await evaluate();
        expect(during).toMatchObject({ skipped: 'rebuild', raised: 0, resolved: 0 });
        const events = await db().query<{ n: string }>(`select count(*)::text as n from es_events where type = 'AlertRaised' and data->'subject'->>'key' = $1`, [tight.body.budget.id]);
        expect(events[0].n).toBe('0');
      } finally {
        runner.start();
      }
      await until('the rebuild to switch', async () => (await owner.get('/admin/projections')).body.items.every((p: { rebuild: unknown }) => p.rebuild === null), 30_000);
      const after = await evaluate();
      expect(after.skipped).toBeNull();
      expect(after.raised).toBe(1);
      expect((await alerts('&kind=budget-threshold&status=open')).map((a) => a.subject.key)).toEqual([tight.body.budget.id]);
    });

    it('raises nothing for a workspace while its recompute runs, and catches up once the new cost version is active', async () => {
      const tight = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'account', key: sideAccount }, amount: '0.01', thresholds: [50] });
      expect(tight.status).toBe(201);
      await owner.get(`/workspaces/${ws}/budgets?waitFor=${tight.body.position}`);
      const budgetAlerts = async () => (await alerts('&kind=budget-threshold')).filter((a) => a.subject.key === tight.body.budget.id);
      // Held still, so the recompute stays running while the evaluator looks.
      const recomputes = t.app.get(LedgerLifecycle);
      await recomputes.stop();
      let recomputeId: string;
      try {
        const change = { provider: 'openai', model: 'gpt-4o-mini', prices: { input: '0.000001', output: '0.000002' }, effectiveFrom: day(-60) };
        const started = await owner.call('POST', `/workspaces/${ws}/recomputes?dryRun=false`, change);
        expect(started.status).toBe(202);
        expect(started.body.rowsChanged).toBeGreaterThan(0);
        recomputeId = started.body.recomputeId as string;
        const progress = (await owner.get(`/workspaces/${ws}/recomputes/${recomputeId}?waitFor=${started.body.position}`)).body;
        expect(progress.finishedAt).toBeNull();
        expect(await evaluate()).toMatchObject({ skipped: 'recompute', raised: 0, resolved: 0 });
        expect(await budgetAlerts()).toEqual([]);
      } finally {
        recomputes.start();
      }
      await until('the recompute to finish', async () => (await owner.get(`/workspaces/${ws}/recomputes/${recomputeId}`)).body.finishedAt, 30_000);
      const after = await evaluate();
      expect(after.skipped).toBeNull();
      expect(after.raised).toBeGreaterThanOrEqual(1);
      expect((await budgetAlerts()).map((a) => a.status)).toEqual(['open']);
    });

    let discordChannel: string;

    it('sends a Discord test message and alerts in Discord\'s format, mentions disabled and unsigned', async () => {
      const created = await owner.post(`/workspaces/${ws}/channels`, { kind: 'discord', name: 'Discord', url: `${receiverBase}/discord`, alertKinds: ['budget-threshold'] });
      expect(created.status).toBe(201);
      expect(created.body.channel).toMatchObject({ kind: 'discord', signed: false, targetHint: `${receiverBase}/…cord` });
      expect(created.body.signingSecret).toBeNull();
      discordChannel = created.body.channel.id;

      const tested = await owner.post(`/workspaces/${ws}/channels/${discordChannel}/test`);
      expect(tested.body).toMatchObject({ delivered: true, deliveries: [{ purpose: 'test', status: 'delivered', attempts: 1, attemptLog: [{ outcome: 'delivered', httpStatus: 204 }] }] });
      const hit = received.find((r) => r.path === '/discord');
      expect(hit?.headers['content-type']).toBe('application/json');
      expect(hit?.headers['x-act-delivery']).toBe(tested.body.deliveries[0].id);
      expect(hit?.headers['x-act-signature']).toBeUndefined();
      // Discord's execute-webhook body: `content` (at most 2000 characters) and no pings from the text.
      const body = JSON.parse(hit?.body ?? '{}');
      expect(Object.keys(body).sort()).toEqual(['allowed_mentions', 'content']);
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.content).toMatch(/^ℹ️ \*\*Test notification from AI Cost Tracker\*\*\nThis is a test of the notification channel "Discord"/);
      expect(body.content).toContain('https://costs.example.test');
      expect(body.content.length).toBeLessThanOrEqual(2000);
    });

    let alphaBudget: string;
    let batchKey: string;

    it('counts only its project\'s usage in a project budget, raises its threshold alert from that alone, and posts it to Discord', async () => {
      batchKey = await keyFor(await connect('Batch jobs'));
      // Today: project alpha ~$1.60 of gpt-4.1-mini, project beta three times as much.
      const ingested = await ingest(batchKey, [usageRecord('alpha-1', 0, 'gpt-4.1-mini', 1_000_000, 'alpha'), usageRecord('beta-1', 0, 'gpt-4.1-mini', 3_000_000, 'beta')]);
      await owner.get(`/workspaces/${ws}/budgets?waitFor=${ingested}`);
      // $2: alpha alone is past 50% and below 100%; alpha and beta together would be past 100%.
      const created = await owner.post(`/workspaces/${ws}/budgets`, { scope: { kind: 'project', key: 'alpha' }, amount: '2', thresholds: [50, 100] });
      expect(created.status).toBe(201);
      expect(created.body.budget).toMatchObject({ name: 'Project alpha', scope: { kind: 'project', key: 'alpha' } });
      alphaBudget = created.body.budget.id;
      const alphaSpent = created.body.budget.spent as string;
      expect(Number(alphaSpent)).toBeGreaterThanOrEqual(1);
      expect(Number(alphaSpent)).toBeLessThan(2);
      const listed = (await owner.get(`/workspaces/${ws}/budgets?waitFor=${created.body.position}`)).body.items.find((b: { id: string }) => b.id === alphaBudget);
      expect(listed).toMatchObject({ spent: alphaSpent, percentUsed: Number(new Decimal(alphaSpent).div(2).times(100).toDecimalPlaces(1)) });

      await evaluate();
      const raised = (await alerts('&kind=budget-threshold')).filter((a) => a.subject.key === alphaBudget);
      expect(raised.map((a) => [a.status, a.severity, a.details['threshold'], a.details['spent']])).toEqual([['open', 'info', 50, alphaSpent]]);
      // Short history: no forecast overrun is judged for it.
      expect((await alerts('&kind=forecast-overrun')).filter((a) => a.subject.key === alphaBudget)).toEqual([]);

      // Discord listens to threshold alerts: the alert arrives in its format, once.
      const delivered = await until('the Discord alert', async () => (await deliveries(`&channelId=${discordChannel}&alertId=${raised[0].id}&status=delivered`))[0]);
      expect(delivered).toMatchObject({ attempts: 1, attemptLog: [{ outcome: 'delivered', httpStatus: 204 }] });
      const posts = received.filter((r) => r.path === '/discord' && r.headers['x-act-delivery'] === delivered.id);
      expect(posts).toHaveLength(1);
      const body = JSON.parse(posts[0].body);
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.content).toMatch(/^ℹ️ \*\*Project alpha: 50% of the monthly budget reached\*\*\nSpending in \d{4}-\d{2} is \$\d+\.\d{2}, [\d.]+% of the \$2\.00 budget/);
    });

    it('writes nothing when a recompute started and finished while the figures were read (a newer cost version)', async () => {
      // More of alpha today: past 100% of its budget, an alert to raise at the next evaluation.
      const ingested = await ingest(batchKey, [usageRecord('alpha-2', 0, 'gpt-4.1-mini', 1_000_000, 'alpha')]);
      await owner.get(`/workspaces/${ws}/budgets?waitFor=${ingested}`);
      const raisedAt100 = async () =>
        (await db().query<{ n: string }>(`select count(*)::text as n from es_events where type = 'AlertRaised' and data->'subject'->>'key' = $1 and data->'details'->>'threshold' = '100'`, [alphaBudget]))[0].n;
      // A small price change of a model alpha does not use: a whole recompute (a new cost version)
      // that runs from start to activation inside the evaluation, after its figures were read.
      const database = db();
      const query = database.query;
      let recomputeId: string | null = null;
      database.query = (async (sql: string, params?: readonly unknown[]) => {
        if (recomputeId === null && sql.includes(`from alerts where workspace_id = $1 and status <> 'resolved'`) && params?.[0] === ws) {
          recomputeId = '';
          const change = { provider: 'openai', model: 'gpt-4o-mini', prices: { input: '0.000001', output: '0.0000021' }, effectiveFrom: day(-60) };
          const started = await owner.call('POST', `/workspaces/${ws}/recomputes?dryRun=false`, change);
          expect(started.status).toBe(202);
          recomputeId = started.body.recomputeId as string;
          await until('the recompute to finish', async () => (await owner.get(`/workspaces/${ws}/recomputes/${recomputeId}`)).body.finishedAt, 30_000);
        }
        return query.call(database, sql, params);
      }) as typeof database.query;
      try {
        const during = await evaluate();
        expect(recomputeId).toBeTruthy();
        expect(during).toMatchObject({ skipped: 'recompute', raised: 0, resolved: 0 });
        expect(await raisedAt100()).toBe('0');
      } finally {
        database.query = query;
      }
    });

    it('writes nothing when a recompute starts between reading the figures and writing, and resolves on the new figures (usage fell)', async () => {
      // More of alpha today: past 100% of its budget, an alert to raise at the next evaluation.
      const ingested = await ingest(batchKey, [usageRecord('alpha-2', 0, 'gpt-4.1-mini', 1_000_000, 'alpha')]);
      const before = (await owner.get(`/workspaces/${ws}/budgets?waitFor=${ingested}`)).body.items.find((b: { id: string }) => b.id === alphaBudget);
      expect(Number(before.spent)).toBeGreaterThanOrEqual(2);
      const alphaAlerts = async () => (await alerts('&kind=budget-threshold')).filter((a) => a.subject.key === alphaBudget);
      const raisedAt100 = async () =>
        (await db().query<{ n: string }>(`select count(*)::text as n from es_events where type = 'AlertRaised' and data->'subject'->>'key' = $1 and data->'details'->>'threshold' = '100'`, [alphaBudget]))[0].n;

      // The recompute (gpt-4.1-mini repriced much lower) is started by the evaluation itself, when it asks for the
      // workspace's open alerts: after every figure was read, before anything is written. The recompute worker is held
      // still, so the recompute is still running when the evaluator looks again.
      const recomputes = t.app.get(LedgerLifecycle);
      await recomputes.stop();
      const database = db();
      const query = database.query;
      let recomputeId: string | null = null;
      let startChecks = 0;
      database.query = (async (sql: string, params?: readonly unknown[]) => {
        if (recomputeId === null && sql.includes(`from alerts where workspace_id = $1 and status <> 'resolved'`) && params?.[0] === ws) {
          recomputeId = '';
          const change = { provider: 'openai', model: 'gpt-4.1-mini', prices: { input: '0.0000001', output: '0.0000001' }, effectiveFrom: day(-60) };
          const started = await owner.call('POST', `/workspaces/${ws}/recomputes?dryRun=false`, change);
          expect(started.status).toBe(202);
          recomputeId = started.body.recomputeId as string;
          const progress = (await owner.get(`/workspaces/${ws}/recomputes/${recomputeId}?waitFor=${started.body.position}`)).body;
          expect(progress.finishedAt).toBeNull();
        }
        if (recomputeId === null && sql.includes('from cost_versions where workspace_id')) startChecks++;
        return query.call(database, sql, params);
      }) as typeof database.query;
      try {
        const during = await evaluate();
        expect(recomputeId).toBeTruthy();
        // The evaluation had begun with no recompute running: it was caught just before writing.
        expect(startChecks).toBe(1);
        expect(during).toMatchObject({ skipped: 'recompute', raised: 0, resolved: 0 });
        expect(await raisedAt100()).toBe('0');
        expect((await alphaAlerts()).map((a) => [a.status, a.details['threshold']])).toEqual([['open', 50]]);
      } finally {
        database.query = query;
        recomputes.start();
      }
      await until('the recompute to finish', async () => (await owner.get(`/workspaces/${ws}/recomputes/${recomputeId}`)).body.finishedAt, 30_000);

      // On the new figures alpha is far below 50%: the 100% alert is never raised, the 50% one resolves.
      const after = (await owner.get(`/workspaces/${ws}/budgets?waitFor=${await head()}`)).body.items.find((b: { id: string }) => b.id === alphaBudget);
      expect(Number(after.spent)).toBeLessThan(1);
      const evaluated = await evaluate();
      expect(evaluated.skipped).toBeNull();
      expect(evaluated.resolved).toBeGreaterThanOrEqual(1);
      expect(await raisedAt100()).toBe('0');
      expect((await alphaAlerts()).map((a) => [a.status, a.resolution, a.details['threshold']])).toEqual([['resolved', 'condition-cleared', 50]]);
      expect((await owner.delete(`/workspaces/${ws}/budgets/${alphaBudget}`)).status).toBe(200);
    });

    it('never shows a webhook URL or signing secret in a response, an event or a read model', async () => {
      const events = (await db().query<{ dump: string }>(`select string_agg(type || data::text || metadata::text, '\n') as dump from es_events`))[0].dump;
      const tables = ['budgets', 'alerts', 'notification_channels', 'notification_preferences', 'notification_deliveries', 'notification_attempts'];
      let rows = '';
      for (const table of tables) rows += (await db().query<{ dump: string | null }>(`select string_agg(t::text, '\n') as dump from "${table}" t`))[0].dump ?? '';
      const answers = (await owner.get(`/workspaces/${ws}/deliveries?limit=200`)).text + (await owner.get(`/workspaces/${ws}/channels`)).text;
      for (const [where, text] of Object.entries({ events, rows, answers })) {
        expect(`${where}: ${text.includes(signingSecret)}`).toBe(`${where}: false`);
        expect(`${where}: ${text.includes('token=abcdef')}`).toBe(`${where}: false`);
      }
    });
  });
}
