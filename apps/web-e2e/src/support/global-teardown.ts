import { stopServer } from './server';

export default async function globalTeardown(): Promise<void> {
  for (const provider of globalThis.__ACT_E2E_PROVIDERS__ ?? []) await provider.close();
  globalThis.__ACT_E2E_PROVIDERS__ = undefined;
  const server = globalThis.__ACT_E2E_SERVER__;
  if (!server) return;
  globalThis.__ACT_E2E_SERVER__ = undefined;
  await stopServer(server);
}
