import { existsSync } from 'node:fs';
import { request } from 'node:http';

/**
 * Where the adapter's integration suite finds a KurrentDB server: the one named by
 * EVENTSTORE_CONNECTION_STRING, else a throw-away container when a Docker engine answers,
 * else none (the suite is then skipped, and says why in its title).
 */
export type KurrentDbTarget =
  | { kind: 'connection-string'; connectionString: string; label: string }
  | { kind: 'container'; image: string; label: string }
  | { kind: 'none'; reason: string; label: string };

export interface KurrentDbServer {
  readonly connectionString: string;
  stop(): Promise<void>;
}

const DEFAULT_IMAGE = 'kurrentplatform/kurrentdb:latest';

export async function findKurrentDb(env: NodeJS.ProcessEnv = process.env): Promise<KurrentDbTarget> {
  const connectionString = env['EVENTSTORE_CONNECTION_STRING'];
  if (connectionString) return { kind: 'connection-string', connectionString, label: 'server from EVENTSTORE_CONNECTION_STRING' };
  const docker = await dockerEngineAnswers(env);
  if (docker === true) {
    const image = env['KURRENTDB_TEST_IMAGE'] || DEFAULT_IMAGE;
    return { kind: 'container', image, label: `testcontainers ${image}` };
  }
  const reason = `skipped: EVENTSTORE_CONNECTION_STRING is not set and no Docker engine answers (${docker})`;
  return { kind: 'none', reason, label: reason };
}

export async function startKurrentDb(target: KurrentDbTarget): Promise<KurrentDbServer> {
  if (target.kind === 'connection-string') return { connectionString: target.connectionString, stop: async () => undefined };
  if (target.kind === 'none') throw new Error(target.reason);
  // Loaded only when a container is really wanted: testcontainers probes Docker on import paths.
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(target.image)
    .withEnvironment({
      KURRENTDB_INSECURE: 'true',
      KURRENTDB_MEM_DB: 'true',
      KURRENTDB_RUN_PROJECTIONS: 'None',
      KURRENTDB_TELEMETRY_OPTOUT: 'true',
    })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
    .withStartupTimeout(120_000)
    .start();
  return {
    connectionString: `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** true, or why not: a quick ping of the Docker API (never hangs: 1.5 s at most). */
async function dockerEngineAnswers(env: NodeJS.ProcessEnv): Promise<true | string> {
  const host = env['DOCKER_HOST'];
  let target: { socketPath: string } | { host: string; port: number };
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
    if (!existsSync(socketPath)) return `no socket at ${socketPath}`;
    target = { socketPath };
  }
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: 1500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? true : `the Docker API answered ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve(`the Docker API did not answer: ${error.message}`));
    req.end();
  });
}
