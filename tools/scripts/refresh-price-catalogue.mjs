#!/usr/bin/env node
// Replaces the shipped LiteLLM price catalogue with a newer copy of LiteLLM's
// model_prices_and_context_window.json, after checking its shape, and prints what changed.
//
//   node tools/scripts/refresh-price-catalogue.mjs <newer-file.json> [--dry-run] [--list] [--min-entries=N]
//
// --dry-run  check and compare only, write nothing
// --list     also print the keys added, removed and changed in price
// Exit codes: 0 done, 1 the file was refused, 2 bad arguments.
// Plain Node (no dependencies) so it runs before `npm ci`. The parser in
// libs/domain/pricing (parseLiteLlmCatalogue) skips and reports single malformed entries at run
// time; this script refuses a file that looks broken as a whole (too few entries, too many
// malformed ones, too few token prices). Written with JSON.stringify, 4-space indent: numbers
// come out in JavaScript's spelling (1.5e-8, 0) rather than Python's (1.5e-08, 0.0), same values.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHIPPED = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../libs/domain/pricing/catalogue/litellm-model-prices.json',
);
const DEFAULT_MIN_ENTRIES = 2000;
/** Share of entries that may be malformed before the whole file is refused. */
const MAX_MALFORMED_SHARE = 0.02;
const DOCUMENTATION_KEYS = new Set(['sample_spec']);

function usage(message) {
  if (message) console.error(message);
  console.error(
    'usage: node tools/scripts/refresh-price-catalogue.mjs <newer-file.json> [--dry-run] [--list] [--min-entries=N]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
const flags = new Set(args.filter((a) => a.startsWith('--') && !a.startsWith('--min-entries=')));
const minArg = args.find((a) => a.startsWith('--min-entries='));
const minEntries = minArg ? Number(minArg.split('=')[1]) : DEFAULT_MIN_ENTRIES;
for (const flag of flags) if (flag !== '--dry-run' && flag !== '--list') usage(`unknown option ${flag}`);
if (files.length !== 1) usage();
if (!Number.isSafeInteger(minEntries) || minEntries < 1) usage('--min-entries must be a positive integer');

/** Price fields: every `*cost*` field, LiteLLM's search prices and its tiered (range) prices. */
const isPriceField = (name) => /cost/.test(name) || name === 'tiered_pricing';

function isPrice(value) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Why an entry is malformed, or null. Stricter than parseLiteLlmCatalogue (which checks only the
 * fields it reads and skips the entries it cannot use): every `*cost*` field is checked here.
 */
function malformed(entry) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return 'not an object';
  if (typeof entry.litellm_provider !== 'string' || entry.litellm_provider.trim() === '') return 'no litellm_provider';
  if (entry.mode !== undefined && typeof entry.mode !== 'string') return 'mode is not a string';
  for (const [name, value] of Object.entries(entry)) {
    if (!/cost/.test(name) || value === null) continue;
    if (name === 'search_context_cost_per_query') {
      if (typeof value !== 'object' || Array.isArray(value)) return `${name} is not an object`;
      for (const [size, price] of Object.entries(value)) if (!isPrice(price)) return `${name}.${size} is not a price`;
    } else if (!isPrice(value)) {
      return `${name} is not a finite non-negative number`;
    }
  }
  return null;
}

function load(path, what) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    console.error(`cannot read the ${what} (${error.code ?? error.message})`);
    process.exit(1);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    console.error(`the ${what} is not JSON: ${error.message}`);
    process.exit(1);
  }
}

const next = load(files[0], 'new catalogue');
if (next === null || typeof next !== 'object' || Array.isArray(next)) {
  console.error('refused: the new catalogue is not a JSON object of model entries');
  process.exit(1);
}

const keys = Object.keys(next).filter((k) => !DOCUMENTATION_KEYS.has(k));
const problems = keys.map((k) => [k, malformed(next[k])]).filter(([, reason]) => reason !== null);
const priced = keys.filter((k) => isPrice(next[k]?.input_cost_per_token) || isPrice(next[k]?.output_cost_per_token));
const refusals = [];
if (keys.length < minEntries) refusals.push(`${keys.length} entries, fewer than the minimum ${minEntries}`);
if (problems.length > keys.length * MAX_MALFORMED_SHARE) {
  refusals.push(`${problems.length} malformed entries (more than ${MAX_MALFORMED_SHARE * 100}%)`);
}
if (priced.length < keys.length / 2) refusals.push(`only ${priced.length} of ${keys.length} entries have token prices`);
if (refusals.length > 0) {
  console.error(`refused: ${refusals.join('; ')}`);
  for (const [k, reason] of problems.slice(0, 20)) console.error(`  malformed ${k}: ${reason}`);
  process.exit(1);
}

const current = load(SHIPPED, 'shipped catalogue');
const priceOf = (entry) =>
  JSON.stringify(
    Object.keys(entry ?? {})
      .filter(isPriceField)
      .sort()
      .map((name) => [name, entry[name]]),
  );
const currentKeys = new Set(Object.keys(current).filter((k) => !DOCUMENTATION_KEYS.has(k)));
const added = keys.filter((k) => !currentKeys.has(k));
const removed = [...currentKeys].filter((k) => !(k in next));
const changed = keys.filter((k) => currentKeys.has(k) && priceOf(current[k]) !== priceOf(next[k]));

console.log(`entries: ${currentKeys.size} → ${keys.length}`);
console.log(`added: ${added.length}, removed: ${removed.length}, changed in price: ${changed.length}`);
if (problems.length > 0) {
  console.log(`malformed (the parser will skip them): ${problems.length}`);
  for (const [k, reason] of problems) console.log(`  ${k}: ${reason}`);
}
if (flags.has('--list')) {
  for (const [label, list] of [
    ['added', added],
    ['removed', removed],
    ['changed', changed],
  ]) {
    for (const k of list) console.log(`  ${label} ${k}`);
  }
}

if (flags.has('--dry-run')) {
  console.log('dry run: nothing written');
} else {
  // Same layout as the shipped copy (4-space indent, trailing newline); write then rename so a
  // failure never leaves half a catalogue behind.
  const temporary = `${SHIPPED}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(next, null, 4)}\n`);
  renameSync(temporary, SHIPPED);
  console.log(`written: ${relative(process.cwd(), SHIPPED)}`);
  console.log(
    'next: update the snapshot date in libs/domain/pricing/catalogue/README.md, run `npx nx test domain-pricing`, and import the',
  );
  console.log('      new prices as PriceSet events effective from the refresh day (catalogueToPriceSets).');
}
