import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { openTestDatabase, type EngineName, type TestDatabase } from '@act/server/database/testing';
import { loadConfig } from '@act/server/platform';
import { createApp } from '../app/create-app';

export interface TestApp {
  app: NestExpressApplication;
  base: string;
  dataDir: string;
  database: TestDatabase | undefined;
  /** The environment the app was last started with. */
  env: Record<string, string | undefined>;
  restart(env?: Record<string, string | undefined>): Promise<void>;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** The whole product booted in-process on a fresh database of the engine, spoken to over real HTTP. */
export async function startTestApp(engine: EngineName, env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'act-api-'));
  const webDir = join(dataDir, 'web');
  mkdirSync(webDir);
  writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>AI Cost Tracker</title><act-root></act-root>');
  writeFileSync(join(webDir, 'main-ABC123.js'), 'console.log("app")');
  const database = engine === 'postgresql' ? await openTestDatabase('postgresql') : undefined;
  const handle: TestApp = {
    app: undefined as unknown as NestExpressApplication,
    base: '',
    dataDir,
    database,
    env,
    async restart(next = handle.env) {
      handle.env = next;
      const config = loadConfig({
        DATA_DIR: join(dataDir, 'db'),
        DATABASE_URL: database?.url,
        WEB_DIST_DIR: webDir,
        LOG_LEVEL: 'error',
        EVENT_POLL_INTERVAL_MS: '20',
        WAIT_FOR_TIMEOUT_MS: '3000',
        ...next,
      });
      handle.app = await createApp(config);
      await handle.app.listen(0, '127.0.0.1');
      handle.base = `http://127.0.0.1:${(handle.app.getHttpServer().address() as AddressInfo).port}`;
    },
    async stop() {
      await handle.app?.close();
    },
    async dispose() {
      await handle.app?.close();
      await database?.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await handle.restart(env);
  return handle;
}
