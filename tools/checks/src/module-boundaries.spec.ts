import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Proves the Nx module boundaries are enforced, not just declared: lint probe code as if it
 * were a library's index.ts (the rule finds the importing project through the project graph's
 * file map, so the path must be a real file) and check that forbidden imports fail for the
 * tag reason and allowed ones pass. Run under nx, which keeps the project graph the rule reads.
 */
const root = workspaceRoot(process.cwd());

// ESLint runs in a child process, as `nx lint` runs it, outside jest's module sandbox.
const LINT_PROBE = `
  import { ESLint } from 'eslint';
  const [code, filePath] = process.argv.slice(1);
  const [result] = await new ESLint({ cwd: process.cwd() }).lintText(code, { filePath });
  console.log(JSON.stringify(result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message)));
`;

async function boundaryErrors(probeIn: string, importPath: string): Promise<string[]> {
  const code = `import * as probe from '${importPath}';\nexport const used = probe;\n`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_PROBE, code, join(root, probeIn, 'src/index.ts')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(output) as string[];
}

describe('Nx module boundaries', () => {
  it.each([
    // A pair with no dependency the other way, so the only finding is the tag rule (not a cycle).
    ['domain → server', 'libs/domain/forecasting', '@act/server/database'],
    ['domain → contracts', 'libs/domain/event-sourcing', '@act/contracts'],
    ['web → server', 'libs/web/shell', '@act/server/platform'],
    ['server → web', 'libs/server/platform', '@act/web/shell'],
    ['contracts → server', 'libs/contracts', '@act/server/database'],
    ['util → domain', 'libs/util/core', '@act/domain/event-sourcing'],
  ])('forbids %s', async (_label, from, target) => {
    const errors = await boundaryErrors(from, target);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/tagged with "(type|platform):[a-z]+" can (only|not) depend on libs tagged with/);
  });

  it.each([
    ['domain → util', 'libs/domain/event-sourcing', '@act/util/core'],
    ['domain → domain', 'libs/domain/usage', '@act/domain/event-sourcing'],
    ['server → domain', 'libs/server/platform', '@act/domain/event-sourcing'],
    ['server → contracts', 'libs/server/platform', '@act/contracts'],
    ['web → contracts', 'libs/web/shell', '@act/contracts'],
  ])('allows %s', async (_label, from, target) => {
    expect(await boundaryErrors(from, target)).toEqual([]);
  });
});

/** Tests run from the project's folder; the rule must be given paths from the workspace root. */
function workspaceRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No nx.json above ${from}`);
  }
}
