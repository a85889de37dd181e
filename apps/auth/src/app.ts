import {
  createServiceApp,
  requireIdentity,
  type Bus,
  type Database,
  type HttpMetrics,
  type Logger,
  type ReadinessCheck,
} from '@gaia/platform';
import type { Express } from 'express';
import { createAccounts } from './accounts/accounts.js';
import type { AuthConfig } from './config.js';
import { createEventPublisher } from './event-publisher.js';
import { createApiKeys } from './keys/api-keys.js';
import { createAuthMetrics } from './auth-metrics.js';
import { createAuthProvider } from './providers/index.js';
import { authRoutes } from './routes/auth.js';
import { internalRoutes } from './routes/internal.js';
import { keyRoutes } from './routes/keys.js';

export interface AuthAppDeps {
  config: AuthConfig;
  logger: Logger;
  metrics: HttpMetrics;
  bus: Bus;
  database: Database;
  /** Further checks `/ready` waits for, besides the database and the bus. */
  readiness?: Record<string, ReadinessCheck>;
}

/**
 * The auth service's Express app. Every route needs the gateway's signed identity: `anonymous` for the
 * public ones, a user for key management and logout, `service` for internal routes.
 * @example const app = createApp({ config, logger, metrics, bus, database });
 */
export function createApp({ config, logger, metrics, bus, database, readiness = {} }: AuthAppDeps): Express {
  const authMetrics = createAuthMetrics(metrics.registry);
  const publish = createEventPublisher(bus, logger.child({ component: 'events' }));
  const keys = createApiKeys({
    prisma: database.prisma,
    publish,
    metrics: authMetrics,
    logger: logger.child({ component: 'api-keys' }),
    environment: config.ENVIRONMENT,
  });
  const provider = createAuthProvider(config, { prisma: database.prisma });
  const accounts = createAccounts({ provider, keys, publish, metrics: authMetrics });

  return createServiceApp({
    service: config.SERVICE_NAME,
    logger,
    metrics,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    readiness: { database: () => database.ping(), bus: () => bus.ping(), ...readiness },
    routes: (app) => {
      app.use(requireIdentity(config.INTERNAL_AUTH_SECRET));
      app.use(authRoutes(accounts), keyRoutes(keys), internalRoutes(keys));
    },
  });
}
