import type { ApiLocation } from '../http/base-url';
import type { ConnectionProbe } from './probe';
import { hasArray, standardVerdict } from './verdict';

/**
 * Providers without a usage API whose cheapest authenticated read is the OpenAI-compatible `GET <base>/models`
 * (free, no tokens spent). Usage for them comes from per-request ingest, so a working inference key is all the
 * test can and needs to prove.
 */
function modelsProbe(
  label: string,
  location: ApiLocation,
  keyName: string,
): ConnectionProbe {
  return {
    kind: 'http',
    label,
    location,
    credentialRequired: true,
    missingCredential: `No key is stored for this ${label} account; add ${keyName}.`,
    request: ({ credential }) => ({
      path: '/models',
      headers: {
        authorization: `Bearer ${credential ?? ''}`,
        accept: 'application/json',
      },
    }),
    interpret: (answer, context) =>
      standardVerdict(answer, context, {
        label,
        ok: 'it can list models',
        expected: 'an OpenAI-compatible model list',
        invalidKey: `${label} rejected this key (HTTP 401); check that it was copied in full and has not been revoked.`,
        insufficientScope: `${label} accepted the key but refused to list models (HTTP 403); check the key's permissions and the account's status in the ${label} console.`,
        isExpectedBody: (json) => hasArray(json, 'data'),
      }),
  };
}

/** Groq serves its OpenAI-compatible API under `/openai/v1`. */
export const groqProbe = modelsProbe(
  'Groq',
  { defaultBaseUrl: 'https://api.groq.com/openai/v1', prefix: '/openai/v1' },
  'a Groq API key (gsk_…)',
);

export const mistralProbe = modelsProbe(
  'Mistral',
  { defaultBaseUrl: 'https://api.mistral.ai/v1', prefix: '/v1' },
  'a Mistral API key',
);

/**
 * Custom: any OpenAI-compatible server (vLLM, Ollama, LiteLLM, a gateway). The base URL is required and used as
 * given; the key is optional because self-hosted servers often run without one.
 */
const CUSTOM_LABEL = 'The custom endpoint';
const customModels = modelsProbe(
  CUSTOM_LABEL,
  { defaultBaseUrl: '', prefix: '', verbatim: true },
  'its API key',
);

export const customProbe: ConnectionProbe = {
  ...customModels,
  credentialRequired: false,
  request: ({ credential }) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (credential) headers['authorization'] = `Bearer ${credential}`;
    return { path: '/models', headers };
  },
  interpret: (answer, context) =>
    answer.status === 401 && !context.credential
      ? {
          result: 'invalid_key',
          message:
            'The custom endpoint asks for a key (HTTP 401); add its API key to this account.',
        }
      : customModels.interpret(answer, context),
};
