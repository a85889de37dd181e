import {
  busConfig,
  databaseConfig,
  httpConfig,
  identityConfig,
  jwtConfig,
  loadConfig,
  logConfig,
  shutdownConfig,
} from '@gaia/platform';
import { z } from 'zod';

// Cross-variable rules run even when single variables are bad, so one start-up lists every problem.
const always = { when: () => true };

/** Environment of the auth service: the kit's blocks plus provider, bootstrap and token settings. */
export const authConfigSchema = z
  .object({
    ...httpConfig('auth', 8001),
    ...logConfig,
    ...databaseConfig,
    ...busConfig,
    ...shutdownConfig,
    ...identityConfig,
    ...jwtConfig,
    SUPABASE_URL: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe(
        'Supabase project URL; set it to use the supabase provider, leave it unset for the local one',
      ),
    SUPABASE_ANON_KEY: z
      .string()
      .optional()
      .describe('Supabase anon (public) key; required with SUPABASE_URL'),
    API_KEY: z
      .string()
      .min(16, 'must be at least 16 characters')
      .optional()
      .describe('Bootstrap API key, stored (hashed) for BOOTSTRAP_ADMIN_EMAIL at start-up; never logged'),
    BOOTSTRAP_ADMIN_EMAIL: z
      .email()
      .default('admin@gaia.local')
      .describe('Admin user that owns the bootstrap API key; created when missing'),
    ENVIRONMENT: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,32}$/, 'must be 1-32 letters, digits or dashes')
      .default('dev')
      .describe('Environment name inside generated API keys: gaia_<ENVIRONMENT>_<32 random characters>'),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(3600)
      .describe('Lifetime of access tokens issued by the local provider'),
    REFRESH_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(30 * 24 * 3600)
      .describe('Lifetime of refresh tokens issued by the local provider'),
  })
  .refine((config) => config.SUPABASE_URL || config.SUPABASE_JWT_SECRET, {
    path: ['SUPABASE_JWT_SECRET'],
    message: 'required by the local auth provider (SUPABASE_URL is unset): it signs the access tokens',
    ...always,
  })
  .refine((config) => !config.SUPABASE_URL || config.SUPABASE_ANON_KEY, {
    path: ['SUPABASE_ANON_KEY'],
    message: 'required with SUPABASE_URL (the supabase provider calls GoTrue with it)',
    ...always,
  });

export type AuthConfig = z.infer<typeof authConfigSchema>;

/**
 * Reads the auth service's configuration; throws one ConfigError naming every bad variable.
 * @example const config = loadAuthConfig(process.env);
 */
export function loadAuthConfig(env: Record<string, string | undefined>): AuthConfig {
  return loadConfig(authConfigSchema, env);
}
