import { startOpenAiTestServer } from './provider-servers';
import { RunningServer, startServer } from './server';

declare global {
  // Only globalSetup and globalTeardown share these (same process).
  var __ACT_E2E_SERVER__: RunningServer | undefined;
  var __ACT_E2E_PROVIDERS__: { close(): Promise<void> }[] | undefined;
}

export default async function globalSetup(): Promise<void> {
  // The provider test server runs in this process for the whole run; tests reach it by URL.
  const openai = await startOpenAiTestServer();
  globalThis.__ACT_E2E_PROVIDERS__ = [openai.server];
  process.env['E2E_OPENAI_BASE_URL'] = openai.server.baseUrl;
  process.env['E2E_OPENAI_ADMIN_KEY'] = openai.keys.openai.admin;

  if (process.env['E2E_BASE_URL']) {
    console.log(`\nweb-e2e: using E2E_BASE_URL=${process.env['E2E_BASE_URL']}`);
    return;
  }
  const server = await startServer();
  globalThis.__ACT_E2E_SERVER__ = server;
  // Test files read it from the environment; with --runInBand they run in this
  // process, so what is set here is what they see.
  process.env['E2E_BASE_URL'] = server.baseUrl;
  console.log(`\nweb-e2e: api server started at ${server.baseUrl}`);
}
