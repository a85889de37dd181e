import { createHash } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort, type RunningService } from '@gaia/platform';
import { createTestDatabase, testAdminUrl, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { loadAuthConfig, startAuth } from '../src/index.js';
import { call, gateway, testEnv, type TestEnv } from './support/harness.js';

/** A TCP relay to PostgreSQL that can be switched on later, so the database "comes back". */
function startRelay(port: number, target: URL): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  server.on('close', () => sockets.forEach((socket) => socket.destroy()));
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('auth service while PostgreSQL is down', () => {
  const rawKey = 'bootstrap-key-while-db-is-down-0123';
  let database: TestDatabase;
  let env: TestEnv;
  let service: RunningService;
  let relay: Server | undefined;
  let port: number;

  before(async () => {
    database = await createTestDatabase();
    port = await freePort();
    const viaRelay = new URL(database.url);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(port);
    env = testEnv(viaRelay.toString(), { API_KEY: rawKey });
  });
  after(async () => {
    await service?.stop();
    relay?.close();
    await database.drop();
  });

  it('starts anyway and reports not ready, naming the database and the bootstrap key', async () => {
    service = await startAuth(loadAuthConfig(env));
    const ready = await fetch(`${service.url}/ready`);
    expect(ready.status).to.equal(503);
    const { checks } = (await ready.json()) as { checks: Record<string, string> };
    expect(checks.database).to.match(/^unavailable/);
    expect(checks.bootstrap_key).to.match(/^unavailable/);
    expect(checks.bus).to.equal('ok');
  });

  it('becomes ready with a working bootstrap key once the database is back', async () => {
    relay = await startRelay(port, new URL(testAdminUrl));
    await eventually(async () => (await fetch(`${service.url}/ready`)).status === 200, 15_000);
    const reply = await call(service.url, env.INTERNAL_AUTH_SECRET, 'POST', '/internal/keys/resolve', {
      identity: gateway,
      json: { key_hash: createHash('sha256').update(rawKey).digest('hex') },
    });
    expect(reply.body.valid).to.equal(true);
  });
});
