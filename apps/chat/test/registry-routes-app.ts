import { IDENTITY_HEADER } from '@gaia/contracts';
import {
  createIdentitySigner,
  createLogger,
  createMetrics,
  createServiceApp,
  requireIdentity,
  runService,
  type RunningService,
} from '@gaia/platform';
import type { ProviderId } from '../src/providers/provider.js';
import { loadModelCatalog } from '../src/registry/model-catalog.js';
import { createModelRegistry, type ModelRegistry } from '../src/registry/model-registry.js';
import { modelRoutes } from '../src/routes/models.js';
import { providerRoutes } from '../src/routes/providers.js';

const SECRET = 'internal-secret-for-chat-registry-tests-0123456789';
const signer = createIdentitySigner(SECRET);

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
  const logger = createLogger({ service: 'chat-test', level: 'error', format: 'json' });
  const metrics = createMetrics('chat-test');
  const registry = createModelRegistry({
    catalog: loadModelCatalog(),
    available,
    metricsRegistry: metrics.registry,
  });
  const app = createServiceApp({
    service: 'chat-test',
    logger,
    metrics,
    bodyLimitBytes: 1024,
    routes: (router) => {
      router.use(requireIdentity(SECRET));
      providerRoutes(router, { registry });
      modelRoutes(router, { registry });
    },
  });
  const service: RunningService = await runService({
    name: 'chat-test',
    app,
    host: '127.0.0.1',
    port: 0,
    logger,
    shutdownTimeoutMs: 100,
  });
  const identity = signer.sign({ auth_type: 'jwt', user_id: '7f1c2a9e-7d3b-4f5e-9a1b-2c3d4e5f6a7b' });
  return {
    registry,
    url: service.url,
    async get(path) {
      const response = await fetch(`${service.url}${path}`, { headers: { [IDENTITY_HEADER]: identity } });
      return { status: response.status, body: await response.json() };
    },
    stop: () => service.stop(),
  };
}
