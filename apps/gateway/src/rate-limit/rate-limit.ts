import { TooManyRequestsError } from '@gaia/platform';
import type { RequestHandler } from 'express';
import client from 'prom-client';
import '../auth/caller.js';
import type { RateLimiter } from './rate-limiter.js';

/**
 * The middleware that follows authentication: counts the request against its caller (API key or
 * user), sets `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` on the response,
 * and throws 429 with `Retry-After` over the limit (the error middleware answers it in the route's
 * error shape). Refusals are counted in `gaia_gateway_rate_limited_total`.
 * @example app.get('/api/v0.2/models', authenticate, createRateLimit({ limiter, registry: metrics.registry }), proxy);
 */
export function createRateLimit({
  limiter,
  registry,
}: {
  limiter: RateLimiter;
  registry: client.Registry;
}): RequestHandler {
  const refused = new client.Counter({
    name: 'gaia_gateway_rate_limited_total',
    help: 'Authenticated requests refused with 429 because their API key or user was over its rate limit',
    registers: [registry],
  });
  return (_req, res, next) => {
    const caller = res.locals.caller!;
    const decision = limiter.take(caller.subject, caller.rateLimitPerMinute);
    res.setHeader('X-RateLimit-Limit', decision.limit);
    res.setHeader('X-RateLimit-Remaining', decision.remaining);
    res.setHeader('X-RateLimit-Reset', decision.resetSeconds);
    if (decision.allowed) {
      next();
      return;
    }
    refused.inc();
    throw new TooManyRequestsError(
      `Rate limit exceeded: ${decision.limit} per 1 minute`,
      decision.resetSeconds,
    );
  };
}
