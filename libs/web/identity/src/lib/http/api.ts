/**
 * Relative (no leading slash), like the shell's health URL: the API is served
 * from the web app's origin and requests follow the document's `<base href>`.
 */
export const API_BASE = 'api/v1';

/** `api/v1/<segments…>`, each segment URI-encoded (ids and tokens come from users and links). */
export function apiUrl(...segments: string[]): string {
  return [API_BASE, ...segments.map((segment) => encodeURIComponent(segment))].join('/');
}

const API_PREFIX = /^\/?api\/v1(?=[/?]|$)/;

/**
 * True for requests to our own API. Only relative URLs count: an absolute URL
 * may point at another origin, which must never receive the access token.
 */
export function isApiUrl(url: string): boolean {
  return API_PREFIX.test(url);
}

/** The path below `api/v1/`, without query: `auth/login`, `workspaces/ws1/accounts`. */
export function apiPath(url: string): string {
  return url.replace(API_PREFIX, '').replace(/^\//, '').split(/[?#]/)[0] ?? '';
}
