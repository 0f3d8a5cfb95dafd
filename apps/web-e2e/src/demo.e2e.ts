import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePort } from './support/server';
import { workspaceRoot } from './support/workspace';

/**
 * `npm run demo` seeds a populated workspace from the local provider test servers: prove it end to end. Its
 * --check mode verifies every promised property through the public API and prints one line per property;
 * this test holds it to those lines.
 */
describe('npm run demo', () => {
  it('starts the test servers and the product, seeds the workspace, and verifies every promised property', async () => {
    const port = await findFreePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'act-demo-e2e-'));
    const child = spawn(process.execPath, ['tools/demo/demo.mjs', '--check', '--port', String(port), '--data-dir', dataDir], {
      cwd: workspaceRoot,
      env: { ...process.env, DATABASE_URL: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    fs.rmSync(dataDir, { recursive: true, force: true });
    expect(`${code}\n${output}`).toMatch(/^0\n/);
    expect(output).not.toContain('NOT VERIFIED');
    expect(output).not.toContain('PRICE CHANGE FAILED');

    // Syncs: what the product holds per provider; OpenRouter serves only 30 days, and the line says so.
    expect(output).toMatch(/openai: synced 90\/90 days, \d+ observations, usage on 9\d days\n/);
    expect(output).toMatch(/anthropic: synced 90\/90 days, \d+ observations, usage on 9\d days\n/);
    expect(output).toMatch(/openrouter: synced (\d+)\/\1 days, \d+ observations, usage on 30 days \(OpenRouter's \/activity serves only the last 30 completed days\)/);
    expect(output).toMatch(/sent 90 days of groq request logs through the ingest API \(\d+ requests\)/);
    expect(output).toMatch(/sent 90 days of perplexity request logs through the ingest API \(\d+ requests\)/);
    expect(output).toMatch(/price change: a negotiated price for gpt-4o-mini-2024-07-18 from \d{4}-\d{2}-\d{2} \(20% off list\); cost version 2 active, recompute done \([1-9]\d* rows repriced/);
    expect(output).toMatch(/workspace populated in \d+\.\d s/);

    // The check's summary lines, one per property.
    expect(output).toMatch(/verified accounts: 6 accounts/);
    const weekday = output.match(/verified weekday pattern: weekday mean \$([\d.]+)\/day vs weekend \$([\d.]+)\/day \(×([\d.]+)/);
    expect(weekday).not.toBeNull();
    expect(Number(weekday?.[3])).toBeGreaterThanOrEqual(1.5);
    expect(output).toMatch(/verified anomaly day: \d{4}-\d{2}-\d{2} reported as a spike: .*OpenAI \(production org\) \$[\d.]+ vs \$[\d.]+ expected/);
    expect(output).toMatch(/verified price change: cost version 2 active \(2 versions\)/);
    expect(output).toMatch(
      /verified reconciled vs estimated: Perplexity on \d{4}-\d{2}-\d{2}: billed [\d.]+, estimated [\d.]+, difference 0\.\d+ \(\d+ requests × \$0\.004: high search-context fee billed, medium estimated\)/,
    );
    expect(output).toMatch(/verified month summary: \d{4}-\d{2}: Groq \$[\d.]+ estimated, Perplexity \$[\d.]+ estimated \/ \$[\d.]+ billed, subscription \$300\.00/);
    expect(output).toMatch(/check passed: 6 of 6 properties verified in \d+\.\d s/);
  }, 240_000);
});
