import { expect } from 'chai';
import {
  anonymous,
  gateway,
  startAuthUnderTest,
  userIdentity,
  type AuthUnderTest,
} from './support/harness.js';

describe('auth service HTTP boundary', () => {
  let auth: AuthUnderTest;

  before(async () => {
    auth = await startAuthUnderTest({ BODY_LIMIT_BYTES: '1024' });
  });
  after(() => auth.stop());

  const credentials = { email: 'boundary@example.com', password: 'secret-password' };

  it('refuses a request without the gateway identity header with 401', async () => {
    const reply = await auth.call('POST', '/api/v1/auth/login', { json: credentials });
    expect(reply.status).to.equal(401);
    expect(reply.body.detail).to.match(/gateway identity/);
  });

  it('refuses an identity header signed with another secret with 401', async () => {
    const forged = await fetch(`${auth.service.url}/api/v1/auth/keys`, {
      headers: { 'x-gaia-identity': 'eyJhbGciOiJIUzI1NiJ9.e30.invalid' },
    });
    expect(forged.status).to.equal(401);
  });

  it('keeps /health and /ready open for probes, and is ready with database and bus', async () => {
    expect((await fetch(`${auth.service.url}/health`)).status).to.equal(200);
    const ready = await fetch(`${auth.service.url}/ready`);
    expect(ready.status).to.equal(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).to.deep.equal({
      database: 'ok',
      bus: 'ok',
    });
  });

  it('answers malformed JSON with 400 and a detail', async () => {
    const reply = await auth.call('POST', '/api/v1/auth/login', { identity: anonymous, raw: '{"email": ' });
    expect(reply.status).to.equal(400);
    expect(reply.body.detail).to.match(/^Invalid JSON body/);
  });

  it('answers wrong types with 422 and a FastAPI field list', async () => {
    const reply = await auth.call('POST', '/api/v1/auth/login', { identity: anonymous, json: { email: 42 } });
    expect(reply.status).to.equal(422);
    const fields = (reply.body.detail as { loc: string[]; type: string }[]).map((field) => [
      field.loc.join('.'),
      field.type,
    ]);
    expect(fields).to.deep.include.members([
      ['body.email', 'invalid_type'],
      ['body.password', 'missing'],
    ]);
  });

  it('answers validate with a non-object body with 422', async () => {
    const reply = await auth.call('POST', '/api/v1/auth/validate', {
      identity: anonymous,
      json: { token: 7 },
    });
    expect(reply.status).to.equal(422);
    expect(reply.body.detail[0].loc).to.deep.equal(['body', 'token']);
  });

  it('answers a body over BODY_LIMIT_BYTES with 413', async () => {
    const reply = await auth.call('POST', '/api/v1/auth/register', {
      identity: anonymous,
      json: { email: 'big@example.com', password: 'x'.repeat(2000) },
    });
    expect(reply.status).to.equal(413);
    expect(reply.body.detail).to.match(/larger than the limit of 1024 bytes/);
  });

  it('answers an unknown path with 404 and a wrong method with 404, never 500', async () => {
    expect((await auth.call('GET', '/api/v1/auth/nope', { identity: anonymous })).status).to.equal(404);
    expect((await auth.call('PUT', '/api/v1/auth/login', { identity: anonymous })).status).to.equal(404);
  });

  it('lets only service callers resolve keys (403 for users and anonymous callers)', async () => {
    const json = { key_hash: 'a'.repeat(64) };
    const asUser = await auth.call('POST', '/internal/keys/resolve', {
      identity: userIdentity(crypto.randomUUID()),
      json,
    });
    const asAnonymous = await auth.call('POST', '/internal/keys/resolve', { identity: anonymous, json });
    const asService = await auth.call('POST', '/internal/keys/resolve', { identity: gateway, json });
    expect([asUser.status, asAnonymous.status, asService.status]).to.deep.equal([403, 403, 200]);
    expect(asService.body).to.deep.equal({ valid: false });
  });

  it('answers a malformed key hash on the internal route with 422', async () => {
    const reply = await auth.call('POST', '/internal/keys/resolve', {
      identity: gateway,
      json: { key_hash: 'not-a-hash' },
    });
    expect(reply.status).to.equal(422);
  });

  it('refuses key management and logout to anonymous callers with 401', async () => {
    const list = await auth.call('GET', '/api/v1/auth/keys', { identity: anonymous });
    const create = await auth.call('POST', '/api/v1/auth/keys', { identity: anonymous, json: { name: 'x' } });
    const logout = await auth.call('POST', '/api/v1/auth/logout', { identity: gateway });
    expect([list.status, create.status, logout.status]).to.deep.equal([401, 401, 401]);
    expect(list.body.detail).to.equal('Not authenticated. Provide a valid JWT or API Key.');
  });
});
