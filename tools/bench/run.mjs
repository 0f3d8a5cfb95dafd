#!/usr/bin/env node
/*
 * `npm run bench [-- --quick]`: bundles tools/bench/bench.ts with esbuild (tsconfig.base.json paths,
 * node_modules left external) and runs it as native ESM. TypeScript's own transpiler turns each
 * .ts file into JS first, so Nest's decorator metadata (emitDecoratorMetadata) is there as in the
 * app build; esbuild only resolves and bundles.
 */
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outfile = join(here, '.out', 'bench.mjs');

const transpile = {
  name: 'ts-transpile',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const out = ts.transpileModule(source, {
        fileName: args.path,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          useDefineForClassFields: false,
          sourceMap: false,
          inlineSourceMap: true,
          inlineSources: false,
        },
      });
      return { contents: out.outputText, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

const started = Date.now();
await build({
  entryPoints: [join(here, 'bench.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  tsconfig: join(root, 'tsconfig.base.json'),
  sourcemap: 'inline',
  plugins: [transpile],
  logLevel: 'warning',
});
console.log(`bench: bundled in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const args = process.argv.slice(2);
const nodeFlags = ['--enable-source-maps', '--max-old-space-size=4096'];
if (args.includes('--cpu-prof')) nodeFlags.push('--cpu-prof', `--cpu-prof-dir=${join(here, '.out', 'profiles')}`);
const child = spawn(process.execPath, [...nodeFlags, outfile, ...args.filter((a) => a !== '--cpu-prof')], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
