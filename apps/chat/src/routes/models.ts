import { NotFoundError, parseInput } from '@gaia/platform';
import type { IRouter } from 'express';
import { z } from 'zod';
import { capabilities, type ModelEntry } from '../registry/model-catalog.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { capabilityDescriptions, contextProfiles, priorities } from '../registry/selection-profiles.js';

const modelsQuery = z.object({
  provider: z.string().min(1).max(64).optional(),
  capability: z.string().min(1).max(64).optional(),
});
const modelPath = z.object({ model_id: z.string().min(1).max(128) });

/** Seconds since the epoch for OpenAI's `created`; 0 when the catalog has no release date. */
const created = (model: ModelEntry) => (model.released ? Date.parse(model.released) / 1000 : 0);

/**
 * `/api/v0.2/models*` from the catalog and live stats (the original's capabilities, priorities and
 * contexts routes were shadowed, Q1/Q2; its numbers disagreed, Q21), and OpenAI's `GET /v1/models`
 * listing the models of configured providers.
 * @example modelRoutes(app, { registry });
 */
export function modelRoutes(router: IRouter, { registry }: { registry: ModelRegistry }): void {
  router.get('/api/v0.2/models', (req, res) => {
    const query = parseInput(modelsQuery, req.query, 'query');
    const provider = query.provider === undefined ? undefined : registry.provider(query.provider);
    const models =
      query.provider !== undefined && !provider
        ? []
        : registry.list({ provider: provider?.id, capability: query.capability });
    const available = new Set(
      registry
        .providers()
        .filter((p) => p.available)
        .map((p) => p.id),
    );
    res.json({
      models: models.map((m) => ({
        id: m.id,
        name: m.name,
        provider: m.provider,
        capabilities: m.capabilities,
        max_tokens: m.max_output_tokens,
        context_window: m.context_window,
        available: available.has(m.provider),
      })),
      total: models.length,
      filters: { provider: provider?.id ?? query.provider ?? null, capability: query.capability ?? null },
    });
  });
  router.get('/api/v0.2/models/capabilities', (_req, res) => {
    res.json({
      capabilities: capabilities.map((name) => ({
        name,
        description: capabilityDescriptions[name],
        models: registry.list({ capability: name }).map((m) => m.id),
      })),
      total: capabilities.length,
    });
  });
  router.get('/api/v0.2/models/priorities', (_req, res) => {
    res.json({
      priorities: Object.entries(priorities).map(([name, description]) => ({ name, description })),
      total: Object.keys(priorities).length,
      default: 'balanced',
    });
  });
  router.get('/api/v0.2/models/contexts', (_req, res) => {
    const recommended = (contextType: keyof typeof contextProfiles) => {
      try {
        return registry.select({ contextType }).primary.id;
      } catch {
        return null;
      }
    };
    const contexts = Object.entries(contextProfiles).map(([name, profile]) => ({
      name,
      description: profile.description,
      priority: profile.priority,
      max_response_time_ms: profile.maxResponseTimeMs,
      preferred_capabilities: profile.capabilities,
      recommended_model: recommended(name as keyof typeof contextProfiles),
    }));
    res.json({ contexts, total: contexts.length });
  });
  router.get('/api/v0.2/models/:model_id', (req, res) => {
    const { model_id: id } = parseInput(modelPath, req.params, 'path');
    const model = registry.find(id);
    if (!model) throw new NotFoundError(`Model not found: ${id}`);
    const provider = registry.provider(model.provider);
    const usage = registry.stats().providers[model.provider]?.models[model.id];
    res.json({
      id: model.id,
      name: model.name,
      provider: model.provider,
      capabilities: model.capabilities,
      max_tokens: model.max_output_tokens,
      context_window: model.context_window,
      cost_per_input_token: model.pricing.input_per_million / 1e6,
      cost_per_output_token: model.pricing.output_per_million / 1e6,
      avg_response_time_ms: usage?.avgDurationMs == null ? null : Math.round(usage.avgDurationMs),
      quality_score: model.quality,
      speed_score: model.speed,
      description: model.description,
      is_deprecated: model.deprecated,
      supports_system_prompt: true,
      supports_temperature: true,
      supports_streaming: model.capabilities.includes('streaming'),
      pricing: model.pricing,
      aliases: model.aliases,
      default: model.default,
      available: provider?.available ?? false,
    });
  });
  router.get('/v1/models', (_req, res) => {
    const available = registry.providers().filter((p) => p.available);
    res.json({
      object: 'list',
      data: available.flatMap((p) =>
        p.models.map((m) => ({ id: m.id, object: 'model', created: created(m), owned_by: m.provider })),
      ),
    });
  });
}
