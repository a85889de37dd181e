import { z } from 'zod';

/** Bodies of the auth service's public routes (`/api/v1/auth/*`), Supabase-shaped as in the original. */
export const credentialsBody = z.object({
  email: z.email().max(255),
  password: z.string().min(6).max(1024),
});

export const refreshBody = z.object({ refresh_token: z.string().min(1) });

export const validateBody = z.object({ token: z.string().optional(), api_key: z.string().optional() });

export const validateResponse = z.object({
  valid: z.boolean(),
  auth_type: z.enum(['jwt', 'api_key', 'none']),
  user_id: z.string().nullable(),
  error: z.string().nullable(),
});

export const supabaseUser = z.looseObject({
  id: z.string(),
  aud: z.string(),
  role: z.string().optional(),
  email: z.string().optional(),
  created_at: z.string(),
});

export const supabaseSession = z.looseObject({
  access_token: z.string(),
  token_type: z.string(),
  expires_in: z.number(),
  expires_at: z.number().optional(),
  refresh_token: z.string(),
  user: supabaseUser,
});

export const authResult = z.object({ user: supabaseUser.nullable(), session: supabaseSession.nullable() });
export type AuthResult = z.infer<typeof authResult>;

/** API key management (`/api/v1/auth/keys`), by the key's owner. */
export const createKeyBody = z.object({
  name: z.string().trim().min(1).max(255),
  scopes: z.array(z.string().min(1).max(64)).max(32).default([]),
  expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
  rate_limit_per_minute: z.int().positive().max(1_000_000).nullable().optional(),
});

export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  is_active: z.boolean(),
  rate_limit_per_minute: z.number().nullable(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  created_at: z.string(),
});
export type ApiKeyView = z.infer<typeof apiKeyView>;

/** The raw key appears in this response only, once. */
export const createdKey = apiKeyView.extend({ key: z.string() });

/** Internal: the gateway resolves an API key hash to its owner (`POST /internal/keys/resolve`). */
export const resolveKeyBody = z.object({ key_hash: z.string().regex(/^[0-9a-f]{64}$/) });
export const resolvedKey = z.discriminatedUnion('valid', [
  z.object({
    valid: z.literal(true),
    key_id: z.string(),
    user_id: z.string(),
    scopes: z.array(z.string()),
    rate_limit_per_minute: z.number().nullable(),
  }),
  z.object({ valid: z.literal(false) }),
]);
export type ResolvedKey = z.infer<typeof resolvedKey>;
