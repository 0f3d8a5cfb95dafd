import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { transformAnswer } from './answer-faults';
import {
  FaultQueue,
  isAnswerFault,
  type FaultOptions,
  type TestServerFault,
} from './faults';
import {
  defaultTestOrganisation,
  type TestKey,
  type TestOrganisation,
  type TestServerProvider,
} from './organisation';
import type { Reply, TestRequest, TestServerState } from './route-module';
import { ROUTE_MODULES } from './routes';

export interface ProviderTestServerOptions {
  provider: TestServerProvider;
  /** Defaults to `defaultTestOrganisation(provider)` (keys in `TEST_KEYS`). */
  organisation?: TestOrganisation;
  /** The server's clock, for "now" in usage windows. */
  now?: () => Date;
  /** Largest page (buckets per page) whatever `limit` asks, to exercise pagination with few days. */
  pageSize?: number;
}

/** A request as the server saw it, with every credential replaced. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string[]>;
  /** Lower-case names; credential headers read `[redacted]`. */
  headers: Record<string, string>;
  /** The presented key's `kind`, `unknown` for a key the organisation does not have, `none` without one. */
  credential: string;
  /** The fault that answered this request, if any. */
  fault: TestServerFault['kind'] | null;
}

export interface ProviderTestServer {
  provider: TestServerProvider;
  /** `http://127.0.0.1:<port>`, without the API prefix: pass it as an account's base URL. */
  baseUrl: string;
  /** `baseUrl` plus the provider's API prefix (`…/v1`), what an SDK's `baseURL` would be. */
  apiBaseUrl: string;
  organisation: TestOrganisation;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Makes the next matching request(s) fail; see `TestServerFault`. */
  setFault(fault: TestServerFault, options?: FaultOptions): void;
  clearFaults(): void;
  /**
   * The provider revises a day: its numbers (usage and cost) rise by 10 % per call — late corrections of
   * history, on top of the time-based late data of recent days (see `SyntheticUsage`).
   */
  reviseDay(day: string): void;
  /** Changes the page size (`null`: the provider's own limits). */
  setPageSize(size: number | null): void;
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set([
  'authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'cookie',
  'proxy-authorization',
]);
const SECRET_QUERY = new Set([
  'key',
  'api_key',
  'apikey',
  'token',
  'access_token',
]);

/**
 * A real HTTP server on 127.0.0.1 (random port) that answers like one provider's API: documented auth rules,
 * body shapes and error shapes. Connectors are tested against it over real sockets, never against mocks of
 * our own client.
 */
export async function startProviderTestServer(
  options: ProviderTestServerOptions,
): Promise<ProviderTestServer> {
  const module = ROUTE_MODULES[options.provider];
  if (!module)
    throw new Error(`No test server for provider ${String(options.provider)}`);
  const organisation =
    options.organisation ?? defaultTestOrganisation(options.provider);
  const now = options.now ?? (() => new Date());
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const revisions = new Map<string, number>();
  let pageSize: number | null = options.pageSize ?? null;
  const state = (): TestServerState => ({ revisions, pageSize });

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      // A bug in a route module must show up as a 500 in the test, not crash the test process.
      if (!res.headersSent) send(res, module.replies.serverError(500));
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const request: TestRequest = {
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://127.0.0.1'),
      headers: req.headers,
    };
    const presented = module.readCredential(request);
    const key =
      presented === null
        ? undefined
        : organisation.keys.find((candidate) => candidate.value === presented);
    const record = recordOf(
      request,
      presented === null ? 'none' : (key?.kind ?? 'unknown'),
    );
    requests.push(record);

    const fault = faults.take(request.url.pathname);
    if (fault) record.fault = fault.kind;
    if (fault?.kind === 'truncated') {
      sendTruncated(res, answer(request, presented, key), fault.lengthMatches === true);
      return;
    }
    if (fault && !isAnswerFault(fault)) {
      applyFault(fault, req, res);
      return;
    }
    const reply = answer(request, presented, key);
    if (!fault) return send(res, reply);
    const changed = transformAnswer(fault, reply, request);
    if (fault.kind !== 'slow') return send(res, changed);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) send(res, changed);
    }, fault.delayMs);
    timers.add(timer);
  }

  function answer(
    request: TestRequest,
    presented: string | null,
    key: TestKey | undefined,
  ): Reply {
    const route = module.routes.find(
      (r) => r.method === request.method && r.path === request.url.pathname,
    );
    if (!route) return module.replies.notFound(request);
    const precheck = module.precheck?.(request);
    if (precheck) return precheck;
    if (!key && !(organisation.allowAnonymous && presented === null)) {
      return module.replies.unauthenticated(presented);
    }
    if (key && !grants(key, route.scope))
      return module.replies.forbidden(key, route.scope);
    return route.handle({
      request,
      organisation,
      key: key ?? null,
      now: now(),
      state: state(),
    });
  }

  function applyFault(
    fault: TestServerFault,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    switch (fault.kind) {
      case 'rate_limit': {
        const seconds =
          fault.retryAfterSeconds === undefined ? 30 : fault.retryAfterSeconds;
        const reply = module.replies.rateLimited(seconds);
        const withHeader = seconds !== null && fault.retryAfterHeader !== false;
        send(
          res,
          withHeader
            ? {
                ...reply,
                headers: { ...reply.headers, 'retry-after': String(seconds) },
              }
            : reply,
        );
        return;
      }
      case 'server_error':
        send(res, module.replies.serverError(fault.status ?? 500));
        return;
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'truncated':
        // Handled before the normal answer is computed (it needs that answer).
        return;
      case 'malformed':
        send(res, {
          status: 200,
          body: '<!doctype html><html><body>Sign in to continue</body></html>',
          headers: { 'content-type': 'text/html' },
        });
        return;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    provider: options.provider,
    baseUrl,
    apiBaseUrl: baseUrl + module.apiPrefix,
    organisation,
    requests,
    setFault: (fault, faultOptions) => faults.add(fault, faultOptions),
    clearFaults: () => faults.clear(),
    reviseDay: (day) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
      revisions.set(day, (revisions.get(day) ?? 0) + 1);
    },
    setPageSize: (size) => {
      pageSize = size;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const res of hanging) res.socket?.destroy();
      // Keep-alive sockets from fetch's pool would otherwise hold `close()` open.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function grants(key: TestKey, scope: string): boolean {
  return key.scopes.includes('*') || key.scopes.includes(scope);
}

function send(res: ServerResponse, reply: Reply): void {
  const text =
    typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type':
      typeof reply.body === 'string'
        ? 'text/plain; charset=utf-8'
        : 'application/json',
    ...reply.headers,
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Half of the answer's text; see the `truncated` fault. */
function sendTruncated(res: ServerResponse, reply: Reply, lengthMatches: boolean): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    ...reply.headers,
    'content-length': String(Buffer.byteLength(lengthMatches ? cut : text)),
  });
  if (lengthMatches) {
    res.end(cut);
    return;
  }
  // Flush the first half, then drop the connection before the announced length is reached.
  res.write(cut, () => res.socket?.destroy());
}

function recordOf(request: TestRequest, credential: string): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name] = SECRET_HEADERS.has(name)
      ? '[redacted]'
      : Array.isArray(value)
        ? value.join(', ')
        : value;
  }
  const query: Record<string, string[]> = {};
  request.url.searchParams.forEach((value, name) => {
    (query[name] ??= []).push(
      SECRET_QUERY.has(name.toLowerCase()) ? '[redacted]' : value,
    );
  });
  return {
    method: request.method,
    path: request.url.pathname,
    query,
    headers,
    credential,
    fault: null,
  };
}
