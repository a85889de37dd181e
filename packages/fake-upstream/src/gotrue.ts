import express, { type Request, type RequestHandler, type Response } from 'express';
import {
  GoTrueHttpError,
  GoTrueOAuthError,
  goTrueErrorHandler,
  respondWithGoTrueFault,
} from './gotrue-errors.js';
import { GoTrueStore, type GoTrueSession, type GoTrueUser } from './gotrue-store.js';
import { signAccessToken, verifyAccessToken } from './gotrue-tokens.js';
import type { Upstream } from './upstream.js';

/** The JWT secret of a local `supabase start`, so tokens verify with the usual local configuration. */
export const DEFAULT_GOTRUE_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

const MIN_PASSWORD_LENGTH = 6;
const EMAIL_FORMAT = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface GoTrueOptions {
  /** HS256 secret for access tokens; default {@link DEFAULT_GOTRUE_JWT_SECRET}. */
  jwtSecret?: string;
  /** Access token lifetime, returned as `expires_in`; default 3600. */
  expiresInSeconds?: number;
}

export interface GoTrueUpstream extends Upstream {
  readonly store: GoTrueStore;
}

interface GoTrueContext {
  store: GoTrueStore;
  jwtSecret: string;
  expiresInSeconds: number;
}

/**
 * Supabase Auth (GoTrue) with email/password signup (always autoconfirmed), password and refresh-token
 * grants, `/user` and `/logout`, speaking the JSON that `@supabase/supabase-js` v2 expects. Like the
 * Supabase gateway, it refuses requests without an `apikey`; any non-empty key is accepted.
 * @example const gotrue = createGoTrue({ jwtSecret: 'secret' }); app.use(gotrue.basePath, gotrue.router);
 */
export function createGoTrue(options: GoTrueOptions = {}): GoTrueUpstream {
  const context: GoTrueContext = {
    store: new GoTrueStore(),
    jwtSecret: requireSecret(options.jwtSecret ?? DEFAULT_GOTRUE_JWT_SECRET),
    expiresInSeconds: requirePositiveInteger('expiresInSeconds', options.expiresInSeconds ?? 3600),
  };
  const router = express.Router();
  router.use(requireApiKey, express.json());
  router.post('/signup', (req, res) => signup(context, req, res));
  router.post('/token', (req, res) => token(context, req, res));
  router.get('/user', (req, res) => {
    res.json(authenticate(context, req).user);
  });
  router.post('/logout', (req, res) => logout(context, req, res));
  router.use(goTrueErrorHandler);
  return {
    name: 'gotrue',
    basePath: '/auth/v1',
    router,
    respondWithFault: respondWithGoTrueFault,
    store: context.store,
    describeState: () => ({
      users: [...context.store.users.values()].map((record) => record.user),
      sessionCount: context.store.sessions.size,
    }),
  };
}

const requireApiKey: RequestHandler = (req, res, next) => {
  const apiKey = req.get('apikey') ?? req.query.apikey;
  if (typeof apiKey === 'string' && apiKey !== '') {
    next();
    return;
  }
  res.status(401).json({ message: 'No API key found in request' });
};

function signup(context: GoTrueContext, req: Request, res: Response): void {
  const body = jsonBody(req);
  const password = stringField(body, 'password');
  if (password === '')
    throw new GoTrueHttpError(422, 'validation_failed', 'Signup requires a valid password');
  const email = validateEmail(stringField(body, 'email'));
  checkPasswordStrength(password);
  if (context.store.findUserByEmail(email)) {
    throw new GoTrueHttpError(422, 'user_already_exists', 'User already registered');
  }
  const metadata = isPlainObject(body.data) ? body.data : {};
  const { user } = context.store.createUser({ email, password, metadata });
  res.json(sessionBody(context, req, user, context.store.signIn(user)));
}

function token(context: GoTrueContext, req: Request, res: Response): void {
  const grantType = req.query.grant_type;
  switch (grantType) {
    case 'password':
      res.json(passwordGrant(context, req));
      return;
    case 'refresh_token':
      res.json(refreshTokenGrant(context, req));
      return;
    default:
      throw new GoTrueOAuthError(
        'unsupported_grant_type',
        `grant_type ${JSON.stringify(grantType)} is not supported (fake-upstream knows password, refresh_token)`,
      );
  }
}

