import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { openTestDatabase, testEngines, TestDatabase } from '@act/server/database/testing';
import { EVENT_STORE, EventStore } from '@act/server/event-store';
import { loadConfig, PROJECTION_RUNNER } from '@act/server/platform';
import type { ProjectionRunner } from '@act/server/projections';
import { createApp } from './create-app';

const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The whole product booted in-process on a real database, spoken to over real HTTP. */
for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`api over HTTP [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let app: NestExpressApplication;
    let base: string;
    let dataDir: string;
    let webDir: string;
    let database: TestDatabase | undefined;

    async function start() {
      const config = loadConfig({
        DATA_DIR: join(dataDir, 'db'),
        DATABASE_URL: database?.url,
        WEB_DIST_DIR: webDir,
        ADMIN_TOKEN,
        LOG_LEVEL: 'error',
        EVENT_POLL_INTERVAL_MS: '20',
        WAIT_FOR_TIMEOUT_MS: '300',
      });
      app = await createApp(config);
      await app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    }

    beforeAll(async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'act-api-'));
      webDir = join(dataDir, 'web');
      mkdirSync(webDir);
      writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>AI Cost Tracker</title><act-root></act-root>');
      writeFileSync(join(webDir, 'main-ABC123.js'), 'console.log("app")');
      if (engine === 'postgresql') database = await openTestDatabase('postgresql');
      await start();
    });
    afterAll(async () => {
      await app?.close();
      await database?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

    it('reports health with the database driver, head position and projections', async () => {
      const response = await get('/api/v1/health');
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'ok',
        database: { driver: engine, ok: true },
        eventStore: { ok: true, headPosition: expect.stringMatching(/^\d+$/) },
        projections: expect.arrayContaining([
          { name: 'event_type_stats', activeVersion: 1, checkpoint: expect.any(String), lag: expect.any(String), lastError: null, rebuild: null },
          expect.objectContaining({ name: 'usage_ledger', activeVersion: 1 }),
        ]),
      });
    });

    it('waits for read models with ?waitFor and refuses a malformed position', async () => {
      const store = app.get<EventStore>(EVENT_STORE);
      // At start the projections work through the seeded price catalogue; this test is about a
      // single new event, so begin once they have caught up.
      expect(await app.get<ProjectionRunner>(PROJECTION_RUNNER).waitForPosition(await store.headPosition(), 60_000)).toBe(true);
      const { position } = await store.appendToStream(`it-${randomUUID()}`, [{ id: randomUUID(), type: 'ApiTested', data: {} }]);
      const response = await get(`/api/v1/admin/event-types?waitFor=${position}`, admin);
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body.items).toContainEqual(expect.objectContaining({ type: 'ApiTested', events: '1', lastPosition: String(position) }));

      const bad = await get('/api/v1/health?waitFor=12abc');
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');

      // A position no write has produced yet: refused at once, not waited for.
      const future = await get(`/api/v1/health?waitFor=${position + 1000n}`);
      expect(future.status).toBe(400);
      expect((await future.json()).detail).toMatch(/beyond the newest event/);

      // A real position the read models do not reach within WAIT_FOR_TIMEOUT_MS: 503 with Retry-After.
      const runner = app.get<ProjectionRunner>(PROJECTION_RUNNER);
      await runner.stop();
      try {
        const unapplied = await store.appendToStream(`it-${randomUUID()}`, [{ id: randomUUID(), type: 'ApiTested', data: {} }]);
        const late = await get(`/api/v1/health?waitFor=${unapplied.position}`);
        expect(late.status).toBe(503);
        expect(late.headers.get('retry-after')).toBe('1');
      } finally {
        runner.start();
      }
    });

    it('exposes Prometheus metrics at /metrics, including projection lag', async () => {
      const response = await get('/metrics');
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(/^act_event_store_head_position \d+$/m);
      expect(text).toMatch(/^act_projection_lag\{projection="event_type_stats"\} \d+$/m);
      expect(text).toContain('act_process_cpu_user_seconds_total');
    });

    it('guards administration with ADMIN_TOKEN and rebuilds a projection through the API', async () => {
      expect((await fetch(`${base}/api/v1/admin/projections`)).status).toBe(401);
      const started = await fetch(`${base}/api/v1/admin/projections/event_type_stats/rebuild`, { method: 'POST', headers: admin });
      expect(started.status).toBe(202);
      expect(await started.json()).toMatchObject({ name: 'event_type_stats', rebuild: { version: expect.any(Number) } });
      const deadline = Date.now() + 15_000;
      type Item = { name: string; rebuild: unknown; activeVersion: number };
      const current = async () =>
        ((await (await get('/api/v1/admin/projections', admin)).json()).items as Item[]).find((p) => p.name === 'event_type_stats');
      let status = await current();
      while (status?.rebuild && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25));
        status = await current();
      }
      expect(status).toMatchObject({ rebuild: null, activeVersion: expect.any(Number) });
      expect(status?.activeVersion).toBeGreaterThan(1);
      const missing = await fetch(`${base}/api/v1/admin/projections/nope/rebuild`, { method: 'POST', headers: admin });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ status: 404, detail: expect.stringContaining('event_type_stats') });
    });

    it('answers unknown API paths and malformed bodies with problem+json', async () => {
      const missing = await get('/api/v1/nothing-here');
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toContain('application/problem+json');
      expect(await missing.json()).toMatchObject({ status: 404, title: 'Not Found', instance: '/api/v1/nothing-here' });
      const malformed = await fetch(`${base}/api/v1/admin/projections/event_type_stats/rebuild`, {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: '{"broken": ',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toContain('application/problem+json');
      expect(await malformed.json()).toMatchObject({ status: 400, detail: expect.stringContaining('JSON') });
    });

    it('serves the web app, with index.html for client-side routes, and documents the API', async () => {
      const deep = await get('/status', { accept: 'text/html' });
      expect(deep.status).toBe(200);
      expect(await deep.text()).toContain('<act-root>');
      const asset = await get('/main-ABC123.js');
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const docs = await get('/api/docs-json');
      const openapi = await docs.json();
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/health', '/api/v1/admin/projections/{name}/rebuild']));
    });

    it('keeps its data across a restart', async () => {
      const store = app.get<EventStore>(EVENT_STORE);
      const { position } = await store.appendToStream(`restart-${randomUUID()}`, [{ id: randomUUID(), type: 'Survives', data: {} }]);
      await app.close();
      await start();
      const health = await (await get(`/api/v1/health?waitFor=${position}`)).json();
      expect(BigInt(health.eventStore.headPosition)).toBeGreaterThanOrEqual(position);
      const types = (await (await get('/api/v1/admin/event-types', admin)).json()).items;
      expect(types).toContainEqual(expect.objectContaining({ type: 'Survives', events: '1' }));
    });
  });
}
