import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { apiMain, webDist, workspaceRoot } from './workspace';

const STARTUP_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 200;
const STOP_GRACE_MS = 5_000;

export interface RunningServer {
  baseUrl: string;
  child: ChildProcess;
  /** Holds the database directory and the server log; removed on stop. */
  tempDir: string;
  logFile: string;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not determine a free port'));
      });
    });
  });
}

export interface StartServerOptions {
  /** Extra settings for this server only (e.g. WEBHOOK_ALLOW_PRIVATE_NETWORKS for local receivers). */
  env?: Record<string, string>;
}

export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  for (const [file, what] of [
    [apiMain, 'api'],
    [path.join(webDist, 'index.html'), 'web'],
  ] as const) {
    if (!fs.existsSync(file)) {
      throw new Error(
        `The ${what} build is missing (${path.relative(workspaceRoot, file)}). ` +
          'Run the suite with `npx nx e2e web-e2e`, which builds api and web first.',
      );
    }
  }

  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'act-e2e-'));
  const dataDir = path.join(tempDir, 'data');
  fs.mkdirSync(dataDir);
  const logFile = path.join(tempDir, 'server.log');
  const logFd = fs.openSync(logFile, 'a');

  const child = spawn(process.execPath, [apiMain], {
    cwd: workspaceRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WEB_DIST_DIR: webDist,
      // Never the developer's own database: the browser tests get a throw-away PGlite.
      DATABASE_URL: '',
      // Every test registers its own users from one address.
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
      // No scheduled provider sync against the test servers while pages are clicked through.
      SYNC_SCHEDULER: 'false',
      ...options.env,
    },
    stdio: ['ignore', logFd, logFd],
  });
  // The child has its own copy of the descriptor.
  fs.closeSync(logFd);

  const server: RunningServer = { baseUrl, child, tempDir, logFile };
  try {
    await waitForHealth(server);
  } catch (error) {
    const tail = readTail(logFile, 40);
    await stopServer(server, { keepTempDir: true });
    throw new Error(
      `${(error as Error).message}\n` +
        `Server log (${logFile}), last lines:\n${tail || '(empty)'}`,
    );
  }
  return server;
}

async function waitForHealth(server: RunningServer): Promise<void> {
  const url = `${server.baseUrl}/api/v1/health`;
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastProblem = 'no answer yet';

  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `The api server exited during startup (code ${server.child.exitCode}, signal ${server.child.signalCode}).`,
      );
    }
    try {
      const response = await fetch(url, {
        signal: AbortSignal.timeout(2_000),
      });
      if (response.status === 200) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      // fetch() hides the useful part (e.g. ECONNREFUSED) in `cause`.
      const { message, cause } = error as Error & { cause?: { code?: string } };
      lastProblem = cause?.code ? `${message}: ${cause.code}` : message;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(
    `GET ${url} did not answer 200 within ${STARTUP_TIMEOUT_MS / 1000} s (last: ${lastProblem}).`,
  );
}

export async function stopServer(
  server: RunningServer,
  options: { keepTempDir?: boolean } = {},
): Promise<void> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const forced = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(forced);
  }
  if (!options.keepTempDir) {
    fs.rmSync(server.tempDir, { recursive: true, force: true });
  }
}

function readTail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
