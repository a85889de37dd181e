import { routes, type RoutedService } from '@gaia/contracts';
import { createServiceApp, type Bus, type HttpMetrics, type Logger } from '@gaia/platform';
import cors from 'cors';
import type { Express, RequestHandler } from 'express';
import type { Authenticator } from './auth/authenticator.js';
import type { GatewayConfig } from './config.js';
import type { ServiceDiscovery } from './discovery/service-discovery.js';
import type { HealthReport } from './health/service-health.js';
import type { ServiceProxy } from './proxy/service-proxy.js';
import { createOpenApiDocument } from './openapi/openapi-document.js';
import { docsRoutes } from './routes/docs.js';
import { aggregatedHealth, healthRoutes } from './routes/health.js';
import { methodNotAllowed } from './routes/method-not-allowed.js';
import { proxiedRoutes } from './routes/proxied.js';
import { rootRoutes } from './routes/root.js';
import { scalingRoutes } from './routes/scaling.js';

export interface GatewayDeps {
  config: Pick<GatewayConfig, 'SERVICE_NAME' | 'BODY_LIMIT_BYTES' | 'ALLOWED_ORIGINS'>;
  logger: Logger;
  metrics: HttpMetrics;
  bus: Bus;
  authenticator: Authenticator;
  /** Follows authentication on every authenticated route (see rate-limit/); absent when rate limiting is off. */
  rateLimit?: RequestHandler | undefined;
  /** Forwards a request whose identity is established to its service. */
  proxies: Record<RoutedService, Pick<ServiceProxy, 'handler'>>;
  /** Where the services' pods are: adds its readiness checks and answers the scaling report. */
  discovery: Pick<ServiceDiscovery, 'readiness' | 'scaling'>;
  checkHealth: () => Promise<HealthReport>;
}

const RATE_LIMIT_HEADERS = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'];

const stampArrival: RequestHandler = (_req, res, next) => {
  res.locals.receivedAt = performance.now();
  next();
};

/**
 * The gateway's Express app: CORS, every contract route (its own answered here, the rest proxied),
 * OpenAPI and docs, 405 for known paths with the wrong method; the kit adds ids, metrics, health,
 * readiness, 404 and errors. Bodies are not parsed, so they stream through to the services.
 * @example const app = createApp({ config, logger, metrics, bus, authenticator, rateLimit, proxies, discovery, checkHealth });
 */
export function createApp(deps: GatewayDeps): Express {
  const { config, logger, metrics, bus, authenticator, rateLimit, proxies, discovery, checkHealth } = deps;
  const access = { authenticator, rateLimit };
  const corsMiddleware = cors({
    origin: config.ALLOWED_ORIGINS,
    credentials: true,
    // Browsers show a response header to scripts only when it is safelisted or exposed.
    exposedHeaders: RATE_LIMIT_HEADERS,
  });
  return createServiceApp({
    service: config.SERVICE_NAME,
    logger,
    metrics,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    parseJson: false,
    readiness: { bus: () => bus.ping(), ...discovery.readiness },
    health: aggregatedHealth(checkHealth, corsMiddleware),
    routes: (app) => {
      app.use(stampArrival, corsMiddleware);
      // The proxied routes come first: they carry nearly all traffic, and no path is shared with the others.
      proxiedRoutes(app, { routes, access, proxies });
      scalingRoutes(app, { access, scaling: () => discovery.scaling() });
      rootRoutes(app, { bodyLimitBytes: config.BODY_LIMIT_BYTES });
      healthRoutes(app);
      docsRoutes(app, createOpenApiDocument(routes));
      methodNotAllowed(app, routes);
    },
  });
}
