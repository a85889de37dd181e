import { readFileSync } from 'node:fs';
import type { RoutedService } from '@gaia/contracts';
import { KubeConfig } from '@kubernetes/client-node';
import client from 'prom-client';
import { createEndpointSliceWatcher } from './endpoint-slice-watcher.js';
import { createHpaReader } from './hpa-reader.js';
import {
  kubernetesServiceName,
  type ScalingReport,
  type ServiceDiscovery,
  type ServiceDiscoveryOptions,
} from './service-discovery.js';
import { createUpstreamPool } from './upstream-pool.js';

const NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';
const HPA_CACHE_MS = 5000;

function podNamespace(configured: string | undefined): string {
  if (configured) return configured;
  try {
    return readFileSync(NAMESPACE_FILE, 'utf8').trim();
  } catch {
    throw new Error(`SERVICE_DISCOVERY=kubernetes needs POD_NAMESPACE or ${NAMESPACE_FILE}`);
  }
}

function inClusterConfig(): KubeConfig {
  if (!process.env.KUBERNETES_SERVICE_HOST)
    throw new Error('SERVICE_DISCOVERY=kubernetes runs only in a pod (KUBERNETES_SERVICE_HOST is unset)');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromCluster();
  return kubeConfig;
}

/**
 * Kubernetes mode of service discovery: an EndpointSlice watcher and a pool per deployed service, in
 * the gateway's own namespace, and HPA replicas for the scaling report. Loaded only in this mode.
 * @example const discovery = kubernetesDiscovery({ mode: 'kubernetes', urls, namespace, logger, registry });
 */
export function kubernetesDiscovery(options: ServiceDiscoveryOptions): ServiceDiscovery {
  const { urls, logger, registry } = options;
  const namespace = podNamespace(options.namespace);
  const kubeConfig = options.kubeConfig ?? inClusterConfig();
  const errors = new client.Counter({
    name: 'gaia_gateway_discovery_errors_total',
    help: 'EndpointSlice lists and watches that failed (each is retried with backoff), by service',
    labelNames: ['service'] as const,
    registers: [registry],
  });
  const readHpa = createHpaReader({ kubeConfig, namespace, ttlMs: HPA_CACHE_MS, logger });

  const services = (Object.entries(urls) as [RoutedService, string | undefined][]).map(([service, url]) => {
    if (!url) return { service, name: null, pool: undefined, watcher: undefined };
    // The config rejects URLs that name no Service in kubernetes mode.
    const name = kubernetesServiceName(url)!;
    const pool = createUpstreamPool(url);
    const watcher = createEndpointSliceWatcher({
      kubeConfig,
      namespace,
      service: name,
      onEndpoints: (hosts) => pool.update(hosts),
      onError: () => errors.inc({ service }),
      logger,
    });
    return { service, name, pool, watcher };
  });

  return {
    pools: Object.fromEntries(
      services.map(({ service, pool }) => [service, pool]),
    ) as ServiceDiscovery['pools'],
    readiness: {
      discovery: async () => {
        const waiting = services.filter(({ watcher }) => watcher && !watcher.synced).map(({ name }) => name);
        if (waiting.length) throw new Error(`EndpointSlices not listed yet: ${waiting.join(', ')}`);
      },
    },
    scaling: async (): Promise<ScalingReport> => ({
      discovery: 'kubernetes',
      namespace,
      services: await Promise.all(
        services.map(async ({ service, name, pool }) => ({
          service,
          kubernetes_service: name,
          ready_pods: pool?.size ?? 0,
          hpa: name ? await readHpa(name) : null,
        })),
      ),
    }),
    close: () => services.forEach(({ watcher }) => watcher?.stop()),
  };
}
