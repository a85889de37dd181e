import type { Identity, RouteContract } from '@gaia/contracts';
import { anthropicErrorBody, openAiErrorBody, useErrorShape, type ErrorBodyShape } from '@gaia/platform';
import type { RequestHandler } from 'express';
import type { Authenticator } from '../auth/authenticator.js';

export interface AccessDeps {
  authenticator: Authenticator;
  /** Counts an authenticated request against its caller's limit; absent when rate limiting is off. */
  rateLimit?: RequestHandler | undefined;
}

const ANONYMOUS: Identity = Object.freeze({ auth_type: 'anonymous' });
const anonymous: RequestHandler = (_req, res, next) => {
  res.locals.identity = ANONYMOUS;
  next();
};

const sdkErrorShapes: Record<NonNullable<RouteContract['sdk']>, ErrorBodyShape> = {
  openai: openAiErrorBody,
  anthropic: anthropicErrorBody,
};
const errorShape =
  (shape: ErrorBodyShape): RequestHandler =>
  (req, _res, next) => {
    useErrorShape(req, shape);
    next();
  };

const authenticate =
  (authenticator: Authenticator, sdk: RouteContract['sdk']): RequestHandler =>
  async (req, res, next) => {
    const caller = await authenticator.authenticate(req.headers, sdk);
    res.locals.caller = caller;
    res.locals.identity = caller.identity;
    next();
  };

/**
 * What runs before a route's own handler, as its contract declares: the SDK error shape, then
 * credentials and the rate limit (authenticated routes) or the anonymous identity (public routes,
 * never limited). Nothing here reads the body.
 * @example router.get(route.path, ...accessHandlers(route, { authenticator, rateLimit }), handler);
 */
export function accessHandlers(
  route: Pick<RouteContract, 'access' | 'sdk'>,
  { authenticator, rateLimit }: AccessDeps,
): RequestHandler[] {
  const handlers: RequestHandler[] = route.sdk ? [errorShape(sdkErrorShapes[route.sdk])] : [];
  if (route.access === 'public') handlers.push(anonymous);
  else {
    handlers.push(authenticate(authenticator, route.sdk));
    if (rateLimit) handlers.push(rateLimit);
  }
  return handlers;
}
