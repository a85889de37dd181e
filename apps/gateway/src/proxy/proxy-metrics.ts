import client from 'prom-client';

export interface ProxyMetrics {
  /** Requests a service could not answer: refused, reset, timeout, unresolved, not_deployed, ... */
  readonly upstreamErrors: client.Counter<'service' | 'reason'>;
  /** Time from the gateway receiving a request to sending it on (routing, authentication, headers). */
  readonly overhead: client.Histogram<'service'>;
}

/**
 * The proxy's domain metrics, registered on the service's registry.
 * @example const metrics = createProxyMetrics(httpMetrics.registry);
 */
export function createProxyMetrics(registry: client.Registry): ProxyMetrics {
  return {
    upstreamErrors: new client.Counter({
      name: 'gaia_gateway_upstream_errors_total',
      help: 'Proxied requests that failed because the service could not be reached or stopped answering, by service and reason',
      labelNames: ['service', 'reason'] as const,
      registers: [registry],
    }),
    overhead: new client.Histogram({
      name: 'gaia_gateway_overhead_seconds',
      help: 'Time the gateway adds before a request leaves for its service (routing, authentication, headers), by service',
      labelNames: ['service'] as const,
      buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
      registers: [registry],
    }),
  };
}
