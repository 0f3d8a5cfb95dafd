#!/usr/bin/env node
// Writes the part of OpenAI's official OpenAPI spec that the Usage and Costs APIs use (their paths and every
// component they reference, transitively) to src/testing-fixtures/openai-openapi.usage.yaml, for the test that
// validates the OpenAI test server's answers. The spec is MIT-licensed (openai-openapi.LICENSE, copied alongside).
//
//   node libs/server/connectors/tools/trim-openai-spec.mjs <path/to/openai-openapi.yaml> [source note]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const [input, note = 'openai/openai-openapi'] = process.argv.slice(2);
if (!input) {
  console.error('usage: trim-openai-spec.mjs <openai-openapi.yaml> [source note]');
  process.exit(2);
}
const spec = parse(readFileSync(input, 'utf8'));
const keep = (path) => path === '/organization/costs' || path.startsWith('/organization/usage/');
const paths = Object.fromEntries(Object.entries(spec.paths).filter(([path]) => keep(path)));

const components = {};
const pending = [];
const visit = (node) => {
  if (Array.isArray(node)) return node.forEach(visit);
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/')) pending.push(value);
    else visit(value);
  }
};
visit(paths);
while (pending.length > 0) {
  const ref = pending.pop();
  const [, , section, name] = ref.split('/');
  components[section] ??= {};
  if (components[section][name]) continue;
  const target = spec.components?.[section]?.[name];
  if (!target) throw new Error(`unresolved ${ref}`);
  components[section][name] = target;
  visit(target);
}
for (const section of Object.values(components)) {
  const sorted = Object.fromEntries(Object.entries(section).sort(([a], [b]) => a.localeCompare(b)));
  for (const key of Object.keys(section)) delete section[key];
  Object.assign(section, sorted);
}

const trimmed = {
  openapi: spec.openapi,
  info: { ...spec.info, description: `${spec.info?.description ?? ''}\n\nTrimmed to the Usage and Costs APIs.`.trim() },
  servers: spec.servers,
  paths,
  components: { ...components, securitySchemes: spec.components?.securitySchemes },
};
const header = [
  '# Trimmed from the OpenAI OpenAPI specification (openai-openapi.yaml):',
  `# source: ${note}`,
  '# Only /organization/usage/* and /organization/costs, with the components they reference.',
  '# Copyright (c) OpenAI (https://openai.com). MIT License: see openai-openapi.LICENSE next to this file.',
  '# Regenerate with libs/server/connectors/tools/trim-openai-spec.mjs.',
  '',
].join('\n');
const out = fileURLToPath(new URL('../src/testing-fixtures/openai-openapi.usage.yaml', import.meta.url));
writeFileSync(out, header + stringify(trimmed, { lineWidth: 0 }));
console.log(`wrote ${out}: ${Object.keys(paths).length} paths, ${Object.values(components).reduce((n, s) => n + Object.keys(s).length, 0)} components`);
