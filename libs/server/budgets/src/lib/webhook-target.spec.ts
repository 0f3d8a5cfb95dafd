import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainRuleViolation } from '@act/domain/event-sourcing';
import { DisabledMailer } from '@act/server/identity';
import { NotificationSender, renderBody, signWebhook, type NotificationPayload } from './senders';
import { checkWebhookUrl, guardedLookup, isPrivateAddress, urlHint } from './webhook-target';

const strict = { allowPrivate: false };
const open = { allowPrivate: true };

describe('webhook targets (SSRF)', () => {
  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['0.0.0.0', true],
    ['::1', true],
    ['fe80::1', true],
    ['fd00::1', true],
    ['::ffff:10.0.0.1', true],
    ['::ffff:127.0.0.1', true],
    // The same addresses as the URL parser writes them ([::ffff:127.0.0.1] becomes [::ffff:7f00:1]).
    ['::ffff:7f00:1', true],
    ['::ffff:a9fe:a9fe', true],
    ['::ffff:a00:1', true],
    ['0:0:0:0:0:ffff:7f00:1', true],
    ['::ffff:0:7f00:1', true],
    ['::7f00:1', true],
    ['::127.0.0.1', true],
    ['fe80::1%eth0', true],
    ['::ffff:808:808', false],
    ['::ffff:0:808:808', false],
    ['8.8.8.8', false],
    ['151.101.1.69', false],
    ['2606:4700:4700::1111', false],
    ['::ffff:8.8.8.8', false],
  ])('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  it('accepts public http(s) URLs and refuses other schemes, credentials and private hosts', () => {
    expect(checkWebhookUrl('https://hooks.slack.com/services/T0/B0/XYZ#frag', strict).toString()).toBe('https://hooks.slack.com/services/T0/B0/XYZ');
    const refuse = (url: string, policy = strict) => {
      try {
        checkWebhookUrl(url, policy);
      } catch (error) {
        expect(error).toBeInstanceOf(DomainRuleViolation);
        return (error as Error).message;
      }
      throw new Error(`${url} was accepted`);
    };
    expect(refuse('ftp://example.com/x')).toMatch(/http or https/);
    expect(refuse('file:///etc/passwd')).toMatch(/http or https/);
    expect(refuse('https://user:pw@example.com/')).toMatch(/user name or password/);
    expect(refuse('http://127.0.0.1:8080/hook')).toMatch(/private or loopback/);
    expect(refuse('http://localhost/hook')).toMatch(/private or loopback/);
    expect(refuse('http://[::1]/hook')).toMatch(/private or loopback/);
    expect(refuse('http://169.254.169.254/latest/meta-data')).toMatch(/private or loopback/);
    // IPv4-mapped IPv6 literals, which the URL parser rewrites to hex groups.
    expect(refuse('http://[::ffff:127.0.0.1]:8080/hook')).toMatch(/private or loopback/);
    expect(refuse('http://[::ffff:a9fe:a9fe]/latest/meta-data')).toMatch(/private or loopback/);
    expect(refuse('nonsense')).toMatch(/not a URL/);
    // Allowed by configuration (tests, an intranet receiver).
    expect(checkWebhookUrl('http://127.0.0.1:8080/hook', open).host).toBe('127.0.0.1:8080');
    expect(refuse('https://user:pw@127.0.0.1/', open)).toMatch(/user name or password/);
  });

  it('refuses, at connection time, a name that resolves to a private address', async () => {
    const lookup = guardedLookup(strict);
    const error = await new Promise<Error | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(error?.message).toMatch(/localhost resolves to .*private or loopback/);
    const allowed = await new Promise<string>((resolve, reject) => guardedLookup(open)('localhost', {}, (e, address) => (e ? reject(e) : resolve(String(address)))));
    expect(isPrivateAddress(allowed)).toBe(true);
  });

  it('hints at a URL without revealing it', () => {
    expect(urlHint(new URL('https://hooks.slack.com/services/T000/B000/abcdEFGH'))).toBe('https://hooks.slack.com/…EFGH');
    expect(urlHint(new URL('https://example.com:8443/hook?token=s3cr3t'))).toBe('https://example.com:8443/…cr3t');
  });
});

