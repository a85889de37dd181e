import type { RoutedService } from '@gaia/contracts';
import type { Logger, ReadinessCheck } from '@gaia/platform';
import type { KubeConfig } from '@kubernetes/client-node';
import client from 'prom-client';
import type { HpaReplicas } from './hpa-reader.js';
import { createUpstreamPool, type UpstreamPool } from './upstream-pool.js';

export type DiscoveryMode = 'static' | 'kubernetes';

/** `GET /api/v0.2/performance/scaling`, one entry per routed service. */
export type ScalingReport =
  | {
      discovery: 'static';
      services: { service: RoutedService; url: string | null; ready_pods: null; hpa: null }[];
    }
  | {
      discovery: 'kubernetes';
      namespace: string;
      services: {
        service: RoutedService;
        /** The Service watched; null when the service is not deployed. */
        kubernetes_service: string | null;
        ready_pods: number;
        hpa: HpaReplicas | null;
      }[];
    };

export interface ServiceDiscovery {
  /** Each deployed service's endpoints; undefined for a service that is not deployed. */
  readonly pools: Record<RoutedService, UpstreamPool | undefined>;
  /** Checks `/ready` adds: none in static mode, every service listed once in kubernetes mode. */
  readonly readiness: Record<string, ReadinessCheck>;
  scaling(): Promise<ScalingReport>;
  close(): void;
}

export interface ServiceDiscoveryOptions {
  mode: DiscoveryMode;
  /** Each service's configured URL; undefined when it is not deployed. */
  urls: Record<RoutedService, string | undefined>;
  /** POD_NAMESPACE; kubernetes mode falls back to the service account's namespace file. */
  namespace?: string | undefined;
  /** Tests point this at a fake API server; a pod uses its service account. */
  kubeConfig?: KubeConfig | undefined;
  logger: Logger;
  registry: client.Registry;
}

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The Kubernetes Service a service URL names: the first DNS label of its host
 * (`http://gaia-chat.gaia.svc:8003` → `gaia-chat`), or undefined when that is no valid Service name.
 * @example kubernetesServiceName('http://gaia-chat:8003'); // 'gaia-chat'
 */
export function kubernetesServiceName(url: string): string | undefined {
  const label = new URL(url).hostname.split('.')[0]!;
  return DNS_LABEL.test(label) ? label : undefined;
}

function staticDiscovery(urls: ServiceDiscoveryOptions['urls']): ServiceDiscovery {
  const entries = Object.entries(urls) as [RoutedService, string | undefined][];
  const report: ScalingReport = {
    discovery: 'static',
    services: entries.map(([service, url]) => ({ service, url: url ?? null, ready_pods: null, hpa: null })),
  };
  return {
    pools: Object.fromEntries(
      entries.map(([service, url]) => [
        service,
        url ? createUpstreamPool(url, [new URL(url).host]) : undefined,
      ]),
    ) as ServiceDiscovery['pools'],
    readiness: {},
    scaling: async () => report,
    close: () => undefined,
  };
}

/**
 * Where each service's requests go. Static mode sends them to the configured URL. Kubernetes mode
 * watches each Service's EndpointSlices and balances over its ready pods; only then is the
 * Kubernetes client loaded, so static mode does not pay for it.
 * @example const discovery = await createServiceDiscovery({ mode: config.SERVICE_DISCOVERY, urls, namespace: config.POD_NAMESPACE, logger, registry });
 */
export async function createServiceDiscovery(options: ServiceDiscoveryOptions): Promise<ServiceDiscovery> {
  const discovery =
    options.mode === 'kubernetes'
      ? (await import('./kubernetes-discovery.js')).kubernetesDiscovery(options)
      : staticDiscovery(options.urls);
  const pools = Object.entries(discovery.pools).filter(([, pool]) => pool !== undefined) as [
    RoutedService,
    UpstreamPool,
  ][];
  new client.Gauge({
    name: 'gaia_gateway_upstream_endpoints',
    help: 'Endpoints the gateway balances requests over, by service: ready pods in kubernetes discovery, the configured URL in static',
    labelNames: ['service'] as const,
    registers: [options.registry],
    collect() {
      for (const [service, pool] of pools) this.set({ service }, pool.size);
    },
  });
  return discovery;
}
