import type { RoutedService, RouteContract } from '@gaia/contracts';
import type { IRouter } from 'express';
import type { ServiceProxy } from '../proxy/service-proxy.js';
import { accessHandlers, type AccessDeps } from './access.js';

/**
 * Every contract route served by another service: its access handlers (see access.ts), then the
 * service's proxy. Nothing reads the body before the proxy streams it on.
 * @example proxiedRoutes(app, { routes, access: { authenticator, rateLimit }, proxies: { auth: authProxy, chat: chatProxy, asset: assetProxy } });
 */
export function proxiedRoutes(
  router: IRouter,
  deps: {
    routes: readonly RouteContract[];
    access: AccessDeps;
    proxies: Record<RoutedService, Pick<ServiceProxy, 'handler'>>;
  },
): void {
  for (const route of deps.routes) {
    if (route.service === 'gateway') continue;
    router[route.method](
      route.path,
      ...accessHandlers(route, deps.access),
      deps.proxies[route.service].handler,
    );
  }
}
