import { RunningServer, startServer } from './server';

declare global {
  // Only globalSetup and globalTeardown share this (same process).
  var __ACT_E2E_SERVER__: RunningServer | undefined;
}

export default async function globalSetup(): Promise<void> {
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
