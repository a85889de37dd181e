import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { startFakeUpstream, type RunningFakeUpstream } from '../src/index.js';
import { supabaseClient, uniqueEmail } from './supabase-client.js';

const jwtSecret = 'gotrue-test-secret-with-at-least-32-characters';
const password = 'correct-horse';

describe('fake GoTrue driven by @supabase/supabase-js', () => {
  let fake: RunningFakeUpstream;

  before(async () => {
    fake = await startFakeUpstream({ gotrue: { jwtSecret, expiresInSeconds: 600 } });
  });

  after(() => fake.close());

  async function signUp(email = uniqueEmail()) {
    const { data, error } = await supabaseClient(fake.url).auth.signUp({ email, password });
    expect(error).to.equal(null);
    expect(data.session).to.not.equal(null);
    return { email, session: data.session!, user: data.user! };
  }

  describe('signUp', () => {
    it('returns an autoconfirmed session whose access token is an HS256 JWT for the user', async () => {
      const email = uniqueEmail();
      const before = Math.floor(Date.now() / 1000);
      const { session, user } = await signUp(email);

      expect(user).to.include({ email, aud: 'authenticated', role: 'authenticated', phone: '' });
      expect(user.id).to.match(/^[0-9a-f-]{36}$/);
      expect(user.email_confirmed_at).to.be.a('string');
      expect(user.app_metadata).to.deep.equal({ provider: 'email', providers: ['email'] });
      expect(user.user_metadata).to.deep.equal({});
      expect(session.token_type).to.equal('bearer');
      expect(session.expires_in).to.equal(600);
      expect(session.expires_at).to.be.within(before + 600, before + 605);
      expect(session.refresh_token).to.be.a('string').with.length.greaterThan(8);

      const claims = jwt.verify(session.access_token, jwtSecret, {
        algorithms: ['HS256'],
        audience: 'authenticated',
      }) as jwt.JwtPayload;
      expect(claims).to.include({ sub: user.id, email, role: 'authenticated', aud: 'authenticated' });
      expect(claims.session_id).to.be.a('string');
      expect(claims.exp! - claims.iat!).to.equal(600);
      expect(() => jwt.verify(session.access_token, 'some-other-secret')).to.throw('invalid signature');

      expect(fake.state.gotrue.findUserByEmail(email)?.user.id).to.equal(user.id);
    });

    it('keeps signup data as user_metadata', async () => {
      const { data } = await supabaseClient(fake.url).auth.signUp({
        email: uniqueEmail(),
        password,
        options: { data: { display_name: 'Ada' } },
      });
      expect(data.user?.user_metadata).to.deep.equal({ display_name: 'Ada' });
    });

    it('rejects an email that is already registered with user_already_exists', async () => {
      const { email } = await signUp();
      const { data, error } = await supabaseClient(fake.url).auth.signUp({
        email: email.toUpperCase(),
        password,
      });
      expect(data.session).to.equal(null);
      expect(error?.name).to.equal('AuthApiError');
      expect(error).to.include({
        status: 422,
        code: 'user_already_exists',
        message: 'User already registered',
      });
    });

    it('rejects a password shorter than 6 characters as weak_password', async () => {
      const { error } = await supabaseClient(fake.url).auth.signUp({
        email: uniqueEmail(),
        password: '12345',
      });
      expect(error?.name).to.equal('AuthWeakPasswordError');
      expect(error).to.include({ status: 422, code: 'weak_password' });
      expect((error as unknown as { reasons: string[] }).reasons).to.deep.equal(['length']);
    });

    it('answers clients without an API version header in the legacy error format', async () => {
      const { email } = await signUp();
      const response = await fetch(`${fake.url}/auth/v1/signup`, {
        method: 'POST',
        headers: { apikey: 'anon-key', 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      expect(response.status).to.equal(422);
      expect(await response.json()).to.deep.equal({
        code: 422,
        error_code: 'user_already_exists',
        msg: 'User already registered',
      });
    });
  });

  describe('signInWithPassword', () => {
    it('opens a new session for the right password', async () => {
      const { email, user, session: signupSession } = await signUp();
      const { data, error } = await supabaseClient(fake.url).auth.signInWithPassword({ email, password });
      expect(error).to.equal(null);
      expect(data.user?.id).to.equal(user.id);
      expect(data.user?.last_sign_in_at).to.be.a('string');
      expect(data.session?.refresh_token).to.not.equal(signupSession.refresh_token);
      const claims = jwt.verify(data.session!.access_token, jwtSecret) as jwt.JwtPayload;
      expect(claims.session_id).to.not.equal(
        (jwt.decode(signupSession.access_token) as jwt.JwtPayload).session_id,
      );
    });

    it('rejects a wrong password with invalid_credentials', async () => {
      const { email } = await signUp();
      const { data, error } = await supabaseClient(fake.url).auth.signInWithPassword({
        email,
        password: 'wrong-one',
      });
      expect(data.session).to.equal(null);
      expect(error?.name).to.equal('AuthApiError');
      expect(error).to.include({
        status: 400,
        code: 'invalid_credentials',
        message: 'Invalid login credentials',
      });
    });

    it('rejects an unknown email the same way', async () => {
      const { error } = await supabaseClient(fake.url).auth.signInWithPassword({
        email: uniqueEmail(),
        password,
      });
      expect(error).to.include({ status: 400, code: 'invalid_credentials' });
    });
  });

  describe('refreshSession', () => {
    it('rotates the refresh token and keeps the session', async () => {
      const { session } = await signUp();
      const { data, error } = await supabaseClient(fake.url).auth.refreshSession({
        refresh_token: session.refresh_token,
      });
      expect(error).to.equal(null);
      expect(data.session?.refresh_token).to.be.a('string').and.not.equal(session.refresh_token);
      const before = jwt.decode(session.access_token) as jwt.JwtPayload;
      const after = jwt.verify(data.session!.access_token, jwtSecret) as jwt.JwtPayload;
      expect(after.session_id).to.equal(before.session_id);
      expect(after.sub).to.equal(before.sub);
    });

    it('rejects the old refresh token after rotation and then ends the session', async () => {
      const { session } = await signUp();
      const rotated = await supabaseClient(fake.url).auth.refreshSession({
        refresh_token: session.refresh_token,
      });
      const newRefreshToken = rotated.data.session!.refresh_token;

      const reuse = await supabaseClient(fake.url).auth.refreshSession({
        refresh_token: session.refresh_token,
      });
      expect(reuse.data.session).to.equal(null);
      expect(reuse.error).to.include({ status: 400, code: 'refresh_token_already_used' });

      const afterReuse = await supabaseClient(fake.url).auth.refreshSession({
        refresh_token: newRefreshToken,
      });
      expect(afterReuse.error).to.include({ status: 400, code: 'refresh_token_not_found' });
    });

    it('rejects an unknown refresh token with refresh_token_not_found', async () => {
      const { error } = await supabaseClient(fake.url).auth.refreshSession({ refresh_token: 'never-issued' });
      expect(error?.name).to.equal('AuthApiError');
      expect(error).to.include({
        status: 400,
        code: 'refresh_token_not_found',
        message: 'Invalid Refresh Token: Refresh Token Not Found',
      });
    });
  });

  describe('getUser', () => {
    it('returns the user of a valid access token', async () => {
      const { session, user } = await signUp();
      const { data, error } = await supabaseClient(fake.url).auth.getUser(session.access_token);
      expect(error).to.equal(null);
      expect(data.user).to.deep.equal(fake.state.gotrue.users.get(user.id)?.user);
    });

    it('refuses a token signed with another secret with 403 bad_jwt', async () => {
      const { session } = await signUp();
      const claims = jwt.decode(session.access_token) as jwt.JwtPayload;
      const forged = jwt.sign(claims, 'not-the-secret', { algorithm: 'HS256' });
      const { data, error } = await supabaseClient(fake.url).auth.getUser(forged);
      expect(data.user).to.equal(null);
      expect(error).to.include({ status: 403, code: 'bad_jwt' });
      expect(error?.message).to.contain('signature is invalid');
    });

    it('refuses a request without a bearer token with 401', async () => {
      const response = await fetch(`${fake.url}/auth/v1/user`, { headers: { apikey: 'anon-key' } });
      expect(response.status).to.equal(401);
      expect(await response.json()).to.include({ error_code: 'no_authorization' });
    });

    it('refuses a request without an apikey like the Supabase gateway', async () => {
      const { session } = await signUp();
      const response = await fetch(`${fake.url}/auth/v1/user`, {
        headers: { authorization: `Bearer ${session.access_token}` },
      });
      expect(response.status).to.equal(401);
      expect(await response.json()).to.deep.equal({ message: 'No API key found in request' });
    });
  });

  describe('signOut', () => {
    it('revokes the refresh tokens and the session of the access token', async () => {
      const email = uniqueEmail();
      await signUp(email);
      const client = supabaseClient(fake.url);
      const { data } = await client.auth.signInWithPassword({ email, password });
      const { access_token: accessToken, refresh_token: refreshToken } = data.session!;
      const logoutsBefore = fake.state.requests.countsByRoute['POST /auth/v1/logout'] ?? 0;

      const { error } = await client.auth.signOut();

      expect(error).to.equal(null);
      expect(fake.state.requests.countsByRoute['POST /auth/v1/logout']).to.equal(logoutsBefore + 1);
      expect(fake.state.requests.last?.query).to.equal('scope=global');
      expect(fake.state.requests.last?.headers.authorization).to.equal(`Bearer ${accessToken}`);
      const refresh = await supabaseClient(fake.url).auth.refreshSession({ refresh_token: refreshToken });
      expect(refresh.error).to.include({ status: 400, code: 'refresh_token_not_found' });
      const user = await supabaseClient(fake.url).auth.getUser(accessToken);
      expect(user.error?.name).to.equal('AuthSessionMissingError');
    });

    it('signs out every session of the user with the global scope', async () => {
      const email = uniqueEmail();
      const { session: first } = await signUp(email);
      const client = supabaseClient(fake.url);
      await client.auth.signInWithPassword({ email, password });

      await client.auth.signOut({ scope: 'global' });

      const refresh = await supabaseClient(fake.url).auth.refreshSession({
        refresh_token: first.refresh_token,
      });
      expect(refresh.error).to.include({ code: 'refresh_token_not_found' });
    });

    it('keeps the other sessions with the local scope', async () => {
      const email = uniqueEmail();
      const { session: first } = await signUp(email);
      const client = supabaseClient(fake.url);
      await client.auth.signInWithPassword({ email, password });

      await client.auth.signOut({ scope: 'local' });

      const refresh = await supabaseClient(fake.url).auth.refreshSession({
        refresh_token: first.refresh_token,
      });
      expect(refresh.error).to.equal(null);
    });
  });
});
