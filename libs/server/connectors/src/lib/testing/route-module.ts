import type { IncomingHttpHeaders } from 'node:http';
import type {
  TestKey,
  TestOrganisation,
  TestServerProvider,
} from './organisation';

/**
 * One provider's behaviour on the test server: how it reads credentials, its routes, and its error bodies.
 * The server does the shared work (logging, faults, routing, key lookup, scope checks) and asks the module
 * only for what differs between providers. Sync connectors add routes here, reading the organisation's data.
 */
export interface ProviderRouteModule {
  provider: TestServerProvider;
  /** The API prefix an SDK's base URL includes on this server, e.g. `/v1` (`''` for Anthropic/DeepSeek style). */
  apiPrefix: string;
  readCredential(request: TestRequest): string | null;
  /** Checks the provider makes before authentication, e.g. Anthropic's required `anthropic-version` header. */
  precheck?(request: TestRequest): Reply | undefined;
  routes: readonly TestRoute[];
  replies: ProviderReplies;
}

export interface TestRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
}

export interface Reply {
  status: number;
  /** Serialised as JSON unless it is a string. */
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  request: TestRequest;
  organisation: TestOrganisation;
  /** `null` only when the organisation allows anonymous calls. */
  key: TestKey | null;
  now: Date;
  state: TestServerState;
}

/** What tests change on a running server besides faults. */
export interface TestServerState {
  /** How many times each UTC day was revised (`reviseDay`): each revision raises its numbers by 10 %. */
  readonly revisions: ReadonlyMap<string, number>;
  /** Largest page (buckets per page) whatever `limit` asks; `null` = the provider's own limits. */
  readonly pageSize: number | null;
}

export interface TestRoute {
  method: 'GET' | 'POST';
  /** Exact path, e.g. `/v1/organization/costs`. */
  path: string;
  /** The scope a key needs; see `TestKey.scopes`. */
  scope: string;
  handle(context: RouteContext): Reply;
}

/** Error answers in the provider's documented shape. */
export interface ProviderReplies {
  /** No credential, or one the organisation does not know. `presented` is the raw value (to mask, as providers do). */
  unauthenticated(presented: string | null): Reply;
  /** A known key without the route's scope. */
  forbidden(key: TestKey, scope: string): Reply;
  /** The server adds `Retry-After` itself; modules that also say it in the body (Google) get the seconds. */
  rateLimited(retryAfterSeconds: number | null): Reply;
  serverError(status: number): Reply;
  notFound(request: TestRequest): Reply;
}

export function bearerToken(request: TestRequest): string | null {
  const header = request.headers.authorization;
  const match =
    typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match ? match[1].trim() : null;
}

export function headerValue(request: TestRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

/** How providers echo a rejected key: enough to recognise it, never the whole secret. */
export function maskKey(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}***${key.slice(-4)}`;
}

export function json(
  status: number,
  body: unknown,
  headers?: Record<string, string>,
): Reply {
  return { status, body, headers };
}

export function intParam(
  url: URL,
  name: string,
): number | undefined | 'invalid' {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  return /^-?\d+$/.test(raw) ? Number(raw) : 'invalid';
}

export const DAY_SECONDS = 86_400;

/** Every value of a repeated query parameter, in both spellings (`group_by=a&group_by[]=b`). */
export function multiParam(url: URL, name: string): string[] {
  return [
    ...url.searchParams.getAll(name),
    ...url.searchParams.getAll(`${name}[]`),
  ].flatMap((value) => value.split(',').filter((part) => part !== ''));
}

/**
 * The buckets of one page: daily bucket starts (Unix seconds) from `first` while before `until`, at most
 * `limit` (and the server's `pageSize`), and where the next page starts.
 */
export function bucketPage(
  first: number,
  until: number,
  limit: number,
  pageSize: number | null,
): { starts: number[]; next: number | null } {
  const size = Math.max(1, Math.min(limit, pageSize ?? limit));
  const starts: number[] = [];
  let start = first;
  while (start < until && starts.length < size) {
    starts.push(start);
    start += DAY_SECONDS;
  }
  return { starts, next: start < until ? start : null };
}

export function utcDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** Sums rows that share the values of `keys`; fields not in `keys` and not summed become null. */
export function groupRows<R extends Record<string, unknown>>(
  rows: readonly R[],
  keys: readonly string[],
  dimensions: readonly string[],
  merge: (into: R, row: R) => void,
): R[] {
  const groups = new Map<string, R>();
  for (const row of rows) {
    const key = JSON.stringify(keys.map((name) => row[name] ?? null));
    const existing = groups.get(key);
    if (existing) {
      merge(existing, row);
      continue;
    }
    const copy = { ...row } as Record<string, unknown>;
    for (const dimension of dimensions) {
      if (!keys.includes(dimension)) copy[dimension] = null;
    }
    groups.set(key, copy as R);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => row);
}
