import jwt from 'jsonwebtoken';

/** Audience and role of every user access token, as Supabase issues them. */
export const ACCESS_TOKEN_AUDIENCE = 'authenticated';

/**
 * The `sub` of an HS256 access token signed with `secret` for audience `authenticated` that carries an
 * expiry and has not reached it; undefined for anything else, including when no secret is configured.
 * @example const userId = verifyAccessToken(config.SUPABASE_JWT_SECRET, token);
 */
export function verifyAccessToken(secret: string | undefined, token: string): string | undefined {
  if (!secret) return undefined;
  try {
    const claims = jwt.verify(token, secret, { algorithms: ['HS256'], audience: ACCESS_TOKEN_AUDIENCE });
    if (typeof claims !== 'object' || typeof claims.exp !== 'number') return undefined;
    return typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}
