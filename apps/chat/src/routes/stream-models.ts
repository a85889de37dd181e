import type { IRouter } from 'express';
import type client from 'prom-client';
import { listStreamModels, rankStreamModels } from '../performance/stream-models.js';
import type { ModelRegistry } from '../registry/model-registry.js';

// What the registry's selection weighs (the original listed criteria its selection never used).
const selectionCriteria = [
  'context_type',
  'priority',
  'required_capabilities',
  'measured_ttft',
  'provider_health',
];

/**
 * `/api/v0.2/chat/stream/models` and `/models/performance` from the registry and the measured time to
 * first token, instead of the original's two hard-coded models (Q21).
 * @example streamModelRoutes(app, { registry, metricsRegistry: metrics.registry });
 */
export function streamModelRoutes(
  router: IRouter,
  { registry, metricsRegistry }: { registry: ModelRegistry; metricsRegistry: client.Registry },
): void {
  router.get('/api/v0.2/chat/stream/models', async (_req, res) => {
    res.json({
      models: await listStreamModels(registry, metricsRegistry),
      default_selection: 'intelligent',
      selection_criteria: selectionCriteria,
    });
  });
  router.get('/api/v0.2/chat/stream/models/performance', async (_req, res) => {
    const models = await listStreamModels(registry, metricsRegistry);
    res.json({
      all_models: models.map(({ provider: _provider, ...model }) => model),
      ...rankStreamModels(models, registry),
    });
  });
}
