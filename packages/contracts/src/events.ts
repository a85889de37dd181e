import { z } from 'zod';
import { defineEvent } from './event.js';

const timestamp = z.iso.datetime({ offset: true });

const keyEvent = z.object({
  key_id: z.uuid(),
  key_hash: z.string().length(64),
  user_id: z.uuid(),
  timestamp,
});

/** `gaia.auth.key.created`: an API key was created (raw key never on the bus). */
export const authKeyCreated = defineEvent('gaia.auth.key.created', keyEvent);

/** `gaia.auth.key.revoked`: an API key stopped working; every gateway replica evicts it from its cache. */
export const authKeyRevoked = defineEvent('gaia.auth.key.revoked', keyEvent);

const userEvent = z.object({ user_id: z.string(), provider: z.enum(['local', 'supabase']), timestamp });

/** `gaia.auth.user.registered`: a user signed up. */
export const authUserRegistered = defineEvent('gaia.auth.user.registered', userEvent);

/** `gaia.auth.user.logged_in`: a user signed in with a password. */
export const authUserLoggedIn = defineEvent('gaia.auth.user.logged_in', userEvent);

/** `gaia.auth.user.logged_out`: a user signed out; their refresh tokens are revoked. */
export const authUserLoggedOut = defineEvent('gaia.auth.user.logged_out', userEvent);
