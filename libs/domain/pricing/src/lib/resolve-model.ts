import type { CatalogueEntry } from './litellm-catalogue';

/** Catalogue entries by key, with the lookups model resolution needs. Build once per catalogue. */
export interface CatalogueIndex {
  readonly byKey: ReadonlyMap<string, CatalogueEntry>;
  /** Lower-cased key → key, for ids that differ from the catalogue only in case. */
  readonly byLowerKey: ReadonlyMap<string, string>;
  /** `claude-3-7-sonnet` → `claude-3-7-sonnet-20250219`: the newest dated snapshot of an undated base key. */
  readonly newestSnapshot: ReadonlyMap<string, string>;
}

export function buildCatalogueIndex(entries: readonly CatalogueEntry[]): CatalogueIndex {
  const byKey = new Map<string, CatalogueEntry>();
  const byLowerKey = new Map<string, string>();
  const snapshots = new Map<string, { key: string; date: string }>();
  for (const entry of entries) {
    byKey.set(entry.key, entry);
    if (!byLowerKey.has(entry.key.toLowerCase())) byLowerKey.set(entry.key.toLowerCase(), entry.key);
    const dated = /^(.*)-(\d{4}-\d{2}-\d{2}|\d{8})$/.exec(entry.key);
    if (dated) {
      const date = dated[2].replace(/-/g, '');
      const current = snapshots.get(dated[1]);
      if (!current || date > current.date) snapshots.set(dated[1], { key: entry.key, date });
    }
  }
  return { byKey, byLowerKey, newestSnapshot: new Map([...snapshots].map(([base, s]) => [base, s.key])) };
}

export type ModelResolution =
  | {
      readonly catalogueKey: string;
      /** The entry's identity in the price book: `litellm_provider` and the key without its prefix. */
      readonly provider: string;
      readonly model: string;
      /** `exact`: the id names the entry; `alias`: found after normalising the id (see `note`). */
      readonly match: 'exact' | 'alias';
      readonly note?: string;
    }
  | { readonly unpriced: string };

interface ProviderProfile {
  /** Key prefixes tried, in order (`''` = the plain key). */
  readonly prefixes: readonly string[];
  /** `litellm_provider` values an entry may have to price this provider's usage. */
  readonly accepts: (litellmProvider: string) => boolean;
}

const only =
  (...names: string[]) =>
  (p: string) =>
    names.includes(p);

const PROFILES: Record<string, ProviderProfile> = {
  openai: { prefixes: ['', 'openai/'], accepts: only('openai', 'text-completion-openai') },
  anthropic: { prefixes: ['', 'anthropic/'], accepts: only('anthropic') },
  openrouter: { prefixes: ['openrouter/'], accepts: only('openrouter') },
  groq: { prefixes: ['groq/'], accepts: only('groq') },
  perplexity: { prefixes: ['perplexity/'], accepts: only('perplexity') },
  mistral: { prefixes: ['mistral/'], accepts: only('mistral') },
  deepseek: { prefixes: ['deepseek/', ''], accepts: only('deepseek') },
  // Google AI Studio. The plain `gemini-*` keys are mostly Vertex AI's, which bills separately.
  gemini: { prefixes: ['gemini/', ''], accepts: only('gemini') },
  vertex_ai: { prefixes: ['vertex_ai/', ''], accepts: (p) => p.startsWith('vertex_ai') },
  xai: { prefixes: ['xai/'], accepts: only('xai') },
  bedrock: { prefixes: ['', 'bedrock/'], accepts: only('bedrock', 'bedrock_converse') },
  azure: { prefixes: ['azure/'], accepts: only('azure', 'azure_text') },
};

/** Other spellings of provider names seen in account setups and OpenRouter vendor segments. */
const PROVIDER_ALIASES: Record<string, string> = {
  google: 'gemini',
  'google-ai-studio': 'gemini',
  vertex: 'vertex_ai',
  'x-ai': 'xai',
  grok: 'xai',
  mistralai: 'mistral',
  'aws-bedrock': 'bedrock',
  'amazon-bedrock': 'bedrock',
  'azure-openai': 'azure',
};

