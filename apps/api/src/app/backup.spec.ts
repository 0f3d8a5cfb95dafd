import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { openTestDatabase, testEngines, type TestDatabase } from '@act/server/database/testing';
import type { SqlDatabase } from '@act/server/database';
import { loadConfig, PROJECTION_RUNNER, SQL_DATABASE } from '@act/server/platform';
import type { ProjectionRunner } from '@act/server/projections';
import { startProviderTestServer, TEST_KEYS, type ProviderTestServer } from '@act/server/connectors/testing';
import { ApiClient } from '../testing/http-client';
import { startTestApp, type TestApp } from '../testing/test-app';
import { createApp } from './create-app';
import { backupCommand, restoreCommand } from './backup-commands';

const KEYS = `k1:${randomBytes(32).toString('base64')}`;

/**
 * Every read model readers see (the views in `public`), as sorted text: equal dumps = equal read
 * models. Through jsonb, so json columns compare by value: their text keeps the spacing and key
 * order of whichever writer made them (JS or SQL), which a rebuild may not share.
 */
async function dumpReadModels(db: SqlDatabase): Promise<Record<string, string[]>> {
  const views = await db.query<{ name: string }>(`select table_name as name from information_schema.views where table_schema = 'public' order by 1`);
  const dump: Record<string, string[]> = {};
  for (const { name } of views) {
    const rows = await db.query<{ row: string }>(`select to_jsonb(t)::text as row from "${name}" t`);
    dump[name] = rows.map((r) => r.row).sort();
  }
  return dump;
}

async function caughtUp(app: NestExpressApplication): Promise<void> {
  const db = app.get<SqlDatabase>(SQL_DATABASE);
  const [{ head }] = await db.query<{ head: string }>('select coalesce(max(global_position), 0)::text as head from es_events');
  expect(await app.get<ProjectionRunner>(PROJECTION_RUNNER).waitForPosition(BigInt(head), 30_000)).toBe(true);
}

