import jwt from 'jsonwebtoken';
import { GoTrueHttpError } from './gotrue-errors.js';
import type { GoTrueSession, GoTrueUser } from './gotrue-store.js';

/** The claims GoTrue puts in an access token. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: 'authenticated';
  exp: number;
  iat: number;
  email: string;
  phone: string;
  app_metadata: GoTrueUser['app_metadata'];
  user_metadata: GoTrueUser['user_metadata'];
  role: 'authenticated';
  aal: 'aal1';
  amr: GoTrueSession['amr'];
  session_id: string;
  is_anonymous: boolean;
}

/**
 * Signs an HS256 access token for a session, as GoTrue does with its JWT secret.
 * @example const { accessToken, expiresAt } = signAccessToken({ user, session, secret, expiresInSeconds: 3600, issuer });
 */
export function signAccessToken(input: {
  user: GoTrueUser;
  session: GoTrueSession;
  secret: string;
  expiresInSeconds: number;
  issuer: string;
}): { accessToken: string; expiresAt: number } {
  const { user, session } = input;
  const issuedAt = Math.floor(Date.now() / 1000);
  const claims: AccessTokenClaims = {
    iss: input.issuer,
    sub: user.id,
    aud: 'authenticated',
    exp: issuedAt + input.expiresInSeconds,
    iat: issuedAt,
    email: user.email,
    phone: user.phone,
    app_metadata: user.app_metadata,
    user_metadata: user.user_metadata,
    role: 'authenticated',
    aal: 'aal1',
    amr: session.amr,
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  };
  return { accessToken: jwt.sign(claims, input.secret, { algorithm: 'HS256' }), expiresAt: claims.exp };
}

/**
 * Verifies a bearer token with the JWT secret; failures become GoTrue's 403 `bad_jwt`, with the reason
 * worded like GoTrue's JWT library words it.
 * @example const { sub, session_id } = verifyAccessToken(token, secret);
 */
export function verifyAccessToken(token: string, secret: string): { sub: string; session_id?: string } {
  let claims: string | jwt.JwtPayload;
  try {
    claims = jwt.verify(token, secret, { algorithms: ['HS256'] });
  } catch (error) {
    throw new GoTrueHttpError(
      403,
      'bad_jwt',
      `invalid JWT: unable to parse or verify signature, ${jwtFailureReason(error)}`,
    );
  }
  if (typeof claims === 'string' || typeof claims.sub !== 'string' || claims.sub === '') {
    throw new GoTrueHttpError(403, 'bad_jwt', 'invalid claim: missing sub claim');
  }
  const sessionId: unknown = claims.session_id;
  return typeof sessionId === 'string' && sessionId !== ''
    ? { sub: claims.sub, session_id: sessionId }
    : { sub: claims.sub };
}

function jwtFailureReason(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'token has invalid claims: token is expired';
  if (error instanceof jwt.NotBeforeError) return 'token has invalid claims: token is not valid yet';
  if (error instanceof Error && error.message === 'invalid signature') {
    return 'token signature is invalid: signature is invalid';
  }
  return `token is malformed: ${error instanceof Error ? error.message : String(error)}`;
}
