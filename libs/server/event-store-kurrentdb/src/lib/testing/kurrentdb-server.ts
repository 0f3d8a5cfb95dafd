import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';

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

const DEFAULT_IMAGE = 'kurrentplatform/kurrentdb:26.1.1';

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

/**
 * true, or why not: a quick ping of the Docker API (never hangs: 1.5 s at most). The engine is
 * looked for where testcontainers looks: DOCKER_HOST (unix, or tcp with DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH), `docker.host` in ~/.testcontainers.properties, then the usual sockets of a
 * system engine, a rootless one and Docker Desktop.
 */
async function dockerEngineAnswers(env: NodeJS.ProcessEnv): Promise<true | string> {
  const home = env['HOME'] ?? homedir();
  const host = env['DOCKER_HOST'] || testcontainersDockerHost(home);
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    const tls = Boolean(env['DOCKER_TLS_VERIFY']) && env['DOCKER_TLS_VERIFY'] !== '0';
    const certs = env['DOCKER_CERT_PATH'] || join(home, '.docker');
    const read = (file: string) => readFileSync(join(certs, file));
    if (!tls) return ping(httpRequest, { host: url.hostname, port: Number(url.port || 2375) });
    try {
      return ping(httpsRequest, { host: url.hostname, port: Number(url.port || 2376), ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') });
    } catch (error) {
      return `DOCKER_TLS_VERIFY is set but the certificates in ${certs} could not be read (${(error as Error).message})`;
    }
  }
  const candidates = host?.startsWith('unix://')
    ? [host.slice('unix://'.length)]
    : [
        '/var/run/docker.sock',
        env['XDG_RUNTIME_DIR'] ? join(env['XDG_RUNTIME_DIR'], 'docker.sock') : `/run/user/${process.getuid?.() ?? 0}/docker.sock`,
        join(home, '.docker', 'run', 'docker.sock'),
        join(home, '.docker', 'desktop', 'docker.sock'),
      ];
  const socketPath = candidates.find((path) => existsSync(path));
  if (!socketPath) return `no Docker socket at ${candidates.join(', ')}`;
  return ping(httpRequest, { socketPath });
}

/** `docker.host=…` from ~/.testcontainers.properties, where testcontainers reads it too. */
function testcontainersDockerHost(home: string): string | undefined {
  try {
    const text = readFileSync(join(home, '.testcontainers.properties'), 'utf8');
    return /^\s*docker\.host\s*[=:]\s*(\S+)/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}

function ping(send: (options: HttpsRequestOptions, callback: (res: IncomingMessage) => void) => ClientRequest, target: HttpsRequestOptions): Promise<true | string> {
  return new Promise((resolve) => {
    const req = send({ ...target, path: '/_ping', method: 'GET', timeout: 1500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? true : `the Docker API answered ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (error) => resolve(`the Docker API did not answer: ${error.message}`));
    req.end();
  });
}
