import { startFakeUpstream, type RunningFakeUpstream } from '@gaia/fake-upstream';
import { createTestDatabase, startNatsServer, type NatsServer, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { json, post, secret, startStack, within, type Stack } from './stack.js';

/** The deployed shape: auth and two gateway replicas on real PostgreSQL and a real NATS server. */
describe('platform over NATS (auth + two gateway replicas)', function () {
  this.timeout(90_000);
  let database: TestDatabase;
  let nats: NatsServer;
  let stack: Stack;
  let owner: { authorization: string };

  before(async () => {
    database = await createTestDatabase();
    nats = await startNatsServer();
    stack = await startStack({
      databaseUrl: database.url,
      natsUrl: nats.url,
      jwtSecret: secret(),
      gateways: 2,
    });
    const credentials = { email: `e2e-${Date.now()}@example.com`, password: 'correct horse battery' };
    expect((await post(`${stack.gateways[0]!.url}/api/v1/auth/register`, credentials)).status).to.equal(200);
    const login = await json(await post(`${stack.gateways[1]!.url}/api/v1/auth/login`, credentials));
    owner = { authorization: `Bearer ${login.session.access_token}` };
  });
  after(async () => {
    await stack?.stop();
    await nats?.stop();
    await database?.drop();
  });

  const keyWorksOn = async (gatewayUrl: string, key: string) =>
    (await fetch(`${gatewayUrl}/api/v1/auth/keys`, { headers: { 'x-api-key': key } })).status;

  async function createKey(name: string): Promise<{ id: string; key: string }> {
    const created = await post(`${stack.gateways[0]!.url}/api/v1/auth/keys`, { name }, owner);
    expect(created.status).to.equal(201);
    return json(created);
  }

  it('answers 401 without credentials and 403 for an unknown key, with the original texts', async () => {
    const url = `${stack.gateways[0]!.url}/api/v1/auth/keys`;
    const none = await fetch(url);
    expect(none.status).to.equal(401);
    expect(await json(none)).to.deep.equal({ detail: 'Not authenticated. Provide a valid JWT or API Key.' });
    const bad = await fetch(url, { headers: { 'x-api-key': 'gaia_dev_not-a-real-key' } });
    expect(bad.status).to.equal(403);
    expect(await json(bad)).to.deep.equal({ detail: 'Could not validate credentials' });
  });

  it('stops a revoked key on both gateway replicas within one second', async () => {
    const { id, key } = await createKey('revoke-me');
    for (const gateway of stack.gateways) expect(await keyWorksOn(gateway.url, key)).to.equal(200);

    const revoked = await fetch(`${stack.gateways[0]!.url}/api/v1/auth/keys/${id}`, {
      method: 'DELETE',
      headers: owner,
    });
    expect(revoked.status).to.equal(200);
    for (const gateway of stack.gateways) {
      await within(1000, async () => (await keyWorksOn(gateway.url, key)) === 403);
    }
  });

  it('survives kill -9 of NATS: not ready while it is away, ready again and still evicting revoked keys after', async () => {
    const { id, key } = await createKey('after-outage');
    for (const gateway of stack.gateways) expect(await keyWorksOn(gateway.url, key)).to.equal(200);

    await nats.kill9();
    for (const service of [...stack.gateways, stack.auth]) {
      await within(10_000, async () => (await fetch(`${service.url}/ready`)).status === 503);
    }
    await nats.restart();
    for (const service of [...stack.gateways, stack.auth]) {
      await within(20_000, async () => (await fetch(`${service.url}/ready`)).status === 200);
    }

    await fetch(`${stack.gateways[1]!.url}/api/v1/auth/keys/${id}`, { method: 'DELETE', headers: owner });
    for (const gateway of stack.gateways) {
      await within(1000, async () => (await keyWorksOn(gateway.url, key)) === 403);
    }
  });

  it('reports a stopped auth service as unhealthy and answers 503 for keys it cannot resolve', async () => {
    await stack.auth.stop();
    const health = await json(await fetch(`${stack.gateways[0]!.url}/health`));
    expect(health.status).to.equal('degraded');
    expect(health.services.auth.status).to.equal('unhealthy');
    const unresolvable = await fetch(`${stack.gateways[0]!.url}/api/v1/auth/keys`, {
      headers: { 'x-api-key': 'gaia_dev_never-seen' },
    });
    expect(unresolvable.status).to.equal(503);
    expect(await json(unresolvable)).to.deep.equal({ detail: 'Service auth unavailable' });
  });
});

describe('register, login, refresh and logout through the gateway with the Supabase provider', function () {
  this.timeout(60_000);
  const jwtSecret = secret();
  let database: TestDatabase;
  let gotrue: RunningFakeUpstream;
  let stack: Stack;
  let gateway: string;

  before(async () => {
    database = await createTestDatabase();
    gotrue = await startFakeUpstream({ gotrue: { jwtSecret } });
    stack = await startStack({
      databaseUrl: database.url,
      natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      jwtSecret,
      auth: { SUPABASE_URL: gotrue.url, SUPABASE_ANON_KEY: 'anon-key' },
    });
    gateway = stack.gateways[0]!.url;
  });
  after(async () => {
    await stack?.stop();
    await gotrue?.close();
    await database?.drop();
  });

  it('signs up and in at GoTrue, and the gateway accepts the Supabase JWT', async () => {
    const credentials = { email: `sb-${Date.now()}@example.com`, password: 'correct horse battery' };
    const registered = await post(`${gateway}/api/v1/auth/register`, credentials);
    expect(registered.status).to.equal(200);
    expect((await json(registered)).user.email).to.equal(credentials.email);
    expect(gotrue.state.gotrue.findUserByEmail(credentials.email)).to.not.equal(undefined);

    const login = await json(await post(`${gateway}/api/v1/auth/login`, credentials));
    expect(login.session.token_type).to.equal('bearer');
    const bearer = { authorization: `Bearer ${login.session.access_token}` };
    expect((await fetch(`${gateway}/api/v1/auth/keys`, { headers: bearer })).status).to.equal(200);

    const refreshed = await json(
      await post(`${gateway}/api/v1/auth/refresh`, { refresh_token: login.session.refresh_token }),
    );
    expect(refreshed.session.refresh_token).to.not.equal(login.session.refresh_token);

    const out = await post(
      `${gateway}/api/v1/auth/logout`,
      {},
      { authorization: `Bearer ${refreshed.session.access_token}` },
    );
    expect(out.status).to.equal(200);
    expect(await json(out)).to.deep.equal({ message: 'Logged out successfully' });
    for (const token of [login.session.refresh_token, refreshed.session.refresh_token]) {
      const refused = await post(`${gateway}/api/v1/auth/refresh`, { refresh_token: token });
      expect(refused.status).to.equal(400);
      expect((await json(refused)).detail).to.match(/^Token refresh failed: /);
    }
  });

  it('answers a wrong password with the original 400 text', async () => {
    const wrong = await post(`${gateway}/api/v1/auth/login`, {
      email: 'nobody@example.com',
      password: 'wrong-password',
    });
    expect(wrong.status).to.equal(400);
    expect((await json(wrong)).detail).to.equal('Login failed: Invalid login credentials');
  });
});
