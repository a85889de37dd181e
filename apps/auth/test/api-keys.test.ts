import { createHash, randomUUID } from 'node:crypto';
import { authKeyCreated, authKeyRevoked, type Identity } from '@gaia/contracts';
import type { Bus } from '@gaia/platform';
import { expect } from 'chai';
import {
  anonymous,
  gateway,
  listen,
  metricValue,
  startAuthUnderTest,
  testBus,
  userIdentity,
  type AuthUnderTest,
  type EventLog,
} from './support/harness.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('API keys', () => {
  let auth: AuthUnderTest;
  let bus: Bus;
  let created: EventLog<typeof authKeyCreated>;
  let revoked: EventLog<typeof authKeyRevoked>;

  before(async () => {
    auth = await startAuthUnderTest({ ENVIRONMENT: 'test' });
    bus = testBus();
    [created, revoked] = await Promise.all([listen(bus, authKeyCreated), listen(bus, authKeyRevoked)]);
  });
  after(async () => {
    await bus.close();
    await auth.stop();
  });

  const newUser = async (): Promise<string> => {
    const json = { email: `keys-${randomUUID()}@example.com`, password: 'correct-horse-battery' };
    return (await auth.call('POST', '/api/v1/auth/register', { identity: anonymous, json })).body.user
      .id as string;
  };
  const createKey = (userId: string, json: unknown = { name: 'unity client' }) =>
    auth.call('POST', '/api/v1/auth/keys', { identity: userIdentity(userId), json });
  const resolve = (rawKey: string) =>
    auth.call('POST', '/internal/keys/resolve', { identity: gateway, json: { key_hash: sha256(rawKey) } });
  const validate = (apiKey: string) =>
    auth.call('POST', '/api/v1/auth/validate', { identity: anonymous, json: { api_key: apiKey } });

  it('creates a gaia_<ENVIRONMENT>_ key, shows it once, stores only its hash and announces it', async () => {
    const owner = await newUser();
    const reply = await createKey(owner, {
      name: 'unity client',
      scopes: ['chat'],
      rate_limit_per_minute: 120,
    });
    expect(reply.status).to.equal(201);
    const key = reply.body;
    expect(key.key).to.match(/^gaia_test_[A-Za-z0-9]{32}$/);
    expect(key).to.include({
      name: 'unity client',
      prefix: key.key.slice(0, 12),
      is_active: true,
      rate_limit_per_minute: 120,
    });
    expect(key.scopes).to.deep.equal(['chat']);

    const row = await auth.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.keyHash).to.equal(sha256(key.key));
    expect(JSON.stringify(row)).to.not.include(key.key);
    const event = await created.waitFor((e) => e.key_id === key.id);
    expect(event).to.include({ key_hash: sha256(key.key), user_id: owner });
  });

  it("lists only the owner's keys, without raw keys or hashes", async () => {
    const [owner, other] = [await newUser(), await newUser()];
    const mine = [
      (await createKey(owner, { name: 'one' })).body,
      (await createKey(owner, { name: 'two' })).body,
    ];
    await createKey(other, { name: 'not mine' });
    const reply = await auth.call('GET', '/api/v1/auth/keys', { identity: userIdentity(owner) });
    expect(reply.status).to.equal(200);
    expect(reply.body.map((k: { id: string }) => k.id).sort()).to.deep.equal(
      mine.map((k: { id: string }) => k.id).sort(),
    );
    for (const listed of reply.body) {
      expect(listed).to.have.all.keys(
        'id',
        'name',
        'prefix',
        'scopes',
        'is_active',
        'rate_limit_per_minute',
        'expires_at',
        'last_used_at',
        'revoked_at',
        'created_at',
      );
    }
  });

  it('resolves an active key for the gateway and validates it as api_key', async () => {
    const owner = await newUser();
    const key = (await createKey(owner, { name: 'resolve me', scopes: ['assets'] })).body;
    const reply = await resolve(key.key);
    expect(reply.status).to.equal(200);
    expect(reply.body).to.deep.equal({
      valid: true,
      key_id: key.id,
      user_id: owner,
      scopes: ['assets'],
      rate_limit_per_minute: null,
    });
    expect((await validate(key.key)).body).to.deep.equal({
      valid: true,
      auth_type: 'api_key',
      user_id: owner,
      error: null,
    });
  });

  it('revokes a key of its owner: it stops resolving and the revocation is published with its hash', async () => {
    const owner = await newUser();
    const key = (await createKey(owner)).body;
    const before = await metricValue(auth.service.url, 'gaia_auth_key_resolutions_total', {
      result: 'revoked',
    });
    const reply = await auth.call('DELETE', `/api/v1/auth/keys/${key.id}`, { identity: userIdentity(owner) });
    expect(reply.status).to.equal(200);
    expect(reply.body).to.include({ id: key.id, is_active: false });
    expect(reply.body.revoked_at).to.be.a('string');

    const event = await revoked.waitFor((e) => e.key_id === key.id);
    expect(event).to.include({ key_hash: sha256(key.key), user_id: owner });
    expect((await resolve(key.key)).body).to.deep.equal({ valid: false });
    expect((await validate(key.key)).body).to.include({ valid: false, auth_type: 'none' });
    expect(
      await metricValue(auth.service.url, 'gaia_auth_key_resolutions_total', { result: 'revoked' }),
    ).to.equal(before + 2);
  });

  it("answers 404 for another user's key, an unknown id and a malformed id, and leaves the key working", async () => {
    const [owner, intruder] = [await newUser(), await newUser()];
    const key = (await createKey(owner)).body;
    for (const id of [key.id, randomUUID(), 'not-a-uuid']) {
      const reply = await auth.call('DELETE', `/api/v1/auth/keys/${id}`, {
        identity: userIdentity(intruder),
      });
      expect(reply.status).to.equal(404);
      expect(reply.body.detail).to.equal(`API key not found: ${id}`);
    }
    expect((await resolve(key.key)).body.valid).to.equal(true);
  });

  it('lets an API key caller manage the keys of its user', async () => {
    const owner = await newUser();
    const key = (await createKey(owner)).body;
    const identity: Identity = { auth_type: 'user_api_key', user_id: owner, key_id: key.id, scopes: [] };
    const reply = await auth.call('GET', '/api/v1/auth/keys', { identity });
    expect(reply.body.map((k: { id: string }) => k.id)).to.deep.equal([key.id]);
  });

  it('resolves an expired key as invalid', async () => {
    const owner = await newUser();
    const key = (
      await createKey(owner, { name: 'short-lived', expires_at: new Date(Date.now() + 60_000).toISOString() })
    ).body;
    expect((await resolve(key.key)).body.valid).to.equal(true);
    await auth.db.prisma.apiKey.update({
      where: { id: key.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await resolve(key.key)).body).to.deep.equal({ valid: false });
  });

  it('refuses an expiry in the past with 400', async () => {
    const reply = await createKey(await newUser(), {
      name: 'already over',
      expires_at: '2020-01-01T00:00:00Z',
    });
    expect(reply.status).to.equal(400);
    expect(reply.body.detail).to.equal('expires_at must be in the future');
  });

  it('refuses a key without a name with a 422 field list', async () => {
    const reply = await createKey(await newUser(), { scopes: 'all' });
    expect(reply.status).to.equal(422);
    expect(reply.body.detail.map((f: { loc: string[] }) => f.loc.join('.'))).to.include.members([
      'body.name',
      'body.scopes',
    ]);
  });

  it('records last_used_at at most once a minute per key', async () => {
    const key = (await createKey(await newUser())).body;
    const lastUsed = async () =>
      (await auth.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt;
    expect(await lastUsed()).to.equal(null);
    await resolve(key.key);
    const first = await lastUsed();
    expect(first).to.be.instanceOf(Date);
    await resolve(key.key);
    expect((await lastUsed())!.getTime()).to.equal(first!.getTime());

    const twoMinutesAgo = new Date(Date.now() - 120_000);
    await auth.db.prisma.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: twoMinutesAgo } });
    await resolve(key.key);
    expect((await lastUsed())!.getTime()).to.be.greaterThan(twoMinutesAgo.getTime() + 60_000);
  });
});
