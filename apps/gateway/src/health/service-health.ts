import type { RoutedService } from '@gaia/contracts';

export type ServiceHealth =
  | { status: 'healthy' | 'unhealthy'; url: string; response_time_ms: number; error?: string }
  | { status: 'not_deployed'; response_time_ms: null };

export interface HealthReport {
  status: 'healthy' | 'degraded';
  timestamp: string;
  version: '0.2';
  services: Record<RoutedService, ServiceHealth>;
}

export interface HealthCheckOptions {
  /** Base URL of each service; undefined when it is not deployed. */
  services: Record<RoutedService, string | undefined>;
  timeoutMs: number;
  now?: () => Date;
}

async function probe(url: string, timeoutMs: number): Promise<ServiceHealth> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/health`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok
      ? { status: 'healthy', url, response_time_ms: elapsed() }
      : { status: 'unhealthy', url, response_time_ms: elapsed(), error: `HTTP ${response.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
    return {
      status: 'unhealthy',
      url,
      response_time_ms: elapsed(),
      error: cause instanceof Error ? cause.message : String(cause),
    };
  }
}

/**
 * Asks every deployed service's own `/health` in parallel, each bounded by the timeout. The gateway
 * is `degraded` while any deployed service is not healthy; services that are not deployed do not count.
 * @example const report = await createHealthCheck({ services: { auth: config.AUTH_SERVICE_URL, ... }, timeoutMs: 2000 })();
 */
export function createHealthCheck({
  services,
  timeoutMs,
  now = () => new Date(),
}: HealthCheckOptions): () => Promise<HealthReport> {
  const entries = Object.entries(services) as [RoutedService, string | undefined][];
  return async () => {
    const results = await Promise.all(
      entries.map(
        async ([name, url]) =>
          [
            name,
            url ? await probe(url, timeoutMs) : { status: 'not_deployed', response_time_ms: null },
          ] as const,
      ),
    );
    const servicesHealth = Object.fromEntries(results) as Record<RoutedService, ServiceHealth>;
    const degraded = results.some(([, health]) => health.status === 'unhealthy');
    return {
      status: degraded ? 'degraded' : 'healthy',
      timestamp: now().toISOString(),
      version: '0.2',
      services: servicesHealth,
    };
  };
}
