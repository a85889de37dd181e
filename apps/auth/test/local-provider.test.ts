import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { anonymous, startAuthUnderTest, type AuthUnderTest } from './support/harness.js';
import { authProviderContract } from './support/provider-contract.js';

authProviderContract('local', () => startAuthUnderTest());

describe('local provider storage', () => {
  let auth: AuthUnderTest;

  before(async () => {
    auth = await startAuthUnderTest();
  });
  after(() => auth.stop());

  const register = (email: string, password = 'correct-horse-battery') =>
    auth.call('POST', '/api/v1/auth/register', { identity: anonymous, json: { email, password } });
  const refresh = (token: string) =>
    auth.call('POST', '/api/v1/auth/refresh', { identity: anonymous, json: { refresh_token: token } });

  it('stores passwords as salted scrypt hashes, never in clear', async () => {
    const [a, b] = [`a-${randomUUID()}@example.com`, `b-${randomUUID()}@example.com`];
    await register(a, 'same-password');
    await register(b, 'same-password');
    const rows = await auth.db.prisma.user.findMany({ where: { email: { in: [a, b] } } });
    expect(rows).to.have.length(2);
    for (const row of rows) expect(row.passwordHash).to.match(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
    expect(rows[0]!.passwordHash).to.not.equal(rows[1]!.passwordHash);
  });

  it('stores refresh tokens only as SHA-256 hashes', async () => {
    const { session, user } = (await register(`hash-${randomUUID()}@example.com`)).body;
    const rows = await auth.db.prisma.refreshToken.findMany({ where: { userId: user.id } });
    expect(rows).to.have.length(1);
    expect(rows[0]!.tokenHash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).to.not.include(session.refresh_token);
  });

  it('treats emails case-insensitively', async () => {
    const email = `Mixed-${randomUUID()}@Example.com`;
    expect((await register(email)).body.user.email).to.equal(email.toLowerCase());
    const login = await auth.call('POST', '/api/v1/auth/login', {
      identity: anonymous,
      json: { email: email.toUpperCase(), password: 'correct-horse-battery' },
    });
    expect(login.status).to.equal(200);
    expect((await register(email.toLowerCase())).body.detail).to.equal(
      'Registration failed: User already registered',
    );
  });

  it('lets only one of two concurrent refreshes with the same token win', async () => {
    const token = (await register(`race-${randomUUID()}@example.com`)).body.session.refresh_token;
    const replies = await Promise.all([refresh(token), refresh(token), refresh(token)]);
    expect(replies.map((r) => r.status).sort()).to.deep.equal([200, 400, 400]);
  });

  it('refuses an expired refresh token', async () => {
    const { session, user } = (await register(`expired-${randomUUID()}@example.com`)).body;
    await auth.db.prisma.refreshToken.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const reply = await refresh(session.refresh_token);
    expect(reply.status).to.equal(400);
    expect(reply.body.detail).to.equal(
      'Token refresh failed: Invalid Refresh Token: Refresh Token Not Found',
    );
  });
});
