import { authKeyRevoked, routedServices, type RoutedService } from '@gaia/contracts';
import {
  createIdentitySigner,
  createServiceBase,
  listenOptions,
  runService,
  type RunningService,
  type SharedDeps,
  type Subscription,
} from '@gaia/platform';
import type { KubeConfig } from '@kubernetes/client-node';
import { createApp } from './app.js';
import { createApiKeyCache } from './auth/api-key-cache.js';
import { createAuthenticator } from './auth/authenticator.js';
import { createJwtVerifier } from './auth/jwt-verifier.js';
import { createKeyLookup } from './auth/key-lookup.js';
import type { GatewayConfig } from './config.js';
import { createServiceDiscovery } from './discovery/service-discovery.js';
import { createHealthCheck } from './health/service-health.js';
import { createProxyMetrics } from './proxy/proxy-metrics.js';
import { createServiceProxy, type ServiceProxy } from './proxy/service-proxy.js';
import { createRateLimit } from './rate-limit/rate-limit.js';
import { createRateLimiter } from './rate-limit/rate-limiter.js';

export interface GatewayShared extends SharedDeps {
  /** Where kubernetes discovery reads the API server (tests point it at a fake); a pod uses its service account. */
  kubeConfig?: KubeConfig;
}

/**
 * Builds the gateway's collaborators and listens. `shared` lets the one-process launcher and tests
 * pass their logger and in-process bus; what the gateway creates itself it also closes on stop.
 * @example const gateway = await startGateway(loadGatewayConfig(process.env)); await gateway.stop();
 */
export async function startGateway(
  config: GatewayConfig,
  shared: GatewayShared = {},
): Promise<RunningService> {
  const { logger, metrics, bus, closers } = createServiceBase(config, shared);
  const signer = createIdentitySigner(config.INTERNAL_AUTH_SECRET);

  const urls: Record<RoutedService, string | undefined> = {
    auth: config.AUTH_SERVICE_URL,
    chat: config.CHAT_SERVICE_URL,
    asset: config.ASSET_SERVICE_URL,
  };
  const discovery = await createServiceDiscovery({
    mode: config.SERVICE_DISCOVERY,
    urls,
    namespace: config.POD_NAMESPACE,
    kubeConfig: shared.kubeConfig,
    logger: logger.child({ component: 'discovery' }),
    registry: metrics.registry,
  }).catch(async (error: unknown) => {
    await Promise.all(closers.map((close) => close()));
    throw error;
  });
  const keys = createApiKeyCache({
    lookup: createKeyLookup({
      authUrl: urls.auth,
      signer,
      timeoutMs: config.KEY_RESOLVE_TIMEOUT_MS,
      logger: logger.child({ component: 'api-keys' }),
    }),
    ttlMs: config.KEY_CACHE_TTL_SECONDS * 1000,
    registry: metrics.registry,
  });
  // Not awaited: with NATS down the gateway still starts (and reports not ready) and subscribes on connect.
  let revocations: Subscription | undefined;
  bus
    .subscribe(authKeyRevoked, (event) => keys.evict(event.key_hash))
    .then(
      (subscription) => (revocations = subscription),
      (error: unknown) => logger.error('cannot subscribe to key revocations', { error: String(error) }),
    );

  const proxyMetrics = createProxyMetrics(metrics.registry);
  const proxies = {} as Record<RoutedService, ServiceProxy>;
  for (const service of routedServices) {
    proxies[service] = createServiceProxy({
      service,
      upstreams: discovery.pools[service],
      signer,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      metrics: proxyMetrics,
    });
  }

  const app = createApp({
    config,
    logger,
    metrics,
    bus,
    authenticator: createAuthenticator({
      verifyJwt: createJwtVerifier({ secret: config.SUPABASE_JWT_SECRET }),
      keys,
    }),
    rateLimit:
      config.RATE_LIMIT_PER_MINUTE > 0
        ? createRateLimit({
            limiter: createRateLimiter({ limitPerMinute: config.RATE_LIMIT_PER_MINUTE }),
            registry: metrics.registry,
          })
        : undefined,
    proxies,
    discovery,
    checkHealth: createHealthCheck({ services: urls, timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS }),
  });

  return runService({
    ...listenOptions(config),
    app,
    logger,
    closers: [
      async () => revocations?.unsubscribe(),
      async () => Object.values(proxies).forEach((proxy) => proxy.close()),
      async () => discovery.close(),
      ...closers,
    ],
  });
}
