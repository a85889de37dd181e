import type { Identity } from '@gaia/contracts';

/**
 * Who is calling, as authentication established it, and what the caller's requests count against.
 * The key cache keeps one per API key and the JWT verifier one per verified token, so authenticating a
 * known caller allocates nothing.
 */
export interface Caller<I extends Identity = Identity> {
  /** Signed and forwarded to the services; nothing else of the caller leaves the gateway. */
  readonly identity: I;
  /** What the rate limit counts against: the API key's id, or `user:<id>` for a user JWT. */
  readonly subject: string;
  /** The API key's own requests per minute; null when the gateway's default applies (always for JWTs). */
  readonly rateLimitPerMinute: number | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals in this namespace
  namespace Express {
    interface Locals {
      /** Set by authentication on authenticated routes (public routes have none). */
      caller?: Caller;
    }
  }
}
