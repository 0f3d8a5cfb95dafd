import { randomBytes } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { can, PERMISSIONS, ROLES, type Permission, type Role } from '@act/domain/identity';
import { testEngines } from '@act/server/database/testing';
import { SQL_DATABASE, loadConfig } from '@act/server/platform';
import type { SqlDatabase } from '@act/server/database';
import { startProviderTestServer, TEST_KEYS, type ProviderTestServer } from '@act/server/connectors/testing';
import { ApiClient, seenResponses } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';
import { keysRotateCommand } from './keys-rotate-command';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const OLD_KEYS = key('k1');
const NEW_KEY = key('k2');
const ADMIN_KEY = TEST_KEYS.openai.admin;
const PROJECT_KEY = TEST_KEYS.openai.project;
const PASSWORD = 'correct horse battery staple';

interface Mail {
  to: string;
  body: string;
}

/** Identity, workspaces, roles, invitations, accounts and ingest keys, end to end over HTTP. */
for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`identity and accounts over HTTP [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let t: TestApp;
    let smtp: SMTPServer;
    let openai: ProviderTestServer;
    const mails: Mail[] = [];
    const logs: string[] = [];
    const client = () => new ApiClient(() => t.base);
    const alice = client();
    const bob = client();
    let workspace: string;
    const restoreWrites: (() => void)[] = [];

    beforeAll(async () => {
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, session, callback) {
          let body = '';
          stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          stream.on('end', () => {
            // Undo quoted-printable soft line breaks and escapes, which split long links.
            const decoded = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
            mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body: decoded });
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      const smtpPort = (smtp.server.address() as AddressInfo).port;
      openai = await startProviderTestServer({ provider: 'openai' });
      // Everything the server writes is kept, to prove no credential ever reaches a log line.
      for (const stream of [process.stdout, process.stderr]) {
        const original = stream.write;
        stream.write = function (this: NodeJS.WriteStream, chunk: string | Uint8Array, ...rest: unknown[]) {
          logs.push(String(chunk));
          return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
        } as typeof stream.write;
        restoreWrites.push(() => (stream.write = original));
      }
      t = await startTestApp(engine, {
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        PUBLIC_URL: 'https://costs.example.test',
        CREDENTIAL_KEYS: OLD_KEYS,
        AUTH_RATE_LIMIT_PER_MINUTE: '25',
        LOG_LEVEL: 'log',
      });
    });

    afterAll(async () => {
      restoreWrites.splice(0).forEach((restore) => restore());
      await t?.dispose();
      await openai?.close();
      await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    });

    it('registers the first user as instance administrator and owner of a new workspace, with a safe refresh cookie', async () => {
      const reply = await alice.register('Alice@Example.test', PASSWORD, { displayName: 'Alice' });
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({
        user: { email: 'alice@example.test', displayName: 'Alice', instanceAdmin: true },
        workspaces: [{ name: "Alice's workspace", role: 'owner' }],
        expiresIn: 900,
      });
      workspace = reply.body.workspaces[0].id;
      const cookie = reply.headers.getSetCookie()[0];
      expect(cookie).toMatch(/^act_refresh=[0-9a-f-]{36}\.[\w-]{43};/);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Strict');
      expect(cookie).toContain('Path=/api/v1/auth');
      expect(reply.body).not.toHaveProperty('refreshToken');

      const second = await bob.register('bob@example.test');
      expect(second.status).toBe(201);
      expect(second.body.user.instanceAdmin).toBe(false);
      expect(second.body.workspaces).toEqual([expect.objectContaining({ role: 'owner', name: "bob's workspace" })]);

      // Instance administration follows the user, not a shared token.
      expect((await alice.get('/admin/projections')).status).toBe(200);
      const notAdmin = await bob.get('/admin/projections');
      expect(notAdmin.status).toBe(403);
      expect(notAdmin.body.detail).toMatch(/instance administrators/);
    });

    it('refuses bad registrations with messages a user can act on', async () => {
      const c = client();
      const duplicate = await c.register('ALICE@example.test');
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.detail).toMatch(/already exists.*sign in/i);
      const short = await c.register('short@example.test', 'tiny');
      expect(short.status).toBe(400);
      expect(short.body.errors).toContainEqual({ path: 'password', message: expect.stringContaining('12 characters') });
      const email = await c.register('not-an-email', PASSWORD);
      expect(email.status).toBe(400);
      expect(email.body.errors).toContainEqual({ path: 'email', message: expect.stringContaining('e-mail') });
      const extra = await c.post('/auth/register', { email: 'x@example.test', password: PASSWORD, isAdmin: true });
      expect(extra.status).toBe(400);
    });

    it('signs in and out; a wrong password and an unknown address get the same answer', async () => {
      const c = client();
      const wrong = await c.login('alice@example.test', 'wrong password here');
      const unknown = await c.login('nobody@example.test', 'wrong password here');
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
      const ok = await c.login('ALICE@example.test');
      expect(ok.status).toBe(200);
      expect((await c.get('/auth/me')).body).toMatchObject({ user: { email: 'alice@example.test' }, workspaces: [{ id: workspace, role: 'owner' }] });
      expect((await c.post('/auth/logout')).status).toBe(204);
      expect(c.refreshCookie).toBeNull();
      const after = await c.get('/auth/me');
      expect(after.status).toBe(401);
      expect(after.body.detail).toMatch(/session has ended/);
    });

    it('rotates refresh tokens, and a reused one ends the whole session', async () => {
      const c = client();
      await c.login('bob@example.test');
      const first = c.refreshCookie as string;
      const refreshed = await c.post('/auth/refresh');
      expect(refreshed.status).toBe(200);
      expect(c.refreshCookie).not.toBe(first);
      const second = c.refreshCookie as string;
      expect((await c.get('/auth/me')).status).toBe(200);

      c.refreshCookie = first;
      const reused = await c.post('/auth/refresh');
      expect(reused.status).toBe(401);
      expect(reused.body.detail).toMatch(/used twice/);
      c.refreshCookie = second;
      expect((await c.post('/auth/refresh')).status).toBe(401);
      expect((await c.get('/auth/me')).status).toBe(401);
    });

    it('rejects tampered, foreign-algorithm and missing access tokens', async () => {
      const c = client();
      await c.login('bob@example.test');
      const [header, payload, signature] = (c.accessToken as string).split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const forged = Buffer.from(JSON.stringify({ ...claims, adm: true })).toString('base64url');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      for (const token of [`${header}.${forged}.${signature}`, `${none}.${payload}.`, 'garbage', '']) {
        c.accessToken = token;
        const reply = await c.get('/auth/me');
        expect(reply.status).toBe(401);
        expect(reply.headers.get('content-type')).toContain('application/problem+json');
      }
      c.accessToken = null;
      expect((await c.get('/workspaces')).status).toBe(401);
      expect((await c.get('/health')).status).toBe(200);
    });

    async function invite(email: string, role: Exclude<Role, 'owner'>) {
      const reply = await alice.post(`/workspaces/${workspace}/invitations`, { email, role });
      expect(reply.status).toBe(201);
      return reply.body;
    }

    async function join(email: string, role: Exclude<Role, 'owner'>): Promise<ApiClient> {
      const invitation = await invite(email, role);
      const member = client();
      const registered = await member.register(email, PASSWORD, { invitationToken: invitation.token });
      expect(registered.status).toBe(201);
      expect(registered.body.workspaces).toEqual([{ id: workspace, name: expect.any(String), role }]);
      return member;
    }

    it('invites by e-mail; the invitee previews, signs up with the link and joins with the role', async () => {
      const invitation = await invite('Bob@example.test', 'member');
      expect(invitation).toMatchObject({ email: 'bob@example.test', role: 'member', status: 'pending', emailed: true, acceptPath: `/invitations/${invitation.token}` });
      const mail = mails.find((m) => m.to === 'bob@example.test');
      expect(mail?.body).toContain(`https://costs.example.test/invitations/${invitation.token}`);

      const preview = await client().get(`/invitations/${invitation.token}`);
      expect(preview.body).toMatchObject({ workspaceName: "Alice's workspace", email: 'bob@example.test', role: 'member', status: 'pending' });
      expect((await client().get(`/invitations/${invitation.token.slice(0, -2)}xx`)).status).toBe(404);

      const stranger = client();
      await stranger.register('eve@example.test');
      const wrongPerson = await stranger.post(`/invitations/${invitation.token}/accept`);
      expect(wrongPerson.status).toBe(422);
      expect(wrongPerson.body.detail).toContain('bob@example.test');

      const accepted = await bob.post(`/invitations/${invitation.token}/accept`);
      expect(accepted.status).toBe(201);
      expect(accepted.body.workspace).toEqual({ id: workspace, name: "Alice's workspace", role: 'member' });
      expect((await bob.post(`/invitations/${invitation.token}/accept`)).status).toBe(201);
      const members = await alice.get(`/workspaces/${workspace}/members?waitFor=${accepted.body.position}`);
      expect(members.body.items.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
        ['alice@example.test', 'owner'],
        ['bob@example.test', 'member'],
      ]);
      const me = await bob.get(`/auth/me?waitFor=${accepted.body.position}`);
      expect(me.body.workspaces.map((w: { role: string }) => w.role).sort()).toEqual(['member', 'owner']);
    });

    it('enforces the role rules on members', async () => {
      const bobId = (await bob.get('/auth/me')).body.user.id;
      const aliceId = (await alice.get('/auth/me')).body.user.id;
      const asMember = await bob.patch(`/workspaces/${workspace}/members/${aliceId}`, { role: 'viewer' });
      expect(asMember.status).toBe(403);
      expect(asMember.body.detail).toMatch(/As a member/);
      const lastOwner = await alice.delete(`/workspaces/${workspace}/members/${aliceId}`);
      expect(lastOwner.status).toBe(409);
      expect(lastOwner.body.detail).toMatch(/needs an owner/);
      expect((await alice.patch(`/workspaces/${workspace}/members/${bobId}`, { role: 'admin' })).status).toBe(200);
      const adminMakesOwner = await bob.patch(`/workspaces/${workspace}/members/${bobId}`, { role: 'owner' });
      expect(adminMakesOwner.status).toBe(403);
      expect((await bob.patch(`/workspaces/${workspace}/members/${aliceId}`, { role: 'member' })).status).toBe(403);
      const bad = await alice.patch(`/workspaces/${workspace}/members/${bobId}`, { role: 'emperor' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toEqual({ path: 'role', message: expect.stringContaining('owner, admin, member, viewer') });
      expect((await alice.patch(`/workspaces/${workspace}/members/${bobId}`, { role: 'member' })).status).toBe(200);
    });

    let accountId: string;

    it('connects a provider account without ever returning its credential, and tests the connection', async () => {
      const connected = await alice.post(`/workspaces/${workspace}/accounts`, {
        provider: 'openai',
        displayName: 'OpenAI production',
        credentials: ADMIN_KEY,
        baseUrl: openai.baseUrl,
        monthlyBudget: '250.00',
      });
      expect(connected.status).toBe(201);
      expect(connected.body.account).toMatchObject({ provider: 'openai', status: 'active', syncEnabled: true, monthlyBudget: '250', currency: 'USD' });
      expect(connected.body.account.credentialHint).toMatch(/^sk-admin-…\w{4}$/);
      accountId = connected.body.account.id;

      const tested = await alice.post(`/workspaces/${workspace}/accounts/${accountId}/test`);
      expect(tested.status).toBe(200);
      expect(tested.body).toMatchObject({ result: 'ok', httpStatus: 200 });
      const listed = await alice.get(`/workspaces/${workspace}/accounts?waitFor=${tested.body.position}`);
      expect(listed.body.items).toEqual([expect.objectContaining({ id: accountId, credentialHint: connected.body.account.credentialHint, lastTest: expect.objectContaining({ result: 'ok' }) })]);

      const rotated = await alice.patch(`/workspaces/${workspace}/accounts/${accountId}`, { credentials: PROJECT_KEY, displayName: 'OpenAI prod' });
      expect(rotated.status).toBe(200);
      const refused = await alice.post(`/workspaces/${workspace}/accounts/${accountId}/test`);
      expect(refused.body).toMatchObject({ result: 'insufficient_scope', message: expect.stringContaining('Admin') });
      expect((await alice.patch(`/workspaces/${workspace}/accounts/${accountId}`, { credentials: ADMIN_KEY })).status).toBe(200);

      const invalid = await alice.post(`/workspaces/${workspace}/accounts`, { provider: 'openai', displayName: 'x', monthlyBudget: '-1' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors).toContainEqual({ path: 'monthlyBudget', message: expect.stringContaining('decimal') });
      const noKey = await alice.post(`/workspaces/${workspace}/accounts`, { provider: 'anthropic', displayName: 'Claude', syncEnabled: true });
      expect(noKey.status).toBe(422);
      expect(noKey.body.detail).toMatch(/admin key/);
    });

    it('pauses, resumes and disconnects; a disconnected account is read-only and keeps its history', async () => {
      const other = await alice.post(`/workspaces/${workspace}/accounts`, { provider: 'groq', displayName: 'Groq', syncEnabled: false });
      expect(other.body.account.status).toBe('paused');
      const id = other.body.account.id;
      expect((await alice.patch(`/workspaces/${workspace}/accounts/${id}`, { syncEnabled: true })).body.account.status).toBe('active');
      const gone = await alice.delete(`/workspaces/${workspace}/accounts/${id}`);
      expect(gone.status).toBe(200);
      const locked = await alice.patch(`/workspaces/${workspace}/accounts/${id}`, { displayName: 'again' });
      expect(locked.status).toBe(409);
      expect(locked.body.detail).toMatch(/disconnected/);
      const shown = await alice.get(`/workspaces/${workspace}/accounts/${id}?waitFor=${gone.body.position}`);
      expect(shown.body).toMatchObject({ status: 'disconnected', credentialHint: null });
    });

    it('creates ingest keys bound to an account, shows them once, lists hints and revokes them', async () => {
      const created = await alice.post(`/workspaces/${workspace}/ingest-keys`, { accountId, name: 'backend' });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^act_ik_[0-9a-f]{32}_[\w-]{43}$/);
      expect(created.body.hint).toBe(`act_ik_…${created.body.key.slice(-4)}`);
      const listed = await alice.get(`/workspaces/${workspace}/ingest-keys?waitFor=${created.body.position}`);
      expect(listed.body.items).toEqual([expect.objectContaining({ id: created.body.id, hint: created.body.hint, revokedAt: null })]);
      expect(listed.text).not.toContain(created.body.key);
      const revoked = await alice.delete(`/workspaces/${workspace}/ingest-keys/${created.body.id}`);
      const after = await alice.get(`/workspaces/${workspace}/ingest-keys?waitFor=${revoked.body.position}`);
      expect(after.body.items[0].revokedAt).toEqual(expect.any(String));
      const foreign = await alice.post(`/workspaces/${workspace}/ingest-keys`, { accountId: '00000000-0000-4000-8000-000000000000', name: 'x' });
      expect(foreign.status).toBe(404);
    });

    it('keeps a security log for owners and admins', async () => {
      const head = (await alice.get('/health')).body.eventStore.headPosition;
      const log = await alice.get(`/workspaces/${workspace}/security-log?waitFor=${head}&limit=100`);
      expect(log.status).toBe(200);
      const kinds = new Set(log.body.items.map((e: { kind: string }) => e.kind));
      for (const kind of ['signed-in', 'sign-in-failed', 'member-joined', 'member-role-changed', 'invitation-created', 'account-connected', 'account-credentials-rotated', 'account-disconnected', 'ingest-key-created', 'ingest-key-revoked']) {
        expect(kinds).toContain(kind);
      }
      const page = await alice.get(`/workspaces/${workspace}/security-log?limit=2`);
      expect(page.body.items).toHaveLength(2);
      const next = await alice.get(`/workspaces/${workspace}/security-log?limit=2&cursor=${page.body.nextCursor}`);
      expect(next.body.items[0].at <= page.body.items[1].at).toBe(true);
      expect((await bob.get(`/workspaces/${workspace}/security-log`)).status).toBe(403);
      expect((await alice.get(`/workspaces/${workspace}/security-log?cursor=bogus`)).status).toBe(400);
    });

    /** Every route of the OpenAPI document, which Nest builds from the controllers: new endpoints join the matrices by themselves. */
    async function routeTable() {
      const doc = await (await fetch(`${t.base}/api/docs-json`)).json();
      const routes: { method: string; path: string; permission?: Permission; public: boolean; admin: boolean }[] = [];
      for (const [path, operations] of Object.entries<Record<string, Record<string, unknown>>>(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          routes.push({
            method: method.toUpperCase(),
            path: path.replace(/^\/api\/v1/, ''),
            permission: operation['x-permission'] as Permission | undefined,
            public: operation['x-public'] === true,
            admin: operation['x-instance-admin-only'] === true,
          });
        }
      }
      return routes;
    }

    const DUMMY = '00000000-0000-4000-8000-00000000dead';
    const fill = (path: string, ws: string) => path.replace('{ws}', ws).replace(/\{[^}]+\}/g, DUMMY);

    it('answers 401 without a token on every route not marked public', async () => {
      const routes = (await routeTable()).filter((r) => !r.public && r.path !== '/metrics');
      expect(routes.length).toBeGreaterThan(20);
      const anonymous = client();
      for (const route of routes) {
        const reply = await anonymous.call(route.method, fill(route.path, workspace), ['GET', 'DELETE'].includes(route.method) ? undefined : {});
        expect(`${route.method} ${route.path} → ${reply.status}`).toBe(`${route.method} ${route.path} → 401`);
      }
    });

    it('answers 404 revealing nothing on every workspace route called with a valid token of another workspace', async () => {
      const routes = (await routeTable()).filter((r) => r.path.includes('{ws}'));
      expect(routes.every((r) => r.permission)).toBe(true);
      const mallory = client();
      await mallory.register('mallory@example.test');
      const probes = [workspace, DUMMY];
      for (const route of routes) {
        const bodies: string[] = [];
        for (const ws of probes) {
          const reply = await mallory.call(route.method, fill(route.path, ws), ['GET', 'DELETE'].includes(route.method) ? undefined : {});
          expect(`${route.method} ${route.path} → ${reply.status}`).toBe(`${route.method} ${route.path} → 404`);
          bodies.push(reply.body.detail);
        }
        // The real workspace and one that does not exist look exactly alike.
        expect(bodies[0]).toBe(bodies[1]);
      }
    });

    it('lets each role do exactly what it may, on every workspace route', async () => {
      const members: Record<Role, ApiClient> = {
        owner: alice,
        admin: await join('carol@example.test', 'admin'),
        member: await join('mia@example.test', 'member'),
        viewer: await join('victor@example.test', 'viewer'),
      };
      const routes = (await routeTable()).filter((r) => r.permission);
      const seenPermissions = new Set(routes.map((r) => r.permission));
      for (const route of routes) {
        for (const role of ROLES) {
          const reply = await members[role].call(route.method, fill(route.path, workspace), ['GET', 'DELETE'].includes(route.method) ? undefined : {});
          const allowed = can(role, route.permission as Permission);
          const outcome = `${role} ${route.method} ${route.path} → ${allowed ? 'allowed' : 'forbidden'}`;
          expect(`${role} ${route.method} ${route.path} → ${reply.status === 403 ? 'forbidden' : 'allowed'}`).toBe(outcome);
          expect(reply.status).toBeLessThan(500);
        }
      }
      expect([...seenPermissions].sort()).toEqual((Object.keys(PERMISSIONS) as Permission[]).filter((p) => seenPermissions.has(p)).sort());
    });

    it('re-encrypts credentials with npm run keys:rotate; the old key can then be dropped', async () => {
      await t.stop();
      const env = { ...t.env, CREDENTIAL_KEYS: `${NEW_KEY},${OLD_KEYS}` };
      const config = loadConfig({ DATA_DIR: `${t.dataDir}/db`, DATABASE_URL: t.database?.url, LOG_LEVEL: 'error', ...env });
      expect(await keysRotateCommand(config)).toBe(0);
      await t.restart({ ...t.env, CREDENTIAL_KEYS: NEW_KEY });
      await alice.login('alice@example.test');
      const tested = await alice.post(`/workspaces/${workspace}/accounts/${accountId}/test`);
      expect(tested.body).toMatchObject({ result: 'ok' });
    });

    it('never shows a credential in a response, a log line, an event or a read model', async () => {
      const db = t.app.get<SqlDatabase>(SQL_DATABASE);
      const events = await db.query<{ dump: string }>(`select string_agg(type || data::text || metadata::text, '\n') as dump from es_events`);
      const tables = await db.query<{ table_name: string }>(
        `select table_name from information_schema.tables where table_schema = 'public' and table_name <> 'credential_vault'`,
      );
      let readModels = '';
      for (const { table_name } of tables) {
        const [row] = await db.query<{ dump: string | null }>(`select string_agg(t::text, '\n') as dump from "${table_name}" t`);
        readModels += row?.dump ?? '';
      }
      const vault = (await db.query<{ dump: string }>(`select string_agg(v::text, '\n') as dump from credential_vault v`))[0].dump;
      const haystacks = { responses: seenResponses.join('\n'), logs: logs.join(''), events: events[0].dump, readModels, vault };
      expect(haystacks.events).toContain('AccountCredentialsRotated');
      expect(haystacks.logs.length).toBeGreaterThan(0);
      for (const [where, text] of Object.entries(haystacks)) {
        for (const secret of [ADMIN_KEY, PROJECT_KEY, ADMIN_KEY.slice(9, 30), PROJECT_KEY.slice(8, 30), PASSWORD]) {
          expect(`${where} contains ${secret.slice(0, 12)}…: ${text.includes(secret)}`).toBe(`${where} contains ${secret.slice(0, 12)}…: false`);
        }
      }
    });

    it('rate-limits sign-in attempts per client', async () => {
      const c = client();
      const statuses: number[] = [];
      for (let i = 0; i < 30 && !statuses.includes(429); i++) statuses.push((await c.login('nobody@example.test', 'wrong password here')).status);
      expect(statuses).toContain(429);
      const limited = await c.login('alice@example.test');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('content-type')).toContain('application/problem+json');
    });
  });
}
