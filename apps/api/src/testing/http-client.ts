/** A response as the tests look at it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON bodies
export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
  text: string;
}

/** Every response the client saw, for the tests that scan them for secrets. */
export const seenResponses: string[] = [];

/**
 * A tiny HTTP client for the API: JSON in and out, a bearer token, and a cookie jar of one
 * cookie (the refresh token), like a browser would keep it.
 */
export class ApiClient {
  accessToken: string | null = null;
  refreshCookie: string | null = null;

  constructor(private readonly base: () => string) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const response = await fetch(`${this.base()}/api/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.accessToken ? { authorization: `Bearer ${this.accessToken}` } : {}),
        ...(this.refreshCookie ? { cookie: this.refreshCookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('act_refresh='));
    if (setCookie) {
      const value = setCookie.split(';')[0];
      this.refreshCookie = value === 'act_refresh=' ? null : value;
    }
    const text = await response.text();
    seenResponses.push(`${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}`);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, body: parsed as T, headers: response.headers, text };
  }

  /* eslint-disable @typescript-eslint/no-explicit-any */
  get = <T = any>(path: string) => this.call<T>('GET', path);
  post = <T = any>(path: string, body?: unknown) => this.call<T>('POST', path, body ?? {});
  patch = <T = any>(path: string, body?: unknown) => this.call<T>('PATCH', path, body ?? {});
  delete = <T = any>(path: string) => this.call<T>('DELETE', path);
  /* eslint-enable @typescript-eslint/no-explicit-any */

  async register(email: string, password = 'correct horse battery staple', extra: Record<string, string> = {}) {
    const reply = await this.post('/auth/register', { email, password, ...extra });
    if (reply.status === 201) this.accessToken = reply.body.accessToken;
    return reply;
  }

  async login(email: string, password = 'correct horse battery staple') {
    const reply = await this.post('/auth/login', { email, password });
    if (reply.status === 200) this.accessToken = reply.body.accessToken;
    return reply;
  }
}
