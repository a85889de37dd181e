import type { AuthResult } from '@gaia/contracts';
import type { Prisma } from '@gaia/platform';
import jwt from 'jsonwebtoken';
import { ACCESS_TOKEN_AUDIENCE } from '../access-token.js';

type SupabaseUser = NonNullable<AuthResult['user']>;

const APP_METADATA = { provider: 'email', providers: ['email'] };

/**
 * A user row in the shape GoTrue serialises users. Local accounts need no email confirmation (like
 * GoTrue with autoconfirm), so they count as confirmed when created.
 * @example toSupabaseUser(await prisma.user.findUniqueOrThrow({ where: { id } }))
 */
export function toSupabaseUser(user: Prisma.UserModel): SupabaseUser {
  const created = user.createdAt.toISOString();
  return {
    id: user.id,
    aud: ACCESS_TOKEN_AUDIENCE,
    role: ACCESS_TOKEN_AUDIENCE,
    email: user.email,
    email_confirmed_at: created,
    phone: '',
    confirmed_at: created,
    app_metadata: APP_METADATA,
    user_metadata: {},
    identities: [],
    created_at: created,
    updated_at: user.updatedAt.toISOString(),
    is_anonymous: false,
  };
}

/**
 * `{user, session}` as GoTrue answers a sign-in, with an HS256 access token carrying Supabase's claims.
 * @example buildSession({ user, refreshToken, secret, issuedAt, ttlSeconds: 3600 })
 */
export function buildSession({
  user,
  refreshToken,
  secret,
  issuedAt,
  ttlSeconds,
}: {
  user: Prisma.UserModel;
  refreshToken: string;
  secret: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  ttlSeconds: number;
}): AuthResult {
  const view = toSupabaseUser(user);
  const expiresAt = issuedAt + ttlSeconds;
  const accessToken = jwt.sign(
    {
      aud: ACCESS_TOKEN_AUDIENCE,
      role: ACCESS_TOKEN_AUDIENCE,
      sub: user.id,
      email: user.email,
      app_metadata: APP_METADATA,
      user_metadata: {},
      is_anonymous: false,
      iat: issuedAt,
      exp: expiresAt,
    },
    secret,
    { algorithm: 'HS256' },
  );
  return {
    user: view,
    session: {
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: ttlSeconds,
      expires_at: expiresAt,
      refresh_token: refreshToken,
      user: view,
    },
  };
}
