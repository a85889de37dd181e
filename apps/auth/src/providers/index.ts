import type { PrismaClient } from '@gaia/platform';
import type { AuthConfig } from '../config.js';
import { createLocalProvider } from './local/index.js';
import type { AuthProvider } from './provider.js';
import { createSupabaseProvider } from './supabase/index.js';

/**
 * The only list of auth providers: supabase when SUPABASE_URL is set, the built-in local one otherwise.
 * @example const provider = createAuthProvider(config, { prisma: database.prisma });
 */
export function createAuthProvider(config: AuthConfig, { prisma }: { prisma: PrismaClient }): AuthProvider {
  if (config.SUPABASE_URL) {
    if (!config.SUPABASE_ANON_KEY) throw new Error('The supabase auth provider needs SUPABASE_ANON_KEY');
    return createSupabaseProvider({
      url: config.SUPABASE_URL,
      anonKey: config.SUPABASE_ANON_KEY,
      jwtSecret: config.SUPABASE_JWT_SECRET,
    });
  }
  if (!config.SUPABASE_JWT_SECRET)
    throw new Error('The local auth provider needs SUPABASE_JWT_SECRET to sign tokens');
  return createLocalProvider({
    prisma,
    jwtSecret: config.SUPABASE_JWT_SECRET,
    accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  });
}
