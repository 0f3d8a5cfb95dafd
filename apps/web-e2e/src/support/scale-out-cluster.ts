import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { findFreePort } from './server';
import { apiMain, workspaceRoot } from './workspace';

/** One api process of the cluster. */
export interface ApiProcess {
  name: string;
  port: number;
  base: string;
  child: ChildProcess;
  logFile: string;
}

export function postgresAdminUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export async function sql<Row = Record<string, string>>(url: string, text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

export async function postgresReachable(): Promise<boolean> {
  try {
    await sql(postgresAdminUrl(), 'select 1');
    return true;
  } catch {
    return false;
  }
}

/**
 * Several real api processes (the built `dist/apps/api/main.js`) on one fresh PostgreSQL
 * database, with the secrets every process of one deployment shares (a token signed by one is
 * accepted by the others; credentials sealed by one are opened by the others).
 */
export class ApiCluster {
  readonly processes: ApiProcess[] = [];
  readonly databaseName = `act_scale_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  readonly databaseUrl: string;
  private readonly tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'act-scale-'));
  private readonly secrets = {
    JWT_SECRET: randomBytes(32).toString('hex'),
    CREDENTIAL_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  };

  constructor(private readonly env: Record<string, string>) {
    const url = new URL(postgresAdminUrl());
    url.pathname = `/${this.databaseName}`;
    this.databaseUrl = url.toString();
  }

  async createDatabase(): Promise<void> {
    await sql(postgresAdminUrl(), `create database ${this.databaseName}`);
  }

  query<Row = Record<string, string>>(text: string, params: unknown[] = []): Promise<Row[]> {
    return sql<Row>(this.databaseUrl, text, params);
  }

  async start(name: string): Promise<ApiProcess> {
    const port = await findFreePort();
    const dataDir = path.join(this.tempDir, name);
    fs.mkdirSync(dataDir, { recursive: true });
    const logFile = path.join(this.tempDir, `${name}.log`);
    const logFd = fs.openSync(logFile, 'a');
    const child = spawn(process.execPath, [apiMain], {
      cwd: workspaceRoot,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: this.databaseUrl,
        AUTH_RATE_LIMIT_PER_MINUTE: '10000',
        ...this.secrets,
        ...this.env,
      },
      stdio: ['ignore', logFd, logFd],
    });
    fs.closeSync(logFd);
    const started: ApiProcess = { name, port, base: `http://127.0.0.1:${port}/api/v1`, child, logFile };
    this.processes.push(started);
    await this.healthy(started);
    return started;
  }

  private async healthy(api: ApiProcess): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (api.child.exitCode !== null || api.child.signalCode !== null) break;
      try {
        if ((await fetch(`${api.base}/health`, { signal: AbortSignal.timeout(2000) })).ok) return;
      } catch {
        /* starting */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`api process ${api.name} did not become healthy; its log:\n${this.tail(api)}`);
  }

  tail(api: ApiProcess, lines = 40): string {
    try {
      return fs.readFileSync(api.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /**
   * SIGSTOP: the process stays alive but does nothing — no heartbeat, no answer — like a host
   * cut off from the network. Its pid exists, so only the leases' expiry frees its work.
   */
  freeze(api: ApiProcess): void {
    api.child.kill('SIGSTOP');
  }

  /** SIGKILL (also of a frozen process): no shutdown hook runs, its leases stay in the table. */
  async kill(api: ApiProcess): Promise<void> {
    if (api.child.exitCode !== null || api.child.signalCode !== null) return;
    const exited = new Promise((r) => api.child.once('exit', r));
    api.child.kill('SIGKILL');
    await exited;
  }

  /** The process whose pid is in a lease holder id (`host:pid:random`). */
  byHolder(holder: string): ApiProcess | undefined {
    const pid = Number(holder.split(':').at(-2));
    return this.processes.find((p) => p.child.pid === pid);
  }

  alive(): ApiProcess[] {
    return this.processes.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  }

  async dispose(): Promise<void> {
    await Promise.all(
      this.alive().map(async (p) => {
        const exited = new Promise((r) => p.child.once('exit', r));
        p.child.kill('SIGTERM');
        const forced = setTimeout(() => p.child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(forced);
      }),
    );
    await sql(postgresAdminUrl(), `drop database if exists ${this.databaseName} with (force)`).catch(() => undefined);
    fs.rmSync(this.tempDir, { recursive: true, force: true });
  }
}
