import { NotFoundError, parseInput } from '@gaia/platform';
import type { IRouter, Request } from 'express';
import { z } from 'zod';
import type {
  ModelRegistry,
  ProviderHealth,
  ProviderSummary,
  UsageTotals,
} from '../registry/model-registry.js';

const providerPath = z.object({ provider: z.string().min(1).max(64) });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const rounded = (ms: number | null) => (ms === null ? null : Math.round(ms));

/** One provider as the original listed it (§3.5), plus its default model, aliases and availability. */
function providerJson(provider: ProviderSummary) {
  return {
    id: provider.id,
    name: provider.name,
    status: provider.available ? 'available' : 'unavailable',
    health: provider.health.status,
    models: provider.models.map((m) => m.id),
    default_model: provider.defaultModel?.id ?? null,
    capabilities: provider.capabilities,
    aliases: provider.aliases,
    last_health_check: iso(provider.health.lastRequestAt),
  };
}

/** Health from real traffic: `response_time_ms` is the moving average time to first token. */
function healthJson(health: ProviderHealth) {
  return {
    status: health.status,
    available: health.available,
    response_time_ms: rounded(health.timeToFirstTokenMs),
    last_check: iso(health.lastRequestAt),
    error_rate: health.errorRate,
    requests: health.requests,
    errors: health.errors,
    circuit_state: health.circuit,
    consecutive_failures: health.consecutiveFailures,
    last_error: health.lastError?.message ?? null,
  };
}

/** Usage since start at catalog prices; `avg_response_time_ms` is the mean duration of whole requests. */
function statsJson(totals: UsageTotals) {
  return {
    requests_count: totals.requests,
    total_tokens: totals.inputTokens + totals.outputTokens,
    input_tokens: totals.inputTokens,
    output_tokens: totals.outputTokens,
    total_cost: totals.costMicroUsd / 1e6,
    avg_response_time_ms: rounded(totals.avgDurationMs),
    error_count: totals.errors,
    error_rate: totals.requests === 0 ? 0 : totals.errors / totals.requests,
    aborted_count: totals.aborted,
    last_request: iso(totals.lastRequestAt),
  };
}

/** Overall health of the configured providers; unconfigured ones do not count. */
function overallStatus(providers: ProviderSummary[]): 'healthy' | 'degraded' | 'unhealthy' {
  const statuses = providers.filter((p) => p.available).map((p) => p.health.status);
  if (statuses.every((status) => status === 'healthy')) return 'healthy';
  return statuses.some((status) => status === 'healthy' || status === 'degraded') ? 'degraded' : 'unhealthy';
}

/**
 * `/api/v0.2/providers*`: providers, health and stats from the registry and live traffic (Q2, Q19, Q21
 * and Q28 fixed: every route answers, every number is measured). Ids are `openai`, `anthropic` and
 * `offline`; old spellings (`claude`) are accepted in the path.
 * @example providerRoutes(app, { registry });
 */
export function providerRoutes(router: IRouter, { registry }: { registry: ModelRegistry }): void {
  const timestamp = () => new Date().toISOString();
  const providerParam = (req: Request): ProviderSummary => {
    const name = parseInput(providerPath, req.params, 'path').provider;
    const provider = registry.provider(name);
    if (!provider) throw new NotFoundError(`Provider ${name} not found`);
    return provider;
  };

  router.get('/api/v0.2/providers', (_req, res) => {
    const providers = registry.providers();
    const overall = overallStatus(providers);
    res.json({
      providers: providers.map(providerJson),
      total_providers: providers.length,
      health_status: overall === 'healthy' ? 'all_healthy' : overall,
      timestamp: timestamp(),
    });
  });
  router.get('/api/v0.2/providers/health', (_req, res) => {
    const providers = registry.providers();
    res.json({
      overall_status: overallStatus(providers),
      providers: Object.fromEntries(providers.map((p) => [p.id, healthJson(p.health)])),
      timestamp: timestamp(),
    });
  });
  router.get('/api/v0.2/providers/stats', (_req, res) => {
    const stats = registry.stats();
    res.json({
      provider_stats: Object.fromEntries(
        Object.entries(stats.providers).map(([id, totals]) => [id, statsJson(totals)]),
      ),
      summary: {
        total_requests: stats.summary.requests,
        total_tokens: stats.summary.inputTokens + stats.summary.outputTokens,
        total_cost: stats.summary.costMicroUsd / 1e6,
        total_errors: stats.summary.errors,
        overall_error_rate: stats.summary.requests === 0 ? 0 : stats.summary.errors / stats.summary.requests,
      },
      timestamp: timestamp(),
    });
  });
  router.get('/api/v0.2/providers/:provider', (req, res) => {
    const provider = providerParam(req);
    res.json({
      ...providerJson(provider),
      health_details: healthJson(provider.health),
      stats: statsJson(registry.stats().providers[provider.id]!),
      timestamp: timestamp(),
    });
  });
  router.get('/api/v0.2/providers/:provider/models', (req, res) => {
    const provider = providerParam(req);
    res.json({
      provider: provider.id,
      models: provider.models.map((m) => ({
        id: m.id,
        name: m.name,
        capabilities: m.capabilities,
        max_tokens: m.max_output_tokens,
        context_window: m.context_window,
        pricing: {
          input_tokens_per_million: m.pricing.input_per_million,
          output_tokens_per_million: m.pricing.output_per_million,
        },
        default: m.default,
      })),
      total: provider.models.length,
    });
  });
  router.get('/api/v0.2/providers/:provider/health', (req, res) => {
    const provider = providerParam(req);
    res.json({ provider: provider.id, ...healthJson(provider.health), timestamp: timestamp() });
  });
  router.get('/api/v0.2/providers/:provider/stats', (req, res) => {
    const provider = providerParam(req);
    const { models, ...totals } = registry.stats().providers[provider.id]!;
    res.json({
      provider: provider.id,
      ...statsJson(totals),
      models: Object.fromEntries(Object.entries(models).map(([id, usage]) => [id, statsJson(usage)])),
      timestamp: timestamp(),
    });
  });
}
