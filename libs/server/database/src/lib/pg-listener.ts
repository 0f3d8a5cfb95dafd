import pg from 'pg';

/**
 * PostgreSQL LISTEN on one dedicated connection, for waking this process when another one
 * commits (an append to the log, a projection's progress). Notifications only shorten waits:
 * whoever listens still polls, so a notification lost while the connection is down (the server
 * restarted, a network blip) delays a wake-up by one poll, never loses an event. The connection
 * is re-opened with a growing delay (at most `maxRetryMs`) until `close`.
 */
export class PgListener {
  private readonly handlers = new Map<string, Set<() => void>>();
  private client: pg.Client | null = null;
  /** The channels `client` listens on. */
  private listening = new Set<string>();
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs: number;
  private closed = false;
  /** Times the connection was (re-)established: lets tests and health checks see a reconnect. */
  connections = 0;

  constructor(
    private readonly connect: () => pg.Client,
    private readonly options: { readonly minRetryMs?: number; readonly maxRetryMs?: number } = {},
  ) {
    this.retryMs = options.minRetryMs ?? 100;
  }

  /**
   * Calls `handler` on every notification of `channel` (a lower-case identifier), from now
   * until the returned function is called. Resolves once the LISTEN is in place, or once the
   * first attempt failed (it is retried in the background).
   */
  async listen(channel: string, handler: () => void): Promise<() => void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Invalid channel name "${channel}"`);
    const existing = this.handlers.get(channel);
    const handlers = existing ?? new Set<() => void>();
    handlers.add(handler);
    this.handlers.set(channel, handlers);
    if (!existing) {
      await this.ensureConnected();
      const client = this.client;
      if (client && !this.listening.has(channel)) await this.listenOn(client, channel).catch(() => this.reconnect(client));
    }
    return () => {
      handlers.delete(handler);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private ensureConnected(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.open().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = this.connect();
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler();
    });
    // A dropped connection emits 'error' (and 'end'); both lead to one reconnect.
    client.on('error', () => this.reconnect(client));
    client.on('end', () => this.reconnect(client));
    this.listening = new Set();
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await this.listenOn(client, channel);
    } catch {
      await client.end().catch(() => undefined);
      this.scheduleRetry();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connections += 1;
    this.retryMs = this.options.minRetryMs ?? 100;
    // After a reconnect: whatever was committed while we were not listening is found by the
    // listeners' next poll; wake them now so that it is found at once.
    if (this.connections > 1) for (const handlers of this.handlers.values()) for (const handler of handlers) handler();
  }

  private async listenOn(client: pg.Client, channel: string): Promise<void> {
    await client.query(`listen ${channel}`);
    this.listening.add(channel);
  }

  private reconnect(client: pg.Client | null): void {
    if (this.closed || !client || this.client !== client) return;
    this.client = null;
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.options.maxRetryMs ?? 5_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.ensureConnected();
    }, delay);
    this.retryTimer.unref();
  }
}
