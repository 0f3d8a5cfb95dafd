/**
 * Where a provider's API lives, and how a user-supplied base URL (gateway, proxy, test server) is read.
 *
 * The rule, the same for every provider (documented in the README):
 * 1. Trailing slashes, the query string and the fragment of a base URL are ignored.
 * 2. If its last path segment is a version (`v1`, `v1beta`, `v2`…), the URL already names the API root and is
 *    used as is.
 * 3. Otherwise the provider's API prefix is appended (`/v1`, `/api/v1` for OpenRouter, `/openai/v1` for Groq,
 *    `/v1beta` for Gemini) — only its missing tail when the URL already ends with its head
 *    (`https://openrouter.ai/api` → `https://openrouter.ai/api/v1`).
 * Providers whose endpoint sits at the root (DeepSeek's `/user/balance`) have an empty prefix; there a
 * trailing version segment is dropped instead, because users paste the OpenAI-compatible `…/v1` base.
 * `custom` has no rule: its base URL is the OpenAI-compatible root the user gave, used as is.
 */
export interface ApiLocation {
  /** The provider's public API root, with its prefix, e.g. `https://api.openai.com/v1`. */
  defaultBaseUrl: string;
  /** Path segments between the host and the endpoints, e.g. `/v1`; `''` when endpoints sit at the root. */
  prefix: string;
  /** `custom`: the user's URL is the API root. */
  verbatim?: boolean;
}

export type BaseUrlResolution =
  | { ok: true; apiRoot: URL }
  | { ok: false; reason: 'invalid' | 'credentials_in_url' };

const VERSION_SEGMENT = /^v\d+([a-z]+\d*)?$/;

export function resolveApiRoot(
  location: ApiLocation,
  override: string | null,
): BaseUrlResolution {
  const raw = override?.trim() ? override.trim() : location.defaultBaseUrl;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, reason: 'invalid' };
  // fetch refuses such URLs, and a password in a base URL would end up in `endpoint`-style displays.
  if (url.username || url.password)
    return { ok: false, reason: 'credentials_in_url' };
  url.search = '';
  url.hash = '';
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  url.pathname = '/' + applyPrefix(segments, location).join('/');
  return { ok: true, apiRoot: url };
}

function applyPrefix(segments: string[], location: ApiLocation): string[] {
  if (location.verbatim) return segments;
  const prefix = location.prefix.split('/').filter((segment) => segment !== '');
  const last = segments[segments.length - 1];
  if (prefix.length === 0) {
    return last !== undefined && VERSION_SEGMENT.test(last)
      ? segments.slice(0, -1)
      : segments;
  }
  if (last !== undefined && VERSION_SEGMENT.test(last)) return segments;
  // Longest head of the prefix the URL already ends with (`/api` of `/api/v1`); 0 when none.
  for (let head = prefix.length - 1; head > 0; head--) {
    const tail = segments.slice(-head);
    if (
      tail.length === head &&
      tail.every((segment, i) => segment === prefix[i])
    ) {
      return [...segments, ...prefix.slice(head)];
    }
  }
  return [...segments, ...prefix];
}

/** Joins an endpoint path (`/organization/costs`) onto an API root and adds the query. */
export function endpointUrl(
  apiRoot: URL,
  path: string,
  query: ReadonlyArray<readonly [string, string]> = [],
): URL {
  const url = new URL(apiRoot.href);
  url.pathname = (apiRoot.pathname.replace(/\/+$/, '') + path).replace(
    /^\/\//,
    '/',
  );
  url.search = new URLSearchParams(
    query.map(([key, value]) => [key, value]),
  ).toString();
  return url;
}
