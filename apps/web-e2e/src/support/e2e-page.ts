import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';

export function baseUrl(): string {
  const url = process.env['E2E_BASE_URL'];
  if (!url) {
    throw new Error('E2E_BASE_URL is not set; globalSetup did not run?');
  }
  return url;
}

let screenshotDir: string | undefined;

/**
 * Registers the browser lifecycle for a describe block and returns a test
 * function that gives each test a fresh context and page, and saves a
 * screenshot (outside the repository) when the test fails.
 */
export function useBrowser(viewport = { width: 1280, height: 800 }) {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  return function e2e(name: string, body: (page: Page) => Promise<void>): void {
    it(name, async () => {
      const context: BrowserContext = await browser.newContext({
        baseURL: baseUrl(),
        viewport,
      });
      // Fail well inside the jest timeout, so the screenshot still gets taken.
      context.setDefaultTimeout(8_000);
      const page = await context.newPage();
      // Uncaught errors in the app fail the test even if the DOM looks right.
      const pageErrors: Error[] = [];
      page.on('pageerror', (error) => pageErrors.push(error));
      try {
        await body(page);
        expect(pageErrors.map((error) => error.message)).toEqual([]);
      } catch (error) {
        await saveScreenshot(page, name);
        throw error;
      } finally {
        await context.close();
      }
    });
  };
}

async function saveScreenshot(page: Page, testName: string): Promise<void> {
  try {
    screenshotDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'act-e2e-screenshots-'));
    const file = path.join(
      screenshotDir,
      `${testName.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`,
    );
    await page.screenshot({ path: file, fullPage: true });
    console.log(`web-e2e: screenshot of the failure saved to ${file}`);
  } catch (error) {
    console.log(`web-e2e: could not save a screenshot: ${(error as Error).message}`);
  }
}
