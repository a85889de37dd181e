import { parseInput } from '@gaia/platform';
import type { IRouter } from 'express';
import type client from 'prom-client';
import { z } from 'zod';
import { createPerformanceMonitor } from '../performance/performance-monitor.js';
import type { ModelRegistry } from '../registry/model-registry.js';

const BASE = '/api/v0.2/performance';
const stagesQuery = z.object({ limit: z.coerce.number().int().min(1).max(10_000).default(100) });

/**
 * `/api/v0.2/performance/*` (§8) from live registry health and usage and the service's metrics, where
 * the original served simulated numbers (Q28). The figures are this replica's.
 * @example performanceRoutes(app, { registry, metricsRegistry: metrics.registry });
 */
export function performanceRoutes(
  router: IRouter,
  deps: { registry: ModelRegistry; metricsRegistry: client.Registry },
): void {
  const monitor = createPerformanceMonitor(deps);
  router.get(`${BASE}/summary`, async (_req, res) => {
    res.json(await monitor.summary());
  });
  router.get(`${BASE}/providers`, async (_req, res) => {
    res.json(await monitor.providers());
  });
  router.get(`${BASE}/stages`, async (req, res) => {
    const { limit } = parseInput(stagesQuery, req.query, 'query');
    res.json(await monitor.stages(limit));
  });
  router.get(`${BASE}/live`, async (_req, res) => {
    res.json(await monitor.live());
  });
  router.get(`${BASE}/health`, async (_req, res) => {
    res.json(await monitor.health());
  });
  router.delete(`${BASE}/reset`, async (_req, res) => {
    res.json(await monitor.reset());
  });
}
