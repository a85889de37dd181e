import {
  createServiceBase,
  openDatabase,
  listenOptions,
  runService,
  type RunningService,
  type SharedDeps,
} from '@gaia/platform';
import { createApp } from './app.js';
import type { ChatConfig } from './config.js';
import { cacheSystemPrompts } from './personas/cached-system-prompts.js';
import { createPersonaStore } from './personas/persona-store.js';
import { createProviders } from './providers/index.js';
import { loadModelCatalog } from './registry/model-catalog.js';
import { createModelRegistry } from './registry/model-registry.js';
import { createModelRouter } from './routing/model-router.js';
import { createUsageRecorder } from './usage/usage-recorder.js';

/**
 * Starts the chat service: providers and model registry, logger, metrics, bus, database (embedded
 * when DATABASE_URL is unset), the usage recorder, then HTTP.
 * @example const chat = await startChat(loadChatConfig(process.env)); await chat.stop();
 */
export async function startChat(config: ChatConfig, shared: SharedDeps = {}): Promise<RunningService> {
  const catalog = loadModelCatalog(config.MODELS_FILE);
  const { logger, metrics, bus, closers } = createServiceBase(config, shared);
  const providers = createProviders(config);
  const registry = createModelRegistry({
    catalog,
    available: [...providers.keys()],
    metricsRegistry: metrics.registry,
  });
  const router = createModelRouter({
    registry,
    providers,
    logger: logger.child({ component: 'model-router' }),
  });
  const { database, close: closeDatabase } = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    logger,
  });
  const usage = createUsageRecorder({
    prisma: database.prisma,
    logger: logger.child({ component: 'usage' }),
  });
  const personas = await cacheSystemPrompts(createPersonaStore(database.prisma), {
    bus,
    logger: logger.child({ component: 'personas' }),
  });
  const app = createApp({ config, logger, metrics, bus, database, registry, router, usage, personas });
  logger.info('chat providers', { available: [...providers.keys()] });
  return runService({
    ...listenOptions(config),
    app,
    logger,
    closers: [...closers, () => usage.close(), closeDatabase],
  });
}
