import express, { type Express } from 'express';
import './locals.js';
import type { Logger } from '../logging/logger.js';
import type { HttpMetrics } from '../metrics/metrics.js';
import { errorMiddleware, NotFoundError } from './errors.js';
import { requestContext } from './request-context.js';

/** A dependency that must answer for the service to be ready (database, bus, ...). */
export type ReadinessCheck = () => Promise<unknown>;

export interface ServiceAppOptions {
  service: string;
  logger: Logger;
  metrics: HttpMetrics;
  /** Named checks run by `/ready`; `/health` never runs them. */
  readiness?: Record<string, ReadinessCheck>;
  bodyLimitBytes: number;
  /** Parse JSON bodies for every route (the gateway turns this off so it can stream bodies through). */
  parseJson?: boolean;
  /** Mounts the service's own routes. */
  routes: (app: Express) => void;
  /** Replaces the kit's `/health` (the gateway's aggregates every service). */
  health?: express.RequestHandler;
}

const READY_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An Express app with everything every Gaia service shares: request ids, RED metrics, `/health`
 * (liveness), `/ready` (readiness: dependencies answer and not draining), `/metrics`, JSON bodies up to
 * a limit, 404 and the error middleware. The service adds only its routes.
 * @example const app = createServiceApp({ service: 'auth', logger, metrics, bodyLimitBytes, readiness: { database: db.ping }, routes: (app) => app.use(authRoutes(deps)) });
 */
export function createServiceApp(options: ServiceAppOptions): Express {
  const { service, logger, metrics, readiness = {}, bodyLimitBytes, parseJson = true } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', true);
  app.locals.draining = false;

  app.use(requestContext(logger));
  app.use(metrics.middleware);

  app.get('/health', options.health ?? ((_req, res) => void res.json({ service, status: 'healthy' })));
  app.get('/ready', async (req, res) => {
    if (req.app.locals.draining) {
      res.status(503).json({ detail: 'Service is shutting down', service, status: 'draining' });
      return;
    }
    const results = await Promise.all(
      Object.entries(readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), READY_TIMEOUT_MS);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, `unavailable: ${error instanceof Error ? error.message : String(error)}`] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, status]) => status === 'ok');
    res
      .status(ready ? 200 : 503)
      .json(
        ready
          ? { service, status: 'ready', checks }
          : { detail: 'Service not ready', service, status: 'not_ready', checks },
      );
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  if (parseJson)
    app.use(express.json({ limit: bodyLimitBytes, type: ['application/json', 'application/*+json'] }));
  options.routes(app);

  app.use((req, _res, next) => next(new NotFoundError()));
  app.use(errorMiddleware(logger));
  return app;
}
