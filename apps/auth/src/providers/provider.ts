import type { AuthResult, credentialsBody } from '@gaia/contracts';
import type { z } from 'zod';

export type Credentials = z.output<typeof credentialsBody>;

/** Folder name, config value and metric label of each provider. */
export type AuthProviderId = 'local' | 'supabase';

/**
 * Where users, passwords and sessions live. Both implementations answer Supabase-shaped `{user, session}`
 * bodies and issue HS256 access tokens (audience `authenticated`) that the gateway verifies the same way.
 */
export interface AuthProvider {
  readonly id: AuthProviderId;
  register(credentials: Credentials): Promise<AuthResult>;
  login(credentials: Credentials): Promise<AuthResult>;
  /** Exchanges a refresh token for a new session; the token presented stops working. */
  refresh(refreshToken: string): Promise<AuthResult>;
  /** Ends every session of the user, so none of their refresh tokens works any more. */
  logout(session: { userId: string; accessToken: string | undefined }): Promise<void>;
  /** The user id (`sub`) of a valid access token, undefined for anything else. */
  verifyAccessToken(token: string): Promise<string | undefined>;
}

/**
 * A provider's refusal (`rejected`: bad credentials, unknown token, ...) or failure to answer
 * (`unavailable`). Its message is the one clients see after "Login failed: " and the like.
 * @example throw new AuthProviderError('Invalid login credentials');
 */
export class AuthProviderError extends Error {
  constructor(
    message: string,
    readonly kind: 'rejected' | 'unavailable' = 'rejected',
  ) {
    super(message);
    this.name = 'AuthProviderError';
  }
}
