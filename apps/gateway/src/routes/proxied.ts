import type { Identity, RoutedService, RouteContract } from '@gaia/contracts';
import { anthropicErrorBody, openAiErrorBody, useErrorShape, type ErrorBodyShape } from '@gaia/platform';
import type { IRouter, RequestHandler } from 'express';
import type { Authenticator } from '../auth/authenticator.js';
import type { ServiceProxy } from '../proxy/service-proxy.js';

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
 * Every contract route served by another service: SDK error shape, then credentials and the rate
 * limit (authenticated routes) or the anonymous identity (public routes, never limited), then the
 * service's proxy. Nothing reads the body before the proxy streams it on.
 * @example proxiedRoutes(app, { routes, authenticator, rateLimit, proxies: { auth: authProxy, chat: chatProxy, asset: assetProxy } });
 */
export function proxiedRoutes(
  router: IRouter,
  deps: {
    routes: readonly RouteContract[];
    authenticator: Authenticator;
    /** Counts an authenticated request against its caller's limit; absent when rate limiting is off. */
    rateLimit?: RequestHandler | undefined;
    proxies: Record<RoutedService, Pick<ServiceProxy, 'handler'>>;
  },
): void {
  for (const route of deps.routes) {
    if (route.service === 'gateway') continue;
    const handlers: RequestHandler[] = route.sdk ? [errorShape(sdkErrorShapes[route.sdk])] : [];
    if (route.access === 'public') handlers.push(anonymous);
    else {
      handlers.push(authenticate(deps.authenticator, route.sdk));
      if (deps.rateLimit) handlers.push(deps.rateLimit);
    }
    handlers.push(deps.proxies[route.service].handler);
    router[route.method](route.path, ...handlers);
  }
}
