import { createHash } from 'node:crypto';
import { authKeyRevoked, IDENTITY_HEADER, type ResolvedKey } from '@gaia/contracts';
import { freePort, verifyIdentity } from '@gaia/platform';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import {
  INTERNAL_SECRET,
  JWT_SECRET,
  startEchoUpstream,
  startFakeAuth,
  type FakeAuth,
  startTestGateway,
  userJwt,
  type EchoUpstream,
  type TestGateway,
  json,
  eventually,
} from './support.js';

const NOT_AUTHENTICATED = { detail: 'Not authenticated. Provide a valid JWT or API Key.' };
const BAD_KEY = { detail: 'Could not validate credentials' };
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('gateway authentication', () => {
  const goodKey = 'gaia_test_0123456789abcdefghijklmnopqrstuv';
  const revokedKey = 'gaia_test_revoked_0123456789abcdefghijklm';
  const owner = (keyId: string): Extract<ResolvedKey, { valid: true }> => ({
    valid: true,
    key_id: keyId,
    user_id: 'user-7',
    scopes: ['chat'],
    rate_limit_per_minute: null,
  });
  let fakeAuth: FakeAuth;
  let upstream: EchoUpstream;
  let gateway: TestGateway;

  const identityAtService = async (response: Response) => {
    expect(response.status).to.equal(200);
    const { headers } = await json(response);
    return verifyIdentity(INTERNAL_SECRET, headers[IDENTITY_HEADER]);
  };
  const call = (headers: Record<string, string>, path = '/api/v0.2/models') =>
    fetch(`${gateway.url}${path}`, { headers });

  before(async () => {
    fakeAuth = await startFakeAuth({
      [sha256(goodKey)]: owner('key-1'),
      [sha256(revokedKey)]: owner('key-2'),
    });
    upstream = await startEchoUpstream();
    gateway = await startTestGateway({ AUTH_SERVICE_URL: fakeAuth.url, CHAT_SERVICE_URL: upstream.url });
  });
  after(async () => {
    await gateway.stop();
    await upstream.stop();
    await fakeAuth.stop();
  });

  describe('JWT', () => {
    it('accepts a valid HS256 token and forwards the user id', async () => {
      const identity = await identityAtService(
        await call({ authorization: `Bearer ${userJwt({ sub: 'user-1' })}` }),
      );
      expect(identity).to.deep.equal({ auth_type: 'jwt', user_id: 'user-1' });
    });

    it('accepts the Bearer scheme in any case', async () => {
      const identity = await identityAtService(await call({ authorization: `bEaReR ${userJwt()}` }));
      expect(identity).to.deep.equal({ auth_type: 'jwt', user_id: 'user-1' });
    });

    const rejected: [string, () => string][] = [
      ['expired', () => userJwt({}, { expiresIn: -60 })],
      ['for another audience', () => userJwt({ aud: 'anon' })],
      ['signed with another secret', () => userJwt({}, {}, 'another-secret-that-is-at-least-32-characters')],
      [
        'unsigned (alg none)',
        () =>
          jwt.sign({ sub: 'user-1', aud: 'authenticated', exp: 9_999_999_999 }, '', { algorithm: 'none' }),
      ],
      ['signed with HS512', () => userJwt({}, { algorithm: 'HS512' })],
      ['without sub', () => jwt.sign({ aud: 'authenticated' }, JWT_SECRET, { expiresIn: 60 })],
      ['without exp', () => jwt.sign({ sub: 'user-1', aud: 'authenticated' }, JWT_SECRET)],
      ['malformed', () => 'not-a-jwt'],
    ];
    for (const [name, token] of rejected) {
      it(`rejects a token ${name} with the 401 of the original`, async () => {
        const response = await call({ authorization: `Bearer ${token()}` });
        expect(response.status).to.equal(401);
        expect(await json(response)).to.deep.equal(NOT_AUTHENTICATED);
      });
    }

    it('stops accepting a remembered token once it expires', async () => {
      const token = userJwt({ sub: 'user-short' }, { expiresIn: 1 });
      expect((await call({ authorization: `Bearer ${token}` })).status).to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await call({ authorization: `Bearer ${token}` })).status).to.equal(401);
    });
  });

  describe('credentials and errors', () => {
    it('answers 401 without credentials, with no WWW-Authenticate header', async () => {
      const response = await call({});
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal(null);
      expect(await json(response)).to.deep.equal(NOT_AUTHENTICATED);
    });

    it('ignores other Authorization schemes', async () => {
      const response = await call({ authorization: 'Basic dXNlcjpwYXNz' });
      expect(response.status).to.equal(401);
    });

    it('answers 403 for an unknown API key', async () => {
      const response = await call({ 'x-api-key': 'gaia_test_unknown' });
      expect(response.status).to.equal(403);
      expect(await json(response)).to.deep.equal(BAD_KEY);
    });

    it('authenticates before reading the body', async () => {
      const response = await fetch(`${gateway.url}/api/v0.2/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      });
      expect(response.status).to.equal(401);
    });

    it('does not take a Bearer API key on routes that are not SDK-compatible', async () => {
      const response = await call({ authorization: `Bearer ${goodKey}` });
      expect(response.status).to.equal(401);
    });
  });

  describe('API keys', () => {
    it('accepts a valid X-API-Key and forwards its owner, key id and scopes', async () => {
      const identity = await identityAtService(await call({ 'x-api-key': goodKey }));
      expect(identity).to.deep.equal({
        auth_type: 'user_api_key',
        user_id: 'user-7',
        key_id: 'key-1',
        scopes: ['chat'],
      });
    });

    it('accepts a key when a bad JWT comes with it', async () => {
      const identity = await identityAtService(
        await call({ authorization: 'Bearer not.a.jwt', 'x-api-key': goodKey }),
      );
      expect(identity).to.include({ auth_type: 'user_api_key', key_id: 'key-1' });
    });

    it('asks the auth service once per key while the cache holds it', async () => {
      const key = `${goodKey}-cached`;
      await call({ 'x-api-key': key });
      await Promise.all([1, 2, 3].map(() => call({ 'x-api-key': key })));
      expect(fakeAuth.calls.filter((hash) => hash === sha256(key))).to.have.length(1);
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).to.match(/gaia_gateway_key_cache_total\{result="hit"[^}]*\} [1-9]/);
      expect(metrics).to.match(/gaia_gateway_key_cache_total\{result="miss"[^}]*\} [1-9]/);
    });

    it('takes the key from a Bearer token on OpenAI-compatible routes and answers in OpenAI shape', async () => {
      const identity = await identityAtService(
        await call({ authorization: `Bearer ${goodKey}` }, '/v1/models'),
      );
      expect(identity).to.include({ auth_type: 'user_api_key', key_id: 'key-1' });
      const bad = await call({ authorization: 'Bearer gaia_test_unknown' }, '/v1/models');
      expect(bad.status).to.equal(403);
      expect(await json(bad)).to.deep.equal({
        error: { message: 'Could not validate credentials', type: 'permission_error', code: null },
      });
      const none = await call({}, '/v1/models');
      expect(none.status).to.equal(401);
      expect((await json(none)).error).to.include({ type: 'authentication_error' });
    });

    it('takes x-api-key on the Anthropic-compatible route and answers in Anthropic shape', async () => {
      const ok = await fetch(`${gateway.url}/v1/messages`, {
        method: 'POST',
        headers: { 'x-api-key': goodKey },
        body: '{}',
      });
      expect(await identityAtService(ok)).to.include({ auth_type: 'user_api_key' });
      const none = await fetch(`${gateway.url}/v1/messages`, { method: 'POST', body: '{}' });
      expect(none.status).to.equal(401);
      expect(await json(none)).to.deep.equal({
        type: 'error',
        error: { type: 'authentication_error', message: NOT_AUTHENTICATED.detail },
      });
    });

    it('keeps answering from the cache until the revocation arrives on the bus, then refuses the key', async () => {
      expect((await call({ 'x-api-key': revokedKey })).status).to.equal(200);
      delete fakeAuth.keys[sha256(revokedKey)];
      expect((await call({ 'x-api-key': revokedKey })).status).to.equal(200);
      await gateway.bus.publish(authKeyRevoked, {
        key_id: '00000000-0000-4000-8000-000000000002',
        key_hash: sha256(revokedKey),
        user_id: '00000000-0000-4000-8000-000000000007',
        timestamp: new Date().toISOString(),
      });
      expect(await eventually(async () => (await call({ 'x-api-key': revokedKey })).status === 403)).to.equal(
        true,
      );
      expect(await json(await call({ 'x-api-key': revokedKey }))).to.deep.equal(BAD_KEY);
    });
  });

  describe('when the auth service is down', () => {
    let lonely: TestGateway;
    before(async () => {
      lonely = await startTestGateway({
        AUTH_SERVICE_URL: `http://127.0.0.1:${await freePort()}`,
        CHAT_SERVICE_URL: upstream.url,
      });
    });
    after(() => lonely.stop());

    it('answers 503 for API keys and still accepts JWTs', async () => {
      const key = await fetch(`${lonely.url}/api/v0.2/models`, { headers: { 'x-api-key': goodKey } });
      expect(key.status).to.equal(503);
      expect(await json(key)).to.deep.equal({ detail: 'Service auth unavailable' });
      const token = await fetch(`${lonely.url}/api/v0.2/models`, {
        headers: { authorization: `Bearer ${userJwt()}` },
      });
      expect(token.status).to.equal(200);
    });
  });
});
