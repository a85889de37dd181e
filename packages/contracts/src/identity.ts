import { z } from 'zod';

/** Header carrying the gateway's signed, short-lived statement of who is calling. */
export const IDENTITY_HEADER = 'x-gaia-identity';

/**
 * Who is calling, as the gateway established it. `user_api_key` and `jwt` keep the original
 * platform's auth-type spellings; `service` is one Gaia service calling another;
 * `anonymous` is a caller of a public route (it still came through the gateway).
 */
export const identity = z.discriminatedUnion('auth_type', [
  z.object({ auth_type: z.literal('jwt'), user_id: z.string().min(1) }),
  z.object({
    auth_type: z.literal('user_api_key'),
    user_id: z.string().min(1),
    key_id: z.string().min(1),
    scopes: z.array(z.string()),
  }),
  z.object({ auth_type: z.literal('service'), service: z.string().min(1) }),
  z.object({ auth_type: z.literal('anonymous') }),
]);
export type Identity = z.infer<typeof identity>;
