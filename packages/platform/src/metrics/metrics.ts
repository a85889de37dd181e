import type { RequestHandler } from 'express';
import client from 'prom-client';

export interface HttpMetrics {
  readonly registry: client.Registry;
  /** Records rate, errors and duration of every request, labelled by route template (never raw paths). */
  readonly middleware: RequestHandler;
}

/** Label used for requests that matched no route, so unknown paths cannot explode label cardinality. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * A service's own registry with default process metrics and HTTP RED metrics. Domain metrics are
 * registered on `registry` by the components that own them.
 * @example const metrics = createMetrics('gateway'); new client.Counter({ name: 'gaia_x_total', help: '…', registers: [metrics.registry] });
 */
export function createMetrics(service: string): HttpMetrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });

  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new client.Counter({
    name: 'gaia_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'gaia_http_request_duration_seconds',
    help: 'Time from request to the end of the response (whole stream for SSE), by route template',
    labelNames,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const inFlight = new client.Gauge({
    name: 'gaia_http_requests_in_flight',
    help: 'Requests being served right now',
    registers: [registry],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    inFlight.inc();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      inFlight.dec();
      const template = (req.route as { path?: string } | undefined)?.path;
      const route = template === undefined ? UNMATCHED_ROUTE : `${req.baseUrl}${template}`;
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };

  return { registry, middleware };
}
