import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePort } from './support/server';
import { workspaceRoot } from './support/workspace';

/** `npm run demo` seeds a populated workspace from the local provider test servers: prove it end to end. */
describe('npm run demo', () => {
  it('starts the test servers and the product, syncs three providers, ingests, and passes its own check', async () => {
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
    expect(output).toMatch(/openai: 90\/90 days synced/);
    expect(output).toMatch(/anthropic: 90\/90 days synced/);
    expect(output).toMatch(/openrouter: 90\/90 days synced/);
    expect(output).toContain('set a negotiated price for gpt-4o-mini');
    expect(output).toContain('check passed: 6 accounts');
  }, 240_000);
});
