import { loadAuthConfig, startAuth } from '@gaia/auth';
import { createLogger, createMemoryBus, type RunningService } from '@gaia/platform';
import { createTestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import {
  INTERNAL_SECRET,
  JWT_SECRET,
  quietLogger,
  startEchoUpstream,
  startTestGateway,
  type EchoUpstream,
  type TestGateway,
  json,
  eventually,
} from './support.js';

/**
 * The API key path end to end: a real auth service (its own test database) and the gateway share
 * secrets and an in-process bus, as they do under `npm start`.
 */
describe('API keys through the real auth service', function () {
  this.timeout(60_000);
  let auth: RunningService | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;
  let upstream: EchoUpstream;
  let gateway: TestGateway;

  before(async () => {
    const database = await createTestDatabase();
    dropDatabase = () => database.drop();
    const bus = createMemoryBus(quietLogger);
    auth = await startAuth(
      loadAuthConfig({
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'error',
        LOG_FORMAT: 'json',
        DATABASE_URL: database.url,
        INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
        SUPABASE_JWT_SECRET: JWT_SECRET,
        SHUTDOWN_TIMEOUT_MS: '200',
      }),
      { logger: createLogger({ service: 'auth', level: 'error', format: 'json' }), bus },
    );
    upstream = await startEchoUpstream();
    gateway = await startTestGateway({ AUTH_SERVICE_URL: auth.url, CHAT_SERVICE_URL: upstream.url }, bus);
  });
  after(async () => {
    await gateway?.stop();
    await upstream?.stop();
    await auth?.stop();
    await dropDatabase?.();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('registers a user, creates a key, uses it, and refuses it at once after revocation', async () => {
    const credentials = { email: `gw-${Date.now()}@example.com`, password: 'correct horse battery' };
    const registered = await post('/api/v1/auth/register', credentials);
    expect(registered.status).to.equal(200);
    const login = await json(await post('/api/v1/auth/login', credentials));
    const bearer = { authorization: `Bearer ${login.session.access_token as string}` };

    const created = await post('/api/v1/auth/keys', { name: 'unity', scopes: ['chat'] }, bearer);
    expect(created.status).to.equal(201);
    const { key, id } = await json(created);

    const used = await fetch(`${gateway.url}/api/v0.2/models`, { headers: { 'x-api-key': key } });
    expect(used.status).to.equal(200);
    const viaSdk = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(viaSdk.status).to.equal(200);

    const revoked = await fetch(`${gateway.url}/api/v1/auth/keys/${id as string}`, {
      method: 'DELETE',
      headers: bearer,
    });
    expect(revoked.status).to.equal(200);
    const refused = await eventually(
      async () =>
        (await fetch(`${gateway.url}/api/v0.2/models`, { headers: { 'x-api-key': key } })).status === 403,
    );
    expect(refused, 'refused within a second of the revocation').to.equal(true);
  });

  it('answers 403 for a key the auth service does not know', async () => {
    const response = await fetch(`${gateway.url}/api/v0.2/models`, {
      headers: { 'x-api-key': 'gaia_dev_not-a-real-key' },
    });
    expect(response.status).to.equal(403);
    expect(await json(response)).to.deep.equal({ detail: 'Could not validate credentials' });
  });

  it('passes the auth service errors through unchanged', async () => {
    const response = await post('/api/v1/auth/login', {
      email: 'nobody@example.com',
      password: 'wrong-password',
    });
    expect(response.status).to.be.within(400, 499);
    const body = await json(response);
    expect(body.detail)
      .to.be.a('string')
      .and.not.match(/^Service error/);
  });
});
