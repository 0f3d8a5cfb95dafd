import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findKurrentDb } from './kurrentdb-server';

/**
 * Where the contract suite finds a server. Each case answers over a real unix socket standing in
 * for a Docker engine's API, so the ping, its time-out and the socket search run for real.
 */
describe('findKurrentDb', () => {
  let dir: string;
  const servers: Array<Server | NetServer> = [];
  const accepted: Socket[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'act-docker-'));
  });

  afterEach(async () => {
    for (const socket of accepted.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A fake engine answering `/_ping` with `status`. */
  async function engine(socketPath: string, status = 200): Promise<string> {
    const server = createServer({ keepAlive: false }, (req, res) => {
      res.setHeader('connection', 'close');
      res.statusCode = req.url === '/_ping' ? status : 404;
      res.end('OK');
    });
    server.on('connection', (socket) => accepted.push(socket));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return socketPath;
  }

  // An environment with nothing of this machine's in it: no DOCKER_HOST, a home without sockets.
  const bare = () => ({ HOME: dir, XDG_RUNTIME_DIR: join(dir, 'run') }) as NodeJS.ProcessEnv;

  it('uses EVENTSTORE_CONNECTION_STRING first, without asking Docker', async () => {
    const target = await findKurrentDb({ ...bare(), EVENTSTORE_CONNECTION_STRING: 'kurrentdb://example:2113?tls=false', DOCKER_HOST: 'unix:///nowhere.sock' });
    expect(target).toMatchObject({ kind: 'connection-string', connectionString: 'kurrentdb://example:2113?tls=false' });
  });

  it('starts a container when the engine at DOCKER_HOST answers, with the pinned image unless overridden', async () => {
    const socket = await engine(join(dir, 'docker.sock'));
    expect(await findKurrentDb({ ...bare(), DOCKER_HOST: `unix://${socket}` })).toMatchObject({ kind: 'container', image: 'kurrentplatform/kurrentdb:26.1.1' });
    expect(await findKurrentDb({ ...bare(), DOCKER_HOST: `unix://${socket}`, KURRENTDB_TEST_IMAGE: 'my/kurrentdb:1' })).toMatchObject({ kind: 'container', image: 'my/kurrentdb:1' });
  });

  it("finds a rootless engine's socket and one named in ~/.testcontainers.properties", async () => {
    await engine(join(dir, 'docker.sock'));
    expect(await findKurrentDb({ ...bare(), XDG_RUNTIME_DIR: dir })).toMatchObject({ kind: 'container' });
    const named = await engine(join(dir, 'named.sock'));
    writeFileSync(join(dir, '.testcontainers.properties'), `# written by a docker context\ndocker.host=unix://${named}\n`);
    expect(await findKurrentDb(bare())).toMatchObject({ kind: 'container' });
  });

  it('skips, saying why, when there is no socket, the engine refuses, or nothing answers', async () => {
    const none = await findKurrentDb({ ...bare(), DOCKER_HOST: `unix://${join(dir, 'absent.sock')}` });
    expect(none).toMatchObject({ kind: 'none', reason: expect.stringMatching(/EVENTSTORE_CONNECTION_STRING is not set.*no Docker socket at .*absent\.sock/) });

    const refusing = await engine(join(dir, 'refusing.sock'), 500);
    expect(await findKurrentDb({ ...bare(), DOCKER_HOST: `unix://${refusing}` })).toMatchObject({ kind: 'none', reason: expect.stringMatching(/answered 500/) });

    // A socket that accepts and never answers: the ping gives up after its 1.5 s time-out.
    const silent = createNetServer((socket) => accepted.push(socket));
    servers.push(silent);
    const silentPath = join(dir, 'silent.sock');
    await new Promise<void>((resolve) => silent.listen(silentPath, resolve));
    expect(await findKurrentDb({ ...bare(), DOCKER_HOST: `unix://${silentPath}` })).toMatchObject({ kind: 'none', reason: expect.stringMatching(/did not answer: timed out/) });

    const tls = await findKurrentDb({ ...bare(), DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'certs') });
    expect(tls).toMatchObject({ kind: 'none', reason: expect.stringMatching(/certificates in .*certs could not be read/) });
  });
});
