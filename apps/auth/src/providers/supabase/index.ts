import type { AuthResult } from '@gaia/contracts';
import {
  createClient,
  isAuthRetryableFetchError,
  type AuthError,
  type Session,
  type User,
} from '@supabase/supabase-js';
import { verifyAccessToken } from '../access-token.js';
import { AuthProviderError, type AuthProvider } from '../provider.js';

export interface SupabaseProviderOptions {
  url: string;
  anonKey: string;
  /** Verifies access tokens locally; without it no token counts as valid. */
  jwtSecret: string | undefined;
}

type GoTrueAnswer =
  | { data: { user: User | null; session: Session | null }; error: null }
  | { data: { user: null; session: null }; error: AuthError };

// GoTrue's own failures (5xx) and unreachable GoTrue are outages, not refusals of the caller's input.
function toProviderError(error: AuthError): AuthProviderError {
  const outage = isAuthRetryableFetchError(error) || (error.status ?? 0) >= 500;
  return new AuthProviderError(error.message, outage ? 'unavailable' : 'rejected');
}

function toAuthResult({ data, error }: GoTrueAnswer): AuthResult {
  if (error) throw toProviderError(error);
  // supabase-js's User is an interface without an index signature, so TypeScript will not match it to
  // the contract's open object type, though it carries every field the contract names.
  return { user: data.user, session: data.session } as AuthResult;
}

/**
 * Supabase Auth (GoTrue) through `@supabase/supabase-js` with the project's anon key.
 * @example const provider = createSupabaseProvider({ url: config.SUPABASE_URL, anonKey, jwtSecret: config.SUPABASE_JWT_SECRET });
 */
export function createSupabaseProvider({ url, anonKey, jwtSecret }: SupabaseProviderOptions): AuthProvider {
  // A client per request: supabase-js keeps the signed-in session inside the client, and requests of
  // different users must never share one.
  const auth = () =>
    createClient(url, anonKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    }).auth;

  return {
    id: 'supabase',
    register: async (credentials) => toAuthResult(await auth().signUp(credentials)),
    login: async (credentials) => toAuthResult(await auth().signInWithPassword(credentials)),
    refresh: async (refreshToken) =>
      toAuthResult(await auth().refreshSession({ refresh_token: refreshToken })),

    async logout({ accessToken }) {
      if (!accessToken)
        throw new AuthProviderError('Auth session missing: send the Bearer access token of the session');
      // auth.signOut() sends exactly this request (POST /logout with the user's bearer), which the anon key
      // may make; the other auth.admin methods would need the service role key.
      const { error } = await auth().admin.signOut(accessToken, 'global');
      if (error) throw toProviderError(error);
    },

    verifyAccessToken: async (token) => verifyAccessToken(jwtSecret, token),
  };
}
