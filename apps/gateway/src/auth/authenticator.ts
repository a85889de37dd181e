import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteContract } from '@gaia/contracts';
import { ForbiddenError, UnauthorizedError } from '@gaia/platform';
import type { ApiKeyCache } from './api-key-cache.js';
import type { Caller } from './caller.js';
import type { JwtVerifier } from './jwt-verifier.js';

export interface Authenticator {
  /**
   * Who is calling, from the request headers; throws 401 when no credential is usable, 403 for an
   * API key that is not valid, 503 when the auth service cannot resolve a key.
   */
  authenticate(headers: IncomingHttpHeaders, sdk?: RouteContract['sdk']): Promise<Caller>;
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

/**
 * The original platform's resolution order: a Bearer JWT first (any failure silently ignored), then
 * `X-API-Key`. On SDK-compatible routes a Bearer token that is not a JWT is an API key too, because
 * that is how the OpenAI SDK sends its key (the Anthropic SDK sends `x-api-key`).
 * @example const { identity } = await createAuthenticator({ verifyJwt, keys }).authenticate(req.headers, route.sdk);
 */
export function createAuthenticator({
  verifyJwt,
  keys,
}: {
  verifyJwt: JwtVerifier;
  keys: ApiKeyCache;
}): Authenticator {
  return {
    async authenticate(headers, sdk) {
      const bearer = headers.authorization ? BEARER.exec(headers.authorization)?.[1] : undefined;
      if (bearer) {
        const user = verifyJwt(bearer);
        if (user) return user;
      }
      const apiKey = headers['x-api-key'] || (sdk ? bearer : undefined);
      if (typeof apiKey !== 'string' || !apiKey) throw new UnauthorizedError();
      const key = await keys.resolve(createHash('sha256').update(apiKey).digest('hex'));
      if (!key) throw new ForbiddenError();
      return key;
    },
  };
}