for (const { engine, skipReason } of testEngines()) {
  (skipReason ? describe.skip : describe)(`backup and restore [${engine}${skipReason ? ` — skipped: ${skipReason}` : ''}]`, () => {
    let t: TestApp;
    let openai: ProviderTestServer;
    let restored: NestExpressApplication | undefined;
    let target: TestDatabase | undefined;
    const workDir = mkdtempSync(join(tmpdir(), 'act-backup-'));
    const owner = new ApiClient(() => t.base);
    let ws: string;
    let accountId: string;

    beforeAll(async () => {
      openai = await startProviderTestServer({ provider: 'openai' });
      t = await startTestApp(engine, { CREDENTIAL_KEYS: KEYS, SYNC_SCHEDULER: 'false' });
      ws = (await owner.register('owner@example.test')).body.workspaces[0].id;
      accountId = (await owner.post(`/workspaces/${ws}/accounts`, { provider: 'openai', displayName: 'OpenAI', credentials: TEST_KEYS.openai.admin, baseUrl: openai.baseUrl }))
        .body.account.id;
      const groq = (await owner.post(`/workspaces/${ws}/accounts`, { provider: 'groq', displayName: 'Groq' })).body.account.id;
      const key = (await owner.post(`/workspaces/${ws}/ingest-keys`, { accountId: groq, name: 'backend' })).body.key;
      const records = Array.from({ length: 30 }, (_, i) => ({
        requestId: `r${i}`,
        provider: 'groq',
        model: 'llama-3.3-70b-versatile',
        timestamp: new Date(Date.now() - (i % 5) * 86_400_000).toISOString(),
        usage: { prompt_tokens: 100 + i, completion_tokens: 20 + i, total_tokens: 120 + 2 * i },
      }));
      const ingested = await fetch(`${t.base}/api/v1/ingest/usage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ records }),
      });
      expect(ingested.status).toBe(200);
      await owner.post(`/workspaces/${ws}/accounts/${accountId}/test`);
    });

    afterAll(async () => {
      await restored?.close();
      await target?.dispose();
      await t?.dispose();
      await openai?.close();
      rmSync(workDir, { recursive: true, force: true });
    });

    it('backs up while running, restores only into an empty database, and the rebuilt read models equal the originals row by row', async () => {
      await caughtUp(t.app);
      const before = await dumpReadModels(t.app.get<SqlDatabase>(SQL_DATABASE));
      expect(Object.keys(before)).toEqual(expect.arrayContaining(['accounts', 'users', 'security_log']));
      expect(before['accounts']).toHaveLength(2);

      // Instance administrators download it from the running product (any engine).
      const file = join(workDir, 'backup.ndjson.gz');
      const response = await fetch(`${t.base}/api/v1/admin/backup`, { headers: { authorization: `Bearer ${owner.accessToken}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="ai-cost-tracker-.*\.ndjson\.gz"/);
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(file));
      if (engine === 'postgresql') {
        // Against PostgreSQL the CLI works beside the running server too.
        expect(await backupCommand(loadConfig({ DATABASE_URL: t.database?.url, DATA_DIR: 'memory://', LOG_LEVEL: 'error' }), join(workDir, 'cli.ndjson.gz'))).toBe(0);
      }
      await t.stop();

      target = engine === 'postgresql' ? await openTestDatabase('postgresql') : undefined;
      const config = loadConfig({
        DATABASE_URL: target?.url,
        DATA_DIR: join(workDir, 'restored'),
        CREDENTIAL_KEYS: KEYS,
        SYNC_SCHEDULER: 'false',
        LOG_LEVEL: 'error',
        EVENT_POLL_INTERVAL_MS: '20',
      });
      expect(await restoreCommand(config, file)).toBe(0);
      expect(await restoreCommand(config, file)).toBe(1);

      restored = await createApp(config);
      await restored.listen(0, '127.0.0.1');
      await caughtUp(restored);
      const after = await dumpReadModels(restored.get<SqlDatabase>(SQL_DATABASE));
      for (const name of Object.keys(before)) expect({ [name]: after[name] }).toEqual({ [name]: before[name] });

      // The credentials came along, encrypted, and still work with the same keys.
      const client = new ApiClient(() => `http://127.0.0.1:${(restored?.getHttpServer().address() as AddressInfo).port}`);
      expect((await client.login('owner@example.test')).status).toBe(200);
      expect((await client.post(`/workspaces/${ws}/accounts/${accountId}/test`)).body.result).toBe('ok');
    });

    it('refuses a damaged or foreign file with a clear message, restoring nothing', async () => {
      const garbage = join(workDir, 'garbage.gz');
      writeFileSync(garbage, 'not a backup');
      const dataDir = join(workDir, `empty-${Date.now()}`);
      const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'error' });
      expect(await restoreCommand(config, garbage)).toBe(1);
      expect(await restoreCommand(config, join(workDir, 'missing.gz'))).toBe(2);
    });

    it('says what to use instead when the event store is KurrentDB, touching no database', async () => {
      const config = loadConfig({
        DATA_DIR: join(workDir, `never-created-${Date.now()}`),
        LOG_LEVEL: 'error',
        EVENT_STORE: 'kurrentdb',
        EVENTSTORE_CONNECTION_STRING: 'kurrentdb://127.0.0.1:2113?tls=false',
      });
      expect(await backupCommand(config, join(workDir, 'kurrent.ndjson.gz'))).toBe(2);
      const someFile = join(workDir, 'some.ndjson.gz');
      writeFileSync(someFile, 'x');
      expect(await restoreCommand(config, someFile)).toBe(2);
      expect(existsSync(config.DATA_DIR)).toBe(false);
      expect(existsSync(join(workDir, 'kurrent.ndjson.gz'))).toBe(false);
    });
  });
}
