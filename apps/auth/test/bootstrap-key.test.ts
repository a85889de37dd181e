import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { createDatabase, createLogger, type Database, type RunningService } from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { loadAuthConfig, startAuth } from '../src/index.js';
import { ensureBootstrapKey } from '../src/keys/bootstrap-key.js';
import { call, gateway, testEnv, type TestEnv } from './support/harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('bootstrap key from API_KEY', () => {
  const rawKey = 'operator-bootstrap-key-0123456789abcdef';
  let database: TestDatabase;
  let db: Database;
  let env: TestEnv;
  const running: RunningService[] = [];
  let logs = '';

  const start = async () => {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
    const service = await startAuth(loadAuthConfig(env), {
      logger: createLogger({ service: 'auth', level: 'debug', format: 'json', stream }),
    });
    running.push(service);
    return service;
  };
  const resolve = (service: RunningService) =>
    call(service.url, env.INTERNAL_AUTH_SECRET, 'POST', '/internal/keys/resolve', {
      identity: gateway,
      json: { key_hash: sha256(rawKey) },
    });

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase({ url: database.url, poolSize: 2 });
    env = testEnv(database.url, { API_KEY: rawKey, LOG_LEVEL: 'debug' });
  });
  after(async () => {
    for (const service of running) await service.stop();
    await db.close();
    await database.drop();
  });

  it('survives two replicas starting at once: one admin, one key', async () => {
    const replicas = await Promise.all([start(), start()]);
    const users = await db.prisma.user.findMany();
    expect(users.map((u) => [u.email, u.isAdmin])).to.deep.equal([['admin@gaia.local', true]]);
    expect(await db.prisma.apiKey.count()).to.equal(1);
    for (const replica of replicas)
      expect((await resolve(replica)).body).to.include({ valid: true, user_id: users[0]!.id });
    expect(logs).to.not.include('will retry');
  });

  it('is ready only with the key in place', async () => {
    const ready = await fetch(`${running[0]!.url}/ready`);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).to.include({
      bootstrap_key: 'ok',
    });
  });

  it('stores the key only as its SHA-256 and never logs it', async () => {
    const rows = await db.prisma.apiKey.findMany({ include: { user: true } });
    expect(rows[0]!.keyHash).to.equal(sha256(rawKey));
    expect(JSON.stringify(rows)).to.not.include(rawKey);
    expect(rawKey.startsWith(rows[0]!.keyPrefix)).to.equal(true);
    expect(rows[0]!.keyPrefix.length).to.be.at.most(rawKey.length / 3);
    expect(logs).to.include('listening');
    expect(logs).to.not.include(rawKey);
  });

  it('is idempotent across restarts and leaves a revoked bootstrap key revoked', async () => {
    await db.prisma.apiKey.updateMany({ data: { isActive: false, revokedAt: new Date() } });
    const restarted = await start();
    expect(await db.prisma.apiKey.count()).to.equal(1);
    expect((await resolve(restarted)).body).to.deep.equal({ valid: false });
  });

  it('succeeds in every one of eight replicas ensuring the same key at the same moment', async () => {
    const clients = Array.from({ length: 8 }, () => createDatabase({ url: database.url, poolSize: 1 }));
    try {
      const input = { rawKey: 'another-operator-key-0123456789', adminEmail: 'ops@gaia.local' };
      const results = await Promise.allSettled(
        clients.map((client) => ensureBootstrapKey({ prisma: client.prisma, ...input })),
      );
      expect(results.filter((result) => result.status === 'rejected')).to.deep.equal([]);
      expect(await db.prisma.apiKey.count({ where: { keyHash: sha256(input.rawKey) } })).to.equal(1);
      expect(await db.prisma.user.count({ where: { email: input.adminEmail } })).to.equal(1);
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