function passwordGrant(context: GoTrueContext, req: Request): SessionBody {
  const body = jsonBody(req);
  const email = stringField(body, 'email');
  if (email === '') throw new GoTrueHttpError(400, 'validation_failed', 'missing email or phone');
  const record = context.store.findUserByEmail(email);
  if (!record || record.password !== stringField(body, 'password')) {
    throw new GoTrueHttpError(400, 'invalid_credentials', 'Invalid login credentials');
  }
  return sessionBody(context, req, record.user, context.store.signIn(record.user));
}

function refreshTokenGrant(context: GoTrueContext, req: Request): SessionBody {
  const refreshToken = stringField(jsonBody(req), 'refresh_token');
  if (refreshToken === '') throw new GoTrueOAuthError('invalid_request', 'refresh_token required');
  const result = context.store.refresh(refreshToken);
  switch (result.outcome) {
    case 'not_found':
      throw new GoTrueHttpError(
        400,
        'refresh_token_not_found',
        'Invalid Refresh Token: Refresh Token Not Found',
      );
    case 'reused':
      throw new GoTrueHttpError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    case 'rotated':
      return sessionBody(context, req, result.user, result.session);
  }
}

function logout(context: GoTrueContext, req: Request, res: Response): void {
  const { user, session } = authenticate(context, req);
  const scope = req.query.scope || 'global';
  if (scope !== 'global' && scope !== 'local' && scope !== 'others') {
    throw new GoTrueHttpError(400, 'validation_failed', `Unsupported logout scope ${JSON.stringify(scope)}`);
  }
  if (session && scope === 'local') context.store.endSession(session.id);
  else if (session && scope === 'others') context.store.endSessionsOfUser(user.id, { except: session.id });
  else context.store.endSessionsOfUser(user.id);
  res.status(204).end();
}

/** Resolves the bearer access token to its user and, when it names one, its still-open session. */
function authenticate(context: GoTrueContext, req: Request): { user: GoTrueUser; session?: GoTrueSession } {
  const bearer = /^[Bb]earer (\S+)$/.exec(req.get('authorization') ?? '')?.[1];
  if (bearer === undefined) {
    throw new GoTrueHttpError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  }
  const claims = verifyAccessToken(bearer, context.jwtSecret);
  const record = context.store.users.get(claims.sub);
  if (!record) throw new GoTrueHttpError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  if (claims.session_id === undefined) return { user: record.user };
  const session = context.store.sessions.get(claims.session_id);
  if (!session) {
    throw new GoTrueHttpError(
      403,
      'session_not_found',
      'Session from session_id claim in JWT does not exist',
    );
  }
  return { user: record.user, session };
}

interface SessionBody {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  expires_at: number;
  refresh_token: string;
  user: GoTrueUser;
}

function sessionBody(
  context: GoTrueContext,
  req: Request,
  user: GoTrueUser,
  session: GoTrueSession,
): SessionBody {
  const { accessToken, expiresAt } = signAccessToken({
    user,
    session,
    secret: context.jwtSecret,
    expiresInSeconds: context.expiresInSeconds,
    issuer: `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`,
  });
  return {
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: context.expiresInSeconds,
    expires_at: expiresAt,
    refresh_token: session.refreshToken,
    user,
  };
}

function validateEmail(email: string): string {
  if (email === '') throw new GoTrueHttpError(400, 'validation_failed', 'An email address is required');
  if (!EMAIL_FORMAT.test(email)) {
    throw new GoTrueHttpError(400, 'validation_failed', 'Unable to validate email address: invalid format');
  }
  return email.toLowerCase();
}

function checkPasswordStrength(password: string): void {
  if (password.length >= MIN_PASSWORD_LENGTH) return;
  throw new GoTrueHttpError(
    422,
    'weak_password',
    `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`,
    {
      weak_password: { reasons: ['length'] },
    },
  );
}

function jsonBody(req: Request): Record<string, unknown> {
  return isPlainObject(req.body) ? req.body : {};
}

function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireSecret(secret: string): string {
  if (secret === '') throw new TypeError('gotrue.jwtSecret must not be empty');
  return secret;
}

function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TypeError(`gotrue.${name} must be a positive integer (got ${value})`);
  }
  return value;
}
