/**
 * Prefixes providers put in front of the random part of their keys. Showing one tells a user
 * which kind of key is stored (admin or project, which provider) without revealing anything
 * secret. Only known prefixes are shown: a generic "first segment" rule would, now and then,
 * reveal the start of a random base64url body that happens to contain a dash.
 * Longest first, so `sk-admin-` wins over `sk-`.
 */
const KNOWN_PREFIXES: readonly RegExp[] = [
  /^sk-ant-[a-z]+\d{2}-/, // Anthropic: sk-ant-admin01-, sk-ant-api03-
  /^sk-or-v\d+-/, // OpenRouter
  /^sk-(?:admin|proj|svcacct|None)-/, // OpenAI admin, project, service-account, legacy user keys
  /^act_ik_/, // this tracker's own ingest keys
  /^(?:gsk|hf|r8|fw)_/, // Groq, Hugging Face, Replicate, Fireworks
  /^(?:xai|pplx)-/, // xAI, Perplexity
  /^AIza/, // Google API keys (Gemini)
  /^sk-/, // OpenAI legacy, DeepSeek and others
];

/** Below this length nothing of the secret is shown at all. */
const MIN_LENGTH_FOR_TAIL = 12;
/** Below this length only the last two characters are shown. */
const MIN_LENGTH_FOR_FULL_HINT = 20;
/** At least this many characters stay hidden between the prefix and the tail. */
const MIN_HIDDEN = 12;

/**
 * A display hint for a secret: a known provider prefix, an ellipsis and the last 4 characters,
 * e.g. `sk-admin-…a1b2`, `sk-ant-admin01-…wxyz`, `AIza…9xQk`, or `…a1b2` for an unknown shape.
 * Short secrets show less (`…b2`) or nothing (`••••`), so a hint never gives away a meaningful
 * share of the secret.
 */
export function maskSecret(plaintext: string): string {
  const secret = plaintext.trim();
  if (secret.length < MIN_LENGTH_FOR_TAIL) return '••••';
  if (secret.length < MIN_LENGTH_FOR_FULL_HINT) return `…${secret.slice(-2)}`;
  const tail = secret.slice(-4);
  const prefix = knownPrefix(secret);
  const showsPrefix = secret.length - prefix.length - tail.length >= MIN_HIDDEN;
  return `${showsPrefix ? prefix : ''}…${tail}`;
}

function knownPrefix(secret: string): string {
  for (const pattern of KNOWN_PREFIXES) {
    const match = pattern.exec(secret);
    if (match) return match[0];
  }
  return '';
}
