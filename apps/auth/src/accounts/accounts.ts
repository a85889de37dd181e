import {
  authUserLoggedIn,
  authUserLoggedOut,
  authUserRegistered,
  type AuthResult,
  type validateBody,
  type validateResponse,
} from '@gaia/contracts';
import { BadRequestError, UnavailableError, type HttpError } from '@gaia/platform';
import type { z } from 'zod';
import type { PublishEvent } from '../event-publisher.js';
import { hashSecret } from '../hash-secret.js';
import type { ApiKeys } from '../keys/api-keys.js';
import type { AuthMetrics, LoginResult } from '../auth-metrics.js';
import { AuthProviderError, type AuthProvider, type Credentials } from '../providers/provider.js';

export type ValidateInput = z.output<typeof validateBody>;
export type ValidateAnswer = z.output<typeof validateResponse>;

export interface Accounts {
  register(credentials: Credentials): Promise<AuthResult>;
  login(credentials: Credentials): Promise<AuthResult>;
  refresh(refreshToken: string): Promise<AuthResult>;
  logout(session: { userId: string; accessToken: string | undefined }): Promise<{ message: string }>;
  /** Whether a JWT (tried first) or an API key is valid; never throws for bad credentials. */
  validate(input: ValidateInput): Promise<ValidateAnswer>;
}

export interface AccountsDeps {
  provider: AuthProvider;
  keys: ApiKeys;
  publish: PublishEvent;
  metrics: AuthMetrics;
  now?: () => Date;
}

type Action = 'Registration' | 'Login' | 'Token refresh' | 'Logout';

// The original platform's texts: "Login failed: <provider message>", and so on.
function failure(action: Action, error: AuthProviderError): HttpError {
  const detail = `${action} failed: ${error.message}`;
  return error.kind === 'unavailable' ? new UnavailableError(detail) : new BadRequestError(detail);
}

async function attempt<T>(action: Action, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof AuthProviderError ? failure(action, error) : error;
  }
}

const loginResult = (error: unknown): LoginResult =>
  error instanceof AuthProviderError && error.kind === 'rejected' ? 'failure' : 'error';

/**
 * Sign-up, sign-in, refresh, sign-out and credential checks over the configured provider, with the
 * matching bus events and login metrics.
 * @example const accounts = createAccounts({ provider, keys, publish, metrics }); await accounts.login({ email, password });
 */
export function createAccounts({
  provider,
  keys,
  publish,
  metrics,
  now = () => new Date(),
}: AccountsDeps): Accounts {
  const userEvent = (userId: string) => ({
    user_id: userId,
    provider: provider.id,
    timestamp: now().toISOString(),
  });

  return {
    async register(credentials) {
      const result = await attempt('Registration', () => provider.register(credentials));
      if (result.user) publish(authUserRegistered, userEvent(result.user.id));
      return result;
    },

    async login(credentials) {
      const result = await attempt('Login', () =>
        provider.login(credentials).catch((error: unknown) => {
          metrics.logins.inc({ provider: provider.id, result: loginResult(error) });
          throw error;
        }),
      );
      metrics.logins.inc({ provider: provider.id, result: 'success' });
      if (result.user) publish(authUserLoggedIn, userEvent(result.user.id));
      return result;
    },

    refresh: (refreshToken) => attempt('Token refresh', () => provider.refresh(refreshToken)),

    async logout(session) {
      await attempt('Logout', () => provider.logout(session));
      publish(authUserLoggedOut, userEvent(session.userId));
      return { message: 'Logged out successfully' };
    },

    async validate({ token, api_key: apiKey }) {
      const jwtUser = token ? await provider.verifyAccessToken(token) : undefined;
      if (jwtUser) return { valid: true, auth_type: 'jwt', user_id: jwtUser, error: null };
      const key = apiKey ? await keys.resolve(hashSecret(apiKey)) : undefined;
      if (key?.valid) return { valid: true, auth_type: 'api_key', user_id: key.user_id, error: null };
      return {
        valid: false,
        auth_type: 'none',
        user_id: null,
        error: 'No valid authentication credentials provided',
      };
    },
  };
}
