import {
  createServiceApp,
  requireIdentity,
  type Bus,
  type Database,
  type HttpMetrics,
  type Logger,
} from '@gaia/platform';
import type { Express } from 'express';
import { createChatEngine } from './chat/chat-engine.js';
import { createChatMetrics } from './chat/chat-metrics.js';
import type { ChatConfig } from './config.js';
import { createConversationStore } from './conversations/conversation-store.js';
import type { PersonaStore } from './personas/persona-store.js';
import type { ModelRegistry } from './registry/model-registry.js';
import type { ModelRouter } from './routing/model-router.js';
import type { ChatRouteDeps } from './routes/chat-context.js';
import { filesystemRoutes } from './routes/filesystem.js';
import { modelRoutes } from './routes/models.js';
import { performanceRoutes } from './routes/performance.js';
import { personaRoutes } from './routes/personas.js';
import { providerRoutes } from './routes/providers.js';
import { sdkCompatibleRoutes } from './routes/sdk-compatible.js';
import { streamModelRoutes } from './routes/stream-models.js';
import { usageRoutes } from './routes/usage.js';
import { v02ChatRoutes } from './routes/v02-chat.js';
import { v02StreamingRoutes } from './routes/v02-streaming.js';
import { v1ChatRoutes } from './routes/v1-chat.js';
import type { UsageRecorder } from './usage/usage-recorder.js';

export interface ChatDeps {
  config: Pick<
    ChatConfig,
    | 'SERVICE_NAME'
    | 'BODY_LIMIT_BYTES'
    | 'INTERNAL_AUTH_SECRET'
    | 'DEFAULT_MAX_TOKENS'
    | 'KEEPALIVE_INTERVAL_MS'
    | 'FILESYSTEM_ROOT'
    | 'FILESYSTEM_MAX_READ_BYTES'
    | 'USAGE_MONTHLY_BUDGET_USD'
    | 'USAGE_MONTHLY_REQUEST_LIMIT'
  >;
  logger: Logger;
  metrics: HttpMetrics;
  bus: Bus;
  database: Database;
  registry: ModelRegistry;
  router: ModelRouter;
  usage: UsageRecorder;
  personas: PersonaStore;
}

/**
 * The chat service's Express app: every route behind the gateway's identity header.
 * @example const app = createApp({ config, logger, metrics, bus, database, registry, router, usage, personas });
 */
export function createApp(deps: ChatDeps): Express {
  const { config, logger, metrics, bus, database, registry, router, usage, personas } = deps;
  const history = createConversationStore(database.prisma);
  const engine = createChatEngine({
    selector: registry,
    router,
    personas,
    history,
    usage,
    bus,
    metrics: createChatMetrics(metrics.registry),
    logger: logger.child({ component: 'chat' }),
  });
  const chat: ChatRouteDeps = {
    engine,
    history,
    defaultMaxTokens: config.DEFAULT_MAX_TOKENS,
    keepAliveMs: config.KEEPALIVE_INTERVAL_MS,
  };
  return createServiceApp({
    service: config.SERVICE_NAME,
    logger,
    metrics,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    readiness: { database: () => database.ping(), bus: () => bus.ping() },
    routes: (app) => {
      app.use(requireIdentity(config.INTERNAL_AUTH_SECRET));
      v02ChatRoutes(app, chat);
      v02StreamingRoutes(app, chat);
      v1ChatRoutes(app, chat);
      sdkCompatibleRoutes(app, chat);
      providerRoutes(app, { registry });
      modelRoutes(app, { registry });
      personaRoutes(app, { personas });
      usageRoutes(app, { usage, registry, config });
      performanceRoutes(app, { registry, metricsRegistry: metrics.registry });
      streamModelRoutes(app, { registry, metricsRegistry: metrics.registry });
      filesystemRoutes(app, { root: config.FILESYSTEM_ROOT, maxReadBytes: config.FILESYSTEM_MAX_READ_BYTES });
    },
  });
}
