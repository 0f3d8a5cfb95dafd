import type { ProviderId } from '@act/contracts';
import { defaultSyntheticUsage } from './synthetic/defaults';
import type { SyntheticUsage } from './synthetic/usage';

/** Providers a local test server can imitate (the cloud-hosted ones need cloud SDKs, see `unsupported.ts`). */
export type TestServerProvider = Exclude<
  ProviderId,
  'bedrock' | 'azure-openai'
>;

export const TEST_SERVER_PROVIDERS: readonly TestServerProvider[] = [
  'openai',
  'anthropic',
  'openrouter',
  'groq',
  'perplexity',
  'mistral',
  'deepseek',
  'gemini',
  'xai',
  'custom',
];

/** A credential the test server knows. */
export interface TestKey {
  value: string;
  /**
   * The provider's name for this kind of key (`admin`, `project`, `management`, `inference`, `standard`,
   * `restricted`, `blocked`…). Route modules word their refusals by it; the request log reports it instead of
   * the secret.
   */
  kind: string;
  /** What the key may do; `'*'` grants everything. Each route names the scope it needs. */
  scopes: readonly string[];
}

/**
 * The synthetic organisation behind a test server: its keys, and (OpenAI, Anthropic, OpenRouter) the usage and
 * cost series its usage endpoints serve (`SyntheticUsage`; deterministic from a seed).
 */
export interface TestOrganisation {
  id: string;
  name: string;
  keys: readonly TestKey[];
  /** Self-hosted OpenAI-compatible servers often run without keys (`custom`). */
  allowAnonymous?: boolean;
  /** DeepSeek `/user/balance`: a decimal string in USD; `"0.00"` makes `is_available` false. */
  balanceUsd?: string;
  /** What the usage/cost endpoints serve; absent or null = an organisation without usage (empty buckets). */
  usage?: SyntheticUsage | null;
}

/**
 * Well-known fake credentials with each provider's real prefix (the prefixes matter: connection tests word
 * their advice by them). They contain `test` and are not secrets.
 */
export const TEST_KEYS = {
  openai: {
    admin: 'sk-admin-test0000000000000000000000000000000000openai',
    /** An Admin key restricted to Organization Administration: OpenAI answers 401 "Missing scopes". */
    restrictedAdmin: 'sk-admin-test1111111111111111111111111111111restricted',
    project: 'sk-proj-test2222222222222222222222222222222222222project',
  },
  anthropic: {
    admin:
      'sk-ant-admin01-test000000000000000000000000000000000000-anthropicAA',
    standard:
      'sk-ant-api03-test11111111111111111111111111111111111111-standardAA',
  },
  openrouter: {
    management:
      'sk-or-v1-test0000000000000000000000000000000000000000000management',
    inference:
      'sk-or-v1-test1111111111111111111111111111111111111111111inference0',
  },
  groq: { valid: 'gsk_test0000000000000000000000000000000000000000000groq' },
  perplexity: {
    valid: 'pplx-test000000000000000000000000000000000000perplexity',
  },
  mistral: { valid: 'test0000000000000000000000mistral' },
  deepseek: { valid: 'sk-test00000000000000000000deepseek' },
  gemini: {
    valid: 'AIzaSyTest000000000000000000000000gemini',
    /** A key whose API restrictions exclude the Generative Language API. */
    restricted: 'AIzaSyTest111111111111111111restricted',
  },
  xai: {
    valid:
      'xai-test000000000000000000000000000000000000000000000000000000000000xai',
    blocked:
      'xai-test111111111111111111111111111111111111111111111111111111blocked',
  },
  custom: { valid: 'sk-test-custom-0000000000000000000000' },
} as const;

const ALL = ['*'] as const;

export function defaultTestOrganisation(
  provider: TestServerProvider,
): TestOrganisation {
  const base = {
    id: `org-test-${provider}`,
    name: `Test organisation (${provider})`,
  };
  switch (provider) {
    case 'openai':
      return {
        ...base,
        id: 'org-test0000000000000000openai',
        usage: defaultSyntheticUsage(),
        keys: [
          { value: TEST_KEYS.openai.admin, kind: 'admin', scopes: ALL },
          {
            value: TEST_KEYS.openai.restrictedAdmin,
            kind: 'admin',
            scopes: ['api.management.read'],
          },
          {
            value: TEST_KEYS.openai.project,
            kind: 'project',
            scopes: ['model.request', 'api.model.read'],
          },
        ],
      };
    case 'anthropic':
      return {
        ...base,
        usage: defaultSyntheticUsage(),
        keys: [
          { value: TEST_KEYS.anthropic.admin, kind: 'admin', scopes: ALL },
          {
            value: TEST_KEYS.anthropic.standard,
            kind: 'standard',
            scopes: ['messages'],
          },
        ],
      };
    case 'openrouter':
      return {
        ...base,
        usage: defaultSyntheticUsage(),
        keys: [
          {
            value: TEST_KEYS.openrouter.management,
            kind: 'management',
            scopes: ALL,
          },
          {
            value: TEST_KEYS.openrouter.inference,
            kind: 'inference',
            scopes: ['inference'],
          },
        ],
      };
    case 'gemini':
      return {
        ...base,
        keys: [
          { value: TEST_KEYS.gemini.valid, kind: 'api', scopes: ALL },
          {
            value: TEST_KEYS.gemini.restricted,
            kind: 'restricted',
            scopes: ['maps'],
          },
        ],
      };
    case 'xai':
      return {
        ...base,
        keys: [
          { value: TEST_KEYS.xai.valid, kind: 'api', scopes: ALL },
          { value: TEST_KEYS.xai.blocked, kind: 'blocked', scopes: ALL },
        ],
      };
    case 'deepseek':
      return {
        ...base,
        keys: [{ value: TEST_KEYS.deepseek.valid, kind: 'api', scopes: ALL }],
        balanceUsd: '12.50',
      };
    case 'groq':
    case 'perplexity':
    case 'mistral':
    case 'custom':
      return {
        ...base,
        keys: [{ value: TEST_KEYS[provider].valid, kind: 'api', scopes: ALL }],
      };
  }
}
