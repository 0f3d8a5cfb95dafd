import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { workspaceRoot } from './workspace';

/** The part of `@act/server/connectors/testing` the browser tests use. */
interface ProviderTestServer {
  baseUrl: string;
  close(): Promise<void>;
}
interface ConnectorsTesting {
  startProviderTestServer(options: { provider: 'openai' }): Promise<ProviderTestServer>;
  TEST_KEYS: { openai: { admin: string; project: string } };
}

/**
 * Starts the local OpenAI test server (the same one the connector specs use) in this process.
 * The library is TypeScript with path aliases and ES-module dependencies, which this CommonJS
 * jest setup cannot load as is, so it is bundled with esbuild (already installed by Angular's
 * build) into one CommonJS file first.
 */
export async function startOpenAiTestServer(): Promise<{ server: ProviderTestServer; keys: ConnectorsTesting['TEST_KEYS'] }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'act-e2e-providers-')), 'connectors-testing.cjs');
  await esbuild.build({
    entryPoints: [path.join(workspaceRoot, 'libs/server/connectors/src/testing.ts')],
    tsconfig: path.join(workspaceRoot, 'tsconfig.base.json'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile,
    logLevel: 'error',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const testing = require(outfile) as ConnectorsTesting;
  const server = await testing.startProviderTestServer({ provider: 'openai' });
  return { server, keys: testing.TEST_KEYS };
}
