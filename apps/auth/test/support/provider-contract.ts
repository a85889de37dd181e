import { randomUUID } from 'node:crypto';
import { authUserLoggedIn, authUserLoggedOut, authUserRegistered } from '@gaia/contracts';
import type { Bus } from '@gaia/platform';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import {
  anonymous,
  listen,
  metricValue,
  testBus,
  userIdentity,
  type AuthUnderTest,
  type EventLog,
} from './harness.js';

/**
 * The behaviour every auth provider shows through the service's HTTP API, run against each of them.
 * @example authProviderContract('local', () => startAuthUnderTest());
 */
export function authProviderContract(
  provider: 'local' | 'supabase',
  start: () => Promise<AuthUnderTest>,
): void {
  describe(`auth provider contract: ${provider}`, () => {
    let auth: AuthUnderTest;
    let bus: Bus;
    let registered: EventLog<typeof authUserRegistered>;
    let loggedIn: EventLog<typeof authUserLoggedIn>;
    let loggedOut: EventLog<typeof authUserLoggedOut>;

    before(async () => {
      auth = await start();
      bus = testBus();
      [registered, loggedIn, loggedOut] = await Promise.all([
        listen(bus, authUserRegistered),
        listen(bus, authUserLoggedIn),
        listen(bus, authUserLoggedOut),
      ]);
    });
    after(async () => {
      await bus.close();
      await auth.stop();
    });

    const newCredentials = () => ({
      email: `${provider}-${randomUUID()}@example.com`,
      password: 'correct-horse-battery',
    });
    const post = (path: string, json: unknown) => auth.call('POST', path, { identity: anonymous, json });
    const register = (credentials: { email: string; password: string }) =>
      post('/api/v1/auth/register', credentials);
    const verify = (token: string) =>
      jwt.verify(token, auth.env.SUPABASE_JWT_SECRET, {
        algorithms: ['HS256'],
        audience: 'authenticated',
      }) as jwt.JwtPayload;

    it('registers with a Supabase-shaped {user, session} whose access token the gateway can verify', async () => {
      const credentials = newCredentials();
      const reply = await register(credentials);
      expect(reply.status).to.equal(200);
      const { user, session } = reply.body;
      expect(user).to.include({ aud: 'authenticated', role: 'authenticated', email: credentials.email });
      expect(user.id).to.be.a('string');
      expect(user.created_at).to.be.a('string');
      expect(user.app_metadata).to.be.an('object');
      expect(user.user_metadata).to.be.an('object');
      expect(session).to.include({ token_type: 'bearer' });
      expect(session.expires_in).to.be.a('number');
      expect(session.expires_at).to.be.a('number');
      expect(session.refresh_token).to.be.a('string').that.is.not.empty;
      expect(session.user.id).to.equal(user.id);
      const claims = verify(session.access_token);
      expect(claims).to.include({ sub: user.id, email: credentials.email, role: 'authenticated' });
      expect(claims.exp).to.equal(session.expires_at);
      const event = await registered.waitFor((e) => e.user_id === user.id);
      expect(event.provider).to.equal(provider);
    });

    it('refuses to register an email twice with "Registration failed: User already registered"', async () => {
      const credentials = newCredentials();
      expect((await register(credentials)).status).to.equal(200);
      const again = await register({ ...credentials, password: 'another-password' });
      expect(again.status).to.equal(400);
      expect(again.body).to.deep.equal({ detail: 'Registration failed: User already registered' });
    });

    it('logs in with the right password, publishes the login and counts it', async () => {
      const credentials = newCredentials();
      const userId = (await register(credentials)).body.user.id;
      const before = await metricValue(auth.service.url, 'gaia_auth_logins_total', {
        provider,
        result: 'success',
      });
      const reply = await post('/api/v1/auth/login', credentials);
      expect(reply.status).to.equal(200);
      expect(reply.body.user.id).to.equal(userId);
      expect(reply.body).to.not.have.property('access_token');
      expect(verify(reply.body.session.access_token).sub).to.equal(userId);
      await loggedIn.waitFor((e) => e.user_id === userId);
      expect(
        await metricValue(auth.service.url, 'gaia_auth_logins_total', { provider, result: 'success' }),
      ).to.equal(before + 1);
    });

    it('refuses a wrong password with 400 "Login failed: Invalid login credentials" and counts the failure', async () => {
      const credentials = newCredentials();
      await register(credentials);
      const before = await metricValue(auth.service.url, 'gaia_auth_logins_total', {
        provider,
        result: 'failure',
      });
      const reply = await post('/api/v1/auth/login', { ...credentials, password: 'wrong-password' });
      expect(reply.status).to.equal(400);
      expect(reply.body).to.deep.equal({ detail: 'Login failed: Invalid login credentials' });
      const unknown = await post('/api/v1/auth/login', newCredentials());
      expect(unknown.body).to.deep.equal({ detail: 'Login failed: Invalid login credentials' });
      expect(
        await metricValue(auth.service.url, 'gaia_auth_logins_total', { provider, result: 'failure' }),
      ).to.equal(before + 2);
    });

    it('rotates refresh tokens: the new one works, the used one is refused', async () => {
      const first = (await register(newCredentials())).body.session.refresh_token as string;
      const rotated = await post('/api/v1/auth/refresh', { refresh_token: first });
      expect(rotated.status).to.equal(200);
      const second = rotated.body.session.refresh_token as string;
      expect(second).to.not.equal(first);
      expect(verify(rotated.body.session.access_token).sub).to.equal(rotated.body.user.id);

      const reused = await post('/api/v1/auth/refresh', { refresh_token: first });
      expect(reused.status).to.equal(400);
      expect(reused.body.detail).to.match(/^Token refresh failed: /);
      expect((await post('/api/v1/auth/refresh', { refresh_token: 'never-issued' })).status).to.equal(400);
    });

    it('logs out: every refresh token of the user stops working and the logout is published', async () => {
      const credentials = newCredentials();
      const { user, session } = (await register(credentials)).body;
      const other = (await post('/api/v1/auth/login', credentials)).body.session;
      const reply = await auth.call('POST', '/api/v1/auth/logout', {
        identity: userIdentity(user.id),
        bearer: session.access_token,
      });
      expect(reply.status).to.equal(200);
      expect(reply.body).to.deep.equal({ message: 'Logged out successfully' });
      for (const token of [session.refresh_token, other.refresh_token]) {
        expect((await post('/api/v1/auth/refresh', { refresh_token: token })).status).to.equal(400);
      }
      await loggedOut.waitFor((e) => e.user_id === user.id);
    });

    it('validates its own access tokens as jwt and refuses forged or expired ones', async () => {
      const { user, session } = (await register(newCredentials())).body;
      const valid = await post('/api/v1/auth/validate', { token: session.access_token });
      expect(valid.status).to.equal(200);
      expect(valid.body).to.deep.equal({ valid: true, auth_type: 'jwt', user_id: user.id, error: null });

      const claims = { sub: user.id, aud: 'authenticated', role: 'authenticated' };
      const forged = jwt.sign(claims, 'another-secret-that-is-long-enough-000', { expiresIn: 60 });
      const expired = jwt.sign(
        { ...claims, exp: Math.floor(Date.now() / 1000) - 10 },
        auth.env.SUPABASE_JWT_SECRET,
      );
      const wrongAudience = jwt.sign({ ...claims, aud: 'other' }, auth.env.SUPABASE_JWT_SECRET, {
        expiresIn: 60,
      });
      for (const token of [forged, expired, wrongAudience, 'not-a-jwt']) {
        const reply = await post('/api/v1/auth/validate', { token });
        expect(reply.status).to.equal(200);
        expect(reply.body).to.deep.equal({
          valid: false,
          auth_type: 'none',
          user_id: null,
          error: 'No valid authentication credentials provided',
        });
      }
    });
  });
}
