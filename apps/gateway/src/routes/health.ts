import type { IRouter, RequestHandler } from 'express';
import type { HealthReport } from '../health/service-health.js';

const apiInfo = {
  version: '0.2',
  status: 'stable',
  description: 'Unified LLM API with streaming support',
  features: [
    'OpenAI/Anthropic compatible streaming',
    'Multi-provider support',
    'Intelligent model selection',
    'Unified chat endpoint',
  ],
  endpoints: {
    chat: '/api/v0.2/chat',
    chat_stream: '/api/v0.2/chat/stream',
    providers: '/api/v0.2/providers',
    models: '/api/v0.2/models',
    asset_pricing: '/api/v0.2/assets/pricing',
    usage_tracking: '/api/v0.2/usage',
    personas: '/api/v0.2/personas',
    performance: '/api/v0.2/performance',
  },
};
const apiHealth = { status: 'healthy', version: '0.2' };

/**
 * Group `health`: the v0.2 information and health routes.
 * @example healthRoutes(app);
 */
export function healthRoutes(router: IRouter): void {
  router.get('/api/v0.2', (_req, res) => void res.json(apiInfo));
  router.get('/api/v0.2/health', (_req, res) => void res.json(apiHealth));
}

/**
 * `GET /health` with every service's status, always HTTP 200. The kit mounts it ahead of the
 * gateway's own middleware, so it applies CORS itself.
 * @example createServiceApp({ ..., health: aggregatedHealth(checkHealth, corsMiddleware) });
 */
export function aggregatedHealth(
  checkHealth: () => Promise<HealthReport>,
  cors: RequestHandler,
): RequestHandler {
  return (req, res, next) =>
    cors(req, res, () => {
      checkHealth().then((report) => res.json(report), next);
    });
}
