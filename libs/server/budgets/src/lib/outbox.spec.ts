import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { alertEventId, alertId, alertStreamId, notificationsStreamId, type AlertCondition } from '@act/domain/budgets';
import { describeOnEachEngine, resetDatabase } from '@act/server/database/testing';
import { PostgresEventStore } from '@act/server/event-store';
import { DisabledMailer } from '@act/server/identity';
import { ProjectionRunner } from '@act/server/projections';
import { CredentialVault, Keyring } from '@act/server/secrets';
import { budgetsProjection } from './budgets.projection';
import { NotificationOutbox } from './outbox';
import { migrateOutbox } from './outbox-schema';
import { NotificationSender } from './senders';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const ws = 'ws-outbox';

/**
 * The outbox's crash safety on real databases: routing replays without duplicates, and an attempt
 * cut short by a crash is on record as interrupted and retried by the next process.
 */
describeOnEachEngine('notification outbox', (database) => {
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let vault: CredentialVault;
  let server: Server;
  let base: string;
  /** What the receiver does with a request: answer now, or hold it (a process that dies mid-send). */
  let behaviour: 'answer' | 'hang' = 'answer';
  const hits: { delivery: string; body: string }[] = [];
  const held: ServerResponse[] = [];
  const db = () => database().db;
  const outboxes: NotificationOutbox[] = [];

  const outbox = (options: Partial<ConstructorParameters<typeof NotificationOutbox>[4]> = {}) => {
    const created = new NotificationOutbox(db(), store, vault, new NotificationSender(new DisabledMailer(), { allowPrivate: true }, 2000), {
      maxAttempts: 3,
      retryBaseMs: 10,
      retryMaxMs: 100,
      timeoutMs: 2000,
      ratePerMinute: 100,
      pollMs: 20,
      logger: quiet,
      ...options,
    });
    outboxes.push(created);
    return created;
  };
  const drain = async () => {
    while (await runner.runOnce());
  };

  async function addChannel(url: string): Promise<string> {
    const channelId = randomUUID();
    const sealed = await vault.store(channelId, JSON.stringify({ url, secret: 'whsec_x' }));
    await store.appendToStream(notificationsStreamId(ws), [
      {
        id: randomUUID(),
        type: 'ChannelAdded',
        data: { workspaceId: ws, channelId, kind: 'webhook', name: 'hook', enabled: true, alertKinds: ['budget-threshold'], minSeverity: 'info', recipients: [], toMembers: false, credentialId: sealed.credentialId, targetHint: 'x' },
        metadata: { at: new Date().toISOString() },
      },
    ]);
    return channelId;
  }

  async function raise(period: string): Promise<string> {
    const id = alertId({ workspaceId: ws, kind: 'budget-threshold', subject: 'b1', period, threshold: '80%@100' });
    const condition: AlertCondition = {
      alertId: id,
      workspaceId: ws,
      kind: 'budget-threshold',
      severity: 'warning',
      subject: { kind: 'budget', key: 'b1', label: 'Team' },
      period,
      title: 'Team: 80% of the monthly budget reached',
      message: '…',
      details: {},
    };
    await store.appendToStream(alertStreamId(id), [{ id: alertEventId(id, 'AlertRaised'), type: 'AlertRaised', data: condition, metadata: { at: new Date().toISOString() } }]);
    return id;
  }

  const deliveries = () => db().query<{ delivery_id: string; status: string; attempts: number }>('select delivery_id::text, status, attempts from notification_deliveries order by created_at');
  const attempts = (id: string) => db().query<{ attempt: number; outcome: string }>('select attempt, outcome from notification_attempts where delivery_id = $1 order by attempt', [id]);

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let body = '';
      request.on('data', (c: Buffer) => (body += c.toString('utf8')));
      request.on('end', () => {
        hits.push({ delivery: String(request.headers['x-act-delivery']), body });
        if (behaviour === 'hang') held.push(response);
        else response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    held.forEach((r) => r.destroy());
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(async () => {
    await resetDatabase(db());
    store = new PostgresEventStore(db(), { pollIntervalMs: 20 });
    await store.migrate();
    runner = new ProjectionRunner(db(), store, [budgetsProjection], { logger: quiet });
    await runner.initialize();
    vault = new CredentialVault(db(), Keyring.parse(`k1:${randomBytes(32).toString('base64')}`));
    await vault.migrate();
    await migrateOutbox(db());
    hits.length = 0;
    behaviour = 'answer';
  });

  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
  });

  it('routes only what the budgets projection has applied, once, even when the batch is replayed', async () => {
    await addChannel(`${base}/hook`);
    await raise('2026-03');
    const first = outbox();
    // The projection has not applied the channel yet: nothing is routed, nothing is lost.
    expect(await first.route()).toBe(0);
    await drain();
    expect(await first.route()).toBe(1);
    expect(await first.route()).toBe(0);
    // A crash that lost the checkpoint (or a second process with an old one) replays the batch: same ids, nothing new.
    await db().query('update notification_router set position = 0');
    expect(await outbox().route()).toBe(0);
    expect(await deliveries()).toHaveLength(1);
    expect(await first.dispatch()).toBe(1);
    expect(await deliveries()).toMatchObject([{ status: 'delivered', attempts: 1 }]);
    expect(hits).toHaveLength(1);
  });

  it('records an attempt cut short by a crash as interrupted, and the next process retries it', async () => {
    await addChannel(`${base}/hook`);
    await raise('2026-04');
    await drain();
    const crashed = outbox({ timeoutMs: 60_000 });
    await crashed.route();
    behaviour = 'hang';
    // The send starts and never finishes: the process "dies" here.
    const abandoned = crashed.dispatch();
    const [delivery] = await waitFor(async () => (hits.length > 0 ? deliveries() : null));
    expect(delivery).toMatchObject({ status: 'sending', attempts: 1 });
    expect(await attempts(delivery.delivery_id)).toEqual([{ attempt: 1, outcome: 'in-flight' }]);

    // Long after, its lease has run out; a restarted process takes over.
    await db().query(`update notification_deliveries set lease_until = now() - interval '1 second'`);
    behaviour = 'answer';
    const restarted = outbox();
    await restarted.dispatch();
    // The interrupted attempt got a retry time; the dispatcher takes it when due.
    await waitFor(async () => (await deliveries())[0].status === 'delivered' || (await restarted.dispatch(), false));
    expect(await deliveries()).toMatchObject([{ status: 'delivered', attempts: 2 }]);
    expect(await attempts(delivery.delivery_id)).toEqual([
      { attempt: 1, outcome: 'interrupted' },
      { attempt: 2, outcome: 'delivered' },
    ]);
    // The receiver saw the message twice, with one delivery id to drop the copy by.
    expect(hits.map((h) => h.delivery)).toEqual([delivery.delivery_id, delivery.delivery_id]);
    // Should the dead attempt ever end after all, its late outcome changes nothing.
    held.splice(0).forEach((r) => r.destroy());
    await abandoned;
    expect(await deliveries()).toMatchObject([{ status: 'delivered', attempts: 2 }]);
    expect((await attempts(delivery.delivery_id)).map((a) => a.outcome)).toEqual(['interrupted', 'delivered']);
  });

  it('retries with backoff and gives up after the last attempt, visibly', async () => {
    await addChannel('http://127.0.0.1:1/closed');
    await raise('2026-05');
    await drain();
    const o = outbox();
    await o.route();
    await waitFor(async () => (await deliveries())[0].status === 'failed' || (await o.dispatch(), false));
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3 });
    expect((await attempts(delivery.delivery_id)).map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed']);
  });

  it('keeps a channel to its rate per minute', async () => {
    await addChannel(`${base}/hook`);
    for (const month of ['2026-06', '2026-07', '2026-08']) await raise(month);
    await drain();
    const o = outbox({ ratePerMinute: 2 });
    expect(await o.route()).toBe(3);
    expect(await o.dispatch()).toBe(2);
    const waiting = await db().query<{ status: string; late: boolean }>(`select status, next_attempt_at > now() + interval '30 seconds' as late from notification_deliveries where status = 'pending'`);
    expect(waiting).toEqual([{ status: 'pending', late: true }]);
  });

  it('three processes routing and dispatching at once create and send each delivery exactly once (claims, no lease)', async () => {
    await addChannel(`${base}/hook`);
    await addChannel(`${base}/hook-2`);
    const months = ['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06'];
    for (const month of months) await raise(month);
    await drain();
    const processes = [outbox({ lease: false }), outbox({ lease: false }), outbox({ lease: false })];
    // Routing races on one checkpoint row: the batch is routed by one of them.
    const routed = await Promise.all(processes.map((o) => o.route()));
    expect(routed.reduce((a, b) => a + b, 0)).toBe(12);
    expect(await deliveries()).toHaveLength(12);
    // Dispatching races on the claims (`for update skip locked`): small batches so all three get work.
    for (let round = 0; round < 20 && (await deliveries()).some((d) => d.status !== 'delivered'); round++) {
      await Promise.all(processes.map((o) => o.dispatch(undefined, 2)));
    }
    const all = await deliveries();
    expect(all.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    expect(hits).toHaveLength(12);
    expect(new Set(hits.map((h) => h.delivery)).size).toBe(12);
  });

  it('with the lease, only one of several started processes runs the loop, and another takes over when it stops', async () => {
    await addChannel(`${base}/hook`);
    const lease = { ttlMs: 400, renewEveryMs: 50 };
    const processes = [outbox({ lease: { ...lease, holder: 'p1' } }), outbox({ lease: { ...lease, holder: 'p2' } }), outbox({ lease: { ...lease, holder: 'p3' } })];
    processes.forEach((o) => o.start());
    const leader = await waitFor(async () => processes.find((o) => o.leading) ?? null);
    expect(processes.filter((o) => o.leading)).toEqual([leader]);
    await raise('2024-01');
    await drain();
    await waitFor(async () => (await deliveries()).some((d) => d.status === 'delivered'));

    // The leader stops (a restart): one of the others routes and sends what comes next.
    await leader.stop();
    outboxes.splice(outboxes.indexOf(leader), 1);
    await raise('2024-02');
    await drain();
    await waitFor(async () => (await deliveries()).length === 2 && (await deliveries()).every((d) => d.status === 'delivered'));
    expect(processes.filter((o) => o.leading)).toHaveLength(1);
    expect(await deliveries()).toMatchObject([{ attempts: 1 }, { attempts: 1 }]);
    expect(hits).toHaveLength(2);
  });
});

async function waitFor<T>(probe: () => Promise<T | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