describe('notification sender', () => {
  let server: Server;
  let base: string;
  const seen: { headers: Record<string, unknown>; body: string }[] = [];
  const payload: NotificationPayload = { id: 'd-1', type: 'test', createdAt: '2026-03-10T12:00:00.000Z', workspaceId: 'ws-1', alert: null, text: 'hello' };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (c: Buffer) => (body += c.toString('utf8')));
      request.on('end', () => {
        seen.push({ headers: request.headers, body });
        const status = request.url === '/gone' ? 410 : request.url === '/busy' ? 429 : 200;
        response.writeHead(status).end(status === 200 ? 'ok' : 'nope');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('signs generic webhooks with HMAC-SHA256 over timestamp.body', async () => {
    const sender = new NotificationSender(new DisabledMailer(), open, 2000);
    const outcome = await sender.send({ kind: 'webhook', name: 'x', url: `${base}/hook`, secret: 'whsec_test' }, payload, null);
    expect(outcome).toEqual({ delivered: true, permanent: false, httpStatus: 200, error: null });
    const [hit] = seen.splice(0);
    const timestamp = String(hit.headers['x-act-timestamp']);
    expect(hit.headers['x-act-signature']).toBe(`v1=${createHmac('sha256', 'whsec_test').update(`${timestamp}.${hit.body}`).digest('hex')}`);
    expect(hit.headers['x-act-signature']).toBe(signWebhook('whsec_test', timestamp, hit.body));
    expect(hit.headers['x-act-delivery']).toBe('d-1');
    expect(JSON.parse(hit.body)).toEqual(payload);
  });

  it('refuses private targets unless allowed, without retrying', async () => {
    const sender = new NotificationSender(new DisabledMailer(), strict, 2000);
    const literal = await sender.send({ kind: 'slack', name: 'x', url: `${base}/hook`, secret: null }, payload, null);
    expect(literal).toMatchObject({ delivered: false, permanent: true, error: expect.stringMatching(/private or loopback/) });
    const named = await sender.send({ kind: 'slack', name: 'x', url: base.replace('127.0.0.1', 'localhost') + '/hook', secret: null }, payload, null);
    expect(named).toMatchObject({ delivered: false, permanent: true, error: expect.stringMatching(/private or loopback/) });
    // The receiver listens on 127.0.0.1, which [::ffff:127.0.0.1] reaches on a dual-stack host.
    const mapped = await sender.send({ kind: 'slack', name: 'x', url: base.replace('127.0.0.1', '[::ffff:127.0.0.1]') + '/hook', secret: null }, payload, null);
    expect(mapped).toMatchObject({ delivered: false, permanent: true, error: expect.stringMatching(/private or loopback/) });
    expect(seen).toHaveLength(0);
  });

  it('tells retryable answers from permanent ones, and e-mail without SMTP is permanent', async () => {
    const sender = new NotificationSender(new DisabledMailer(), open, 2000);
    expect(await sender.send({ kind: 'discord', name: 'x', url: `${base}/gone`, secret: null }, payload, null)).toMatchObject({ delivered: false, permanent: true, httpStatus: 410 });
    expect(await sender.send({ kind: 'discord', name: 'x', url: `${base}/busy`, secret: null }, payload, null)).toMatchObject({ delivered: false, permanent: false, httpStatus: 429 });
    expect(await sender.send({ kind: 'webhook', name: 'x', url: 'http://127.0.0.1:1/closed', secret: 's' }, payload, null)).toMatchObject({ delivered: false, permanent: false, httpStatus: null });
    expect(await sender.send({ kind: 'email', name: 'x', url: null, secret: null }, payload, 'a@example.test')).toMatchObject({ delivered: false, permanent: true, error: expect.stringMatching(/SMTP_URL/) });
    seen.splice(0);
  });

  it('renders Slack, Discord and Teams messages in their formats', () => {
    const alertPayload: NotificationPayload = {
      ...payload,
      type: 'alert.raised',
      alert: {
        id: 'a-1',
        kind: 'budget-threshold',
        severity: 'critical',
        title: 'Team: 100% of the monthly budget reached',
        message: 'Spending <b>@everyone</b> is $120.',
        subject: { kind: 'budget', key: 'b1', label: 'Team' },
        period: '2026-03',
        details: {},
        raisedAt: '2026-03-10T12:00:00.000Z',
      },
      url: 'https://costs.example.test',
    };
    expect(JSON.parse(renderBody('slack', alertPayload)).text).toBe('🚨 *Team: 100% of the monthly budget reached*\nSpending &lt;b&gt;@everyone&lt;/b&gt; is $120.\nhttps://costs.example.test');
    expect(JSON.parse(renderBody('discord', alertPayload))).toMatchObject({ allowed_mentions: { parse: [] }, content: expect.stringContaining('**Team: 100%') });
    const teams = JSON.parse(renderBody('teams', alertPayload));
    expect(teams.attachments[0].content).toMatchObject({ type: 'AdaptiveCard', body: [{ text: 'Team: 100% of the monthly budget reached', color: 'Attention' }, { text: 'Spending <b>@everyone</b> is $120.' }] });
  });
});