/** OpenRouter's vendor segment (`anthropic/claude-3.5-sonnet`) → the provider that sells it directly. */
const OPENROUTER_VENDORS: Record<string, string> = {
  openai: 'openai',
  anthropic: 'anthropic',
  google: 'gemini',
  'x-ai': 'xai',
  mistralai: 'mistral',
  deepseek: 'deepseek',
  perplexity: 'perplexity',
};

const BEDROCK_GEO = /^(?:us|eu|apac|au|jp|ca|global|us-gov)\./;

/**
 * Finds the catalogue entry that prices `modelId` as reported by `provider`, or says why none
 * does. Never guesses across providers except OpenRouter → the vendor it resells. Tried in
 * order, each for every key form of the provider (`groq/<id>`, plain `<id>`, …):
 *  1. the id itself (after dropping a `models/` or `<provider>/` prefix, or a Bedrock ARN);
 *  2. the id in another spelling: case, `@` → `-` (Vertex dates), `claude-3.5` → `claude-3-5`,
 *     a fine-tuned OpenAI id → its `ft:<base>` entry;
 *  3. without `-latest`, then without a date/version suffix (`-2024-07-18`, `-20241022`,
 *     `-0125`, `@20240620`, `-002`, Bedrock `-v1:0`), then the newest dated snapshot of the base;
 *  4. OpenRouter: the vendor's own entry (`anthropic/claude-3.5-sonnet` → `anthropic` rules).
 * A Bedrock geo inference profile (`us.`, `eu.`, `jp.`…) is never priced as its base model:
 * in this catalogue 49 of 110 such profiles cost more than the base (typically +10 %).
 * Step 1 is an `exact` match; the others are `alias` with a note the read model can show.
 */
export function resolveModel(provider: string, modelId: string, index: CatalogueIndex): ModelResolution {
  const providerName = normaliseProvider(provider);
  const id = stripIdPrefixes(providerName, modelId.trim());
  if (id === '') return { unpriced: `empty model id for provider ${provider}` };
  const profile = PROFILES[providerName] ?? {
    prefixes: [`${providerName}/`, ''],
    accepts: (p: string) => p === providerName,
  };
  const tried: string[] = [];

  const lookup = (candidate: string): CatalogueEntry | undefined => {
    for (const prefix of profile.prefixes) {
      const key = prefix + candidate;
      tried.push(key);
      const entry = index.byKey.get(key) ?? index.byKey.get(index.byLowerKey.get(key.toLowerCase()) ?? '');
      if (entry && profile.accepts(entry.provider)) return entry;
    }
    return undefined;
  };
  const found = (entry: CatalogueEntry, match: 'exact' | 'alias', note?: string): ModelResolution => ({
    catalogueKey: entry.key,
    provider: entry.provider,
    model: entry.model,
    match,
    ...(note ? { note } : {}),
  });

  for (const prefix of profile.prefixes) {
    const entry = index.byKey.get(prefix + id);
    if (entry && profile.accepts(entry.provider)) return found(entry, 'exact');
  }
  const caseOnly = lookup(id);
  if (caseOnly) return found(caseOnly, 'alias', `${id} matched ignoring case`);

  for (const spelling of spellings(providerName, id)) {
    const entry = lookup(spelling);
    if (entry) return found(entry, 'alias', `${id} read as ${spelling}`);
  }
  for (const base of bases(id)) {
    for (const candidate of [base, ...spellings(providerName, base)]) {
      const entry = lookup(candidate);
      if (entry) return found(entry, 'alias', `priced as ${entry.key}: no entry for ${id}`);
      for (const prefix of profile.prefixes) {
        const snapshot = index.newestSnapshot.get(prefix + candidate);
        const snapshotEntry = snapshot ? index.byKey.get(snapshot) : undefined;
        if (snapshotEntry && profile.accepts(snapshotEntry.provider)) {
          return found(
            snapshotEntry,
            'alias',
            `priced as the newest snapshot ${snapshotEntry.key}: no entry for ${id}`,
          );
        }
      }
    }
  }
  if (providerName === 'openrouter') {
    const slash = id.indexOf('/');
    const vendor = slash > 0 ? OPENROUTER_VENDORS[id.slice(0, slash)] : undefined;
    if (vendor) {
      const direct = resolveModel(vendor, id.slice(slash + 1), index);
      if ('catalogueKey' in direct) {
        return {
          ...direct,
          match: 'alias',
          note: `no OpenRouter entry for ${id}; priced at ${vendor}'s own price${direct.note ? ` (${direct.note})` : ''}`,
        };
      }
    }
  }
  let reason = unpricedReason(provider, modelId, tried, index);
  const geoBase = providerName === 'bedrock' && BEDROCK_GEO.test(id) ? id.replace(BEDROCK_GEO, '') : undefined;
  if (geoBase && index.byKey.has(geoBase)) {
    reason += `; ${geoBase} is listed, but regional inference profiles often cost more than the base model, so it is not used`;
  }
  return { unpriced: reason };
}

