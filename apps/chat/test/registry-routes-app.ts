import { createMetrics } from '@gaia/platform';
import type { ProviderId } from '../src/providers/provider.js';
import { loadModelCatalog } from '../src/registry/model-catalog.js';
import { createModelRegistry, type ModelRegistry } from '../src/registry/model-registry.js';
import { modelRoutes } from '../src/routes/models.js';
import { providerRoutes } from '../src/routes/providers.js';
import { startRouteServer } from './support/route-server.js';

export interface RegistryApp {
  registry: ModelRegistry;
  url: string;
  /** GET as a signed-in user through the gateway; answers status and JSON body. */
  get(path: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/**
 * The provider and model routes behind the gateway identity check, as the chat app mounts them, over
 * a registry with the given providers configured.
 * @example const app = await startRegistryApp(['anthropic', 'offline']); const { body } = await app.get('/api/v0.2/providers');
 */
export async function startRegistryApp(available: ProviderId[]): Promise<RegistryApp> {
  const metrics = createMetrics('chat-test');
  const registry = createModelRegistry({
    catalog: loadModelCatalog(),
    available,
    metricsRegistry: metrics.registry,
  });
  const server = await startRouteServer((router) => {
    providerRoutes(router, { registry });
    modelRoutes(router, { registry });
  }, metrics);
  return {
    registry,
    url: server.url,
    get: (path) => server.call('GET', path),
    stop: () => server.stop(100),
  };
}
