import type { Identity } from '@gaia/contracts';
import jwt from 'jsonwebtoken';
import type { Caller } from './caller.js';

export type JwtIdentity = Extract<Identity, { auth_type: 'jwt' }>;

/** The user a JWT proves (rate limited as `user:<id>`), or undefined when the token is not valid for any reason. */
export type JwtVerifier = (token: string) => Caller<JwtIdentity> | undefined;

export interface JwtVerifierOptions {
  /** `SUPABASE_JWT_SECRET`; without it no JWT is valid. */
  secret: string | undefined;
  /** Verified tokens remembered at most (oldest forgotten first). */
  maxEntries?: number;
  now?: () => number;
}

const AUDIENCE = 'authenticated';

/**
 * Verifies Supabase-compatible user JWTs: HS256 only (so `alg: none` and every other algorithm fail),
 * audience `authenticated`, `exp` present and in the future, `sub` present. A verified token is
 * remembered until it expires, so a client sending the same token costs a map lookup, not an HMAC.
 * @example const identity = createJwtVerifier({ secret: config.SUPABASE_JWT_SECRET })(token);
 */
export function createJwtVerifier({
  secret,
  maxEntries = 10_000,
  now = Date.now,
}: JwtVerifierOptions): JwtVerifier {
  if (!secret) return () => undefined;
  const verified = new Map<string, { caller: Caller<JwtIdentity>; expiresAt: number }>();
  return (token) => {
    const known = verified.get(token);
    if (known) {
      if (known.expiresAt > now()) return known.caller;
      verified.delete(token);
      return undefined;
    }
    // API keys sent as Bearer tokens (OpenAI SDK) are not JWTs; skip the throw-and-catch for them.
    if (!token.includes('.')) return undefined;
    let claims: string | jwt.JwtPayload;
    try {
      claims = jwt.verify(token, secret, {
        algorithms: ['HS256'],
        audience: AUDIENCE,
        clockTimestamp: now() / 1000,
      });
    } catch {
      return undefined;
    }
    if (
      typeof claims === 'string' ||
      typeof claims.sub !== 'string' ||
      !claims.sub ||
      typeof claims.exp !== 'number'
    ) {
      return undefined;
    }
    const caller: Caller<JwtIdentity> = {
      identity: { auth_type: 'jwt', user_id: claims.sub },
      subject: `user:${claims.sub}`,
      rateLimitPerMinute: null,
    };
    if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
    verified.set(token, { caller, expiresAt: claims.exp * 1000 });
    return caller;
  };
}
