import { randomUUID } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';

export const PASSWORD = 'correct horse battery staple';

/** A fresh address per call, so tests never depend on each other's users. */
export function uniqueEmail(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}@example.test`;
}

/**
 * Registers through the API with the browser context's own request client, which shares the
 * context's cookies: the refresh cookie lands in the browser, and the app restores the session
 * on its next load, exactly as after a sign-in.
 */
export async function registerInContext(
  context: BrowserContext,
  email: string,
  extra: Record<string, string> = {},
): Promise<{ workspaceId: string; accessToken: string }> {
  const response = await context.request.post('/api/v1/auth/register', {
    data: { email, password: PASSWORD, ...extra },
  });
  if (response.status() !== 201) {
    throw new Error(`Registering ${email} failed: ${response.status()} ${await response.text()}`);
  }
  const body = await response.json();
  return { workspaceId: body.workspaces[0].id, accessToken: body.accessToken };
}
