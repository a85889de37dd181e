import { randomUUID } from 'node:crypto';
import { startFakeUpstream, type RunningFakeUpstream } from '@gaia/fake-upstream';
import { expect } from 'chai';
import {
  anonymous,
  metricValue,
  secret,
  startAuthUnderTest,
  userIdentity,
  type AuthUnderTest,
} from './support/harness.js';
import { authProviderContract } from './support/provider-contract.js';

/** The auth service configured for Supabase, talking to a fake GoTrue that signs with the same secret. */
async function startWithFakeGoTrue(): Promise<AuthUnderTest & { fake: RunningFakeUpstream }> {
  const jwtSecret = secret();
  const fake = await startFakeUpstream({ port: 0, gotrue: { jwtSecret } });
  const auth = await startAuthUnderTest({
    SUPABASE_URL: fake.url,
    SUPABASE_ANON_KEY: 'anon-key-for-tests',
    SUPABASE_JWT_SECRET: jwtSecret,
  });
  return {
    ...auth,
    fake,
    stop: async () => {
      await auth.stop();
      await fake.close();
    },
  };
}

authProviderContract('supabase', startWithFakeGoTrue);

describe('supabase provider against GoTrue', () => {
  let auth: AuthUnderTest & { fake: RunningFakeUpstream };

  before(async () => {
    auth = await startWithFakeGoTrue();
  });
  afterEach(() => {
    auth.fake.state.knobs.fault = 'none';
  });
  after(() => auth.stop());

  const credentials = () => ({ email: `sb-${randomUUID()}@example.com`, password: 'correct-horse-battery' });
  const login = (json: unknown) => auth.call('POST', '/api/v1/auth/login', { identity: anonymous, json });

  it('keeps no users of its own: they live in GoTrue', async () => {
    const { email } = credentials();
    const { user } = (
      await auth.call('POST', '/api/v1/auth/register', {
        identity: anonymous,
        json: { email, password: 'pw-123456' },
      })
    ).body;
    expect(auth.fake.state.gotrue.users.has(user.id)).to.equal(true);
    expect(await auth.db.prisma.user.count({ where: { OR: [{ id: user.id }, { email }] } })).to.equal(0);
  });

  it('answers a GoTrue outage with 503 "Login failed: …" and counts it as an error, not a 500', async () => {
    const before = await metricValue(auth.service.url, 'gaia_auth_logins_total', {
      provider: 'supabase',
      result: 'error',
    });
    auth.fake.state.knobs.fault = '500';
    const reply = await login(credentials());
    expect(reply.status).to.equal(503);
    expect(reply.body.detail).to.match(/^Login failed: /);
    expect(
      await metricValue(auth.service.url, 'gaia_auth_logins_total', {
        provider: 'supabase',
        result: 'error',
      }),
    ).to.equal(before + 1);
  });

  it('answers an unreachable GoTrue with 503', async () => {
    const gone = await startFakeUpstream({ port: 0 });
    await gone.close();
    const detached = await startAuthUnderTest({
      SUPABASE_URL: gone.url,
      SUPABASE_ANON_KEY: 'anon-key-for-tests',
    });
    try {
      const reply = await detached.call('POST', '/api/v1/auth/register', {
        identity: anonymous,
        json: credentials(),
      });
      expect(reply.status).to.equal(503);
      expect(reply.body.detail).to.match(/^Registration failed: /);
    } finally {
      await detached.stop();
    }
  });

  it('needs the Bearer access token to log out: 400 "Logout failed: …" without it', async () => {
    const reply = await auth.call('POST', '/api/v1/auth/logout', { identity: userIdentity(randomUUID()) });
    expect(reply.status).to.equal(400);
    expect(reply.body.detail).to.match(/^Logout failed: Auth session missing/);
  });

  it('ends the GoTrue session on logout, so its access token is no longer accepted there', async () => {
    const { user, session } = (
      await auth.call('POST', '/api/v1/auth/register', { identity: anonymous, json: credentials() })
    ).body;
    expect(auth.fake.state.gotrue.sessions.size).to.be.greaterThan(0);
    await auth.call('POST', '/api/v1/auth/logout', {
      identity: userIdentity(user.id),
      bearer: session.access_token,
    });
    const sessions = [...auth.fake.state.gotrue.sessions.values()].filter((s) => s.userId === user.id);
    expect(sessions).to.have.length(0);
  });

  it('lets a Supabase user own API keys without a local account, even creating the first two at once', async () => {
    const { user } = (
      await auth.call('POST', '/api/v1/auth/register', { identity: anonymous, json: credentials() })
    ).body;
    const create = (name: string) =>
      auth.call('POST', '/api/v1/auth/keys', { identity: userIdentity(user.id), json: { name } });
    const created = await Promise.all([create('unity'), create('unreal')]);
    expect(created.map((reply) => reply.status)).to.deep.equal([201, 201]);
    const listed = await auth.call('GET', '/api/v1/auth/keys', { identity: userIdentity(user.id) });
    expect(listed.body.map((k: { id: string }) => k.id).sort()).to.deep.equal(
      created.map((reply) => reply.body.id as string).sort(),
    );
  });
});