function normaliseProvider(provider: string): string {
  const p = provider.trim().toLowerCase();
  return PROVIDER_ALIASES[p] ?? p;
}

function stripIdPrefixes(provider: string, id: string): string {
  let out = id;
  // Gemini's REST API names models `models/gemini-1.5-pro-002`.
  if (out.startsWith('models/')) out = out.slice('models/'.length);
  // Bedrock ARNs end in the model id: `arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-…`.
  if (provider === 'bedrock' && out.startsWith('arn:')) out = out.slice(out.lastIndexOf('/') + 1);
  if (out.toLowerCase().startsWith(`${provider}/`)) out = out.slice(provider.length + 1);
  return out;
}

/** Other spellings of the same id, most specific first. */
function spellings(provider: string, id: string): string[] {
  const out = new Set<string>();
  // A fine-tuned OpenAI model `ft:gpt-4o-mini-2024-07-18:org:name:id` bills at its base's
  // fine-tuned price (`ft:gpt-4o-mini-2024-07-18`), never at the base model's own price.
  const fineTuned = /^(ft:[^:]+):/.exec(id);
  if (fineTuned && (provider === 'openai' || provider === 'azure')) out.add(fineTuned[1]);
  if (id.includes('@')) out.add(id.replace('@', '-'));
  // Anthropic writes versions with dashes (`claude-3-5-sonnet`), OpenRouter with dots (`claude-3.5-sonnet`).
  if (/claude/.test(id)) out.add(id.replace(/(\d)\.(\d)/g, '$1-$2'));
  // OpenRouter variants billed like the model itself (`:thinking`, `:beta` = self-moderated).
  // Not `:free` ($0), `:online` (search fees) or routing variants (`:nitro`, `:floor`).
  if (provider === 'openrouter') out.add(id.replace(/:(?:beta|thinking)$/, ''));
  // Azure spells GPT-3.5 without the dot.
  if (provider === 'azure') out.add(id.replace('gpt-3.5', 'gpt-35'));
  out.delete(id);
  return [...out];
}

/** The id with a `-latest` alias or a date/version suffix removed, in the order tried. */
function bases(id: string): string[] {
  const out: string[] = [];
  const add = (candidate: string) => {
    if (candidate !== id && candidate !== '' && !out.includes(candidate)) out.push(candidate);
  };
  add(id.replace(/-latest$/, ''));
  for (const suffix of [
    /-v\d+(?::\d+)?$/, // Bedrock -v1:0
    /[-@]\d{4}-\d{2}-\d{2}$/, // OpenAI -2024-07-18
    /[-@]\d{8}$/, // Anthropic -20241022, Vertex @20240620
    /-\d{4}$/, // OpenAI -0125, Mistral -2407, xAI -1212
    /-\d{3}$/, // Gemini -002
  ]) {
    const stripped = id.replace(suffix, '');
    add(stripped);
    // Bedrock ids carry both: anthropic.claude-3-5-sonnet-20240620-v1:0.
    add(stripped.replace(/[-@]\d{8}$/, ''));
  }
  return out;
}

function unpricedReason(provider: string, modelId: string, tried: readonly string[], index: CatalogueIndex): string {
  const bare =
    modelId
      .replace(/^models\//, '')
      .split('/')
      .pop() ?? modelId;
  const elsewhere = [...index.byKey.values()]
    .filter((e) => e.key.endsWith(bare) || e.model === bare)
    .map((e) => `${e.key} (${e.provider})`)
    .slice(0, 3);
  const triedList = [...new Set(tried)].slice(0, 6).join(', ');
  return (
    `no catalogue price for ${provider} model ${modelId} (tried ${triedList})` +
    (elsewhere.length > 0 ? `; the catalogue lists it only for other providers: ${elsewhere.join(', ')}` : '')
  );
}
