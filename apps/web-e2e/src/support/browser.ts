import * as fs from 'node:fs';
import { Browser, chromium } from 'playwright-core';

// Debian's chromium package; Playwright's own browser download is not used.
const DEFAULT_PATHS = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function resolveChromiumPath(): string {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) {
      throw new Error(`CHROMIUM_PATH points to ${fromEnv}, which does not exist.`);
    }
    return fromEnv;
  }
  const found = DEFAULT_PATHS.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    throw new Error(
      `No Chromium found (looked at ${DEFAULT_PATHS.join(', ')}). ` +
        'Install it with `apt-get install -y chromium`, or set CHROMIUM_PATH.',
    );
  }
  return found;
}

/**
 * Playwright refuses a --user-data-dir argument with launch(): it creates a
 * fresh temporary profile for every launch itself and deletes it on close,
 * which is exactly the isolation these tests need.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: resolveChromiumPath(),
    headless: true,
    args: ARGS,
  });
}
