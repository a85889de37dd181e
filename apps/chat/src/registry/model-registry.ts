import type client from 'prom-client';
import { providerIds, type ProviderError, type ProviderId } from '../providers/provider.js';
import { createCircuitBreaker, type CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { priceMicroUsd, type Capability, type ModelCatalog, type ModelEntry } from './model-catalog.js';
import { createModelSelector, type Selection, type SelectionRequest } from './model-selection.js';
import { createRegistryMetrics } from './registry-metrics.js';
import { createTrafficWindow, type TrafficSnapshot, type TrafficWindow } from './traffic-window.js';

/** How one provider attempt ended, as the router reports it. */
export interface AttemptOutcome {
  model: ModelEntry;
  /** `aborted`: the client went away; it says nothing about the provider's health. */
  outcome: 'success' | 'error' | 'aborted';
  durationMs: number;
  timeToFirstTokenMs?: number | undefined;
  interTokenGapsMs?: readonly number[] | undefined;
  inputTokens: number;
  outputTokens: number;
  error?: ProviderError | undefined;
}

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy' | 'unavailable';

export interface ProviderHealth extends TrafficSnapshot {
  provider: ProviderId;
  status: HealthStatus;
  available: boolean;
  circuit: CircuitState;
  consecutiveFailures: number;
}

export interface UsageTotals {
  requests: number;
  errors: number;
  aborted: number;
  inputTokens: number;
  outputTokens: number;
  /** At catalog prices, in integer micro-USD. */
  costMicroUsd: number;
  /** Mean duration of all attempts; null without any. */
  avgDurationMs: number | null;
  lastRequestAt: number | null;
}

export interface RegistryStats {
  providers: Partial<Record<ProviderId, UsageTotals & { models: Record<string, UsageTotals> }>>;
  summary: UsageTotals;
}

export interface ProviderSummary {
  id: ProviderId;
  name: string;
  aliases: string[];
  /** Configured (has an adapter); unavailable providers are listed but never selected. */
  available: boolean;
  defaultModel: ModelEntry | undefined;
  models: ModelEntry[];
  capabilities: Capability[];
  health: ProviderHealth;
}

export interface ModelRegistryOptions {
  catalog: ModelCatalog;
  /** Providers that have an adapter (configured). */
  available: readonly ProviderId[];
  metricsRegistry: client.Registry;
  now?: () => number;
}

/**
 * Health tuning for interactive chat: a five-minute window; five straight failures, or half of at least
 * ten requests failing, open a provider's circuit for 30 s.
 */
const HEALTH = {
  windowMs: 5 * 60_000,
  failureThreshold: 5,
  errorRateThreshold: 0.5,
  minRequests: 10,
  cooldownMs: 30_000,
};
// An error rate from which a provider reports `degraded` while its circuit is still closed.
const DEGRADED_ERROR_RATE = 0.2;
// Upstream statuses that blame the request (too long, malformed), not the provider's health.
const requestProblems = new Set([400, 413, 422]);

interface Usage {
  requests: number;
  errors: number;
  aborted: number;
  inputTokens: number;
  outputTokens: number;
  durationMs: number;
  lastRequestAt: number | null;
}

/**
 * The model catalog with live health and usage: lookup, selection, per-provider circuit breakers, usage
 * and cost from real traffic, and the provider metrics. One per service; the router records every
 * attempt here.
 * @example const registry = createModelRegistry({ catalog: loadModelCatalog(config.MODELS_FILE), available: [...providers.keys()], metricsRegistry: metrics.registry });
 */
export function createModelRegistry(options: ModelRegistryOptions) {
  const { catalog, metricsRegistry, now = Date.now } = options;
  const available = new Set(options.available);
  const declared = providerIds.filter((id) => catalog.providers[id]);

  const breakers = new Map<ProviderId, CircuitBreaker>(
    declared.map((id) => [id, createCircuitBreaker({ ...HEALTH, now })]),
  );
  const newWindow = () => createTrafficWindow({ windowMs: HEALTH.windowMs, now });
  const providerTraffic = new Map<ProviderId, TrafficWindow>(declared.map((id) => [id, newWindow()]));
  const modelTraffic = new Map<string, TrafficWindow>(catalog.models.map((m) => [m.id, newWindow()]));
  const usage = new Map<string, Usage>(
    catalog.models.map((m) => [
      m.id,
      {
        requests: 0,
        errors: 0,
        aborted: 0,
        inputTokens: 0,
        outputTokens: 0,
        durationMs: 0,
        lastRequestAt: null,
      },
    ]),
  );

  const circuit = (provider: ProviderId) => breakers.get(provider)?.state ?? 'closed';
  const metrics = createRegistryMetrics(metricsRegistry, () =>
    Object.fromEntries(declared.map((id) => [id, circuit(id)])),
  );
  const selector = createModelSelector(catalog, {
    available: (provider) => available.has(provider),
    circuit,
    errorRate: (provider) => providerTraffic.get(provider)?.snapshot().errorRate ?? 0,
    timeToFirstTokenMs: (model) => modelTraffic.get(model)?.snapshot().timeToFirstTokenMs ?? null,
  });

  const modelsOf = (provider: ProviderId) =>
    catalog.models.filter((m) => m.provider === provider).sort((a, b) => a.priority - b.priority);
  /** Exact from token totals, so summing per-request rounding never drifts. */
  const costOf = (model: ModelEntry, u: Pick<Usage, 'inputTokens' | 'outputTokens'>) =>
    priceMicroUsd(model, u.inputTokens, u.outputTokens);

  function health(provider: ProviderId): ProviderHealth {
    const breaker = breakers.get(provider);
    const traffic = (providerTraffic.get(provider) ?? newWindow()).snapshot();
    const state = breaker?.state ?? 'closed';
    const isAvailable = available.has(provider);
    let status: HealthStatus = 'healthy';
    if (!isAvailable) status = 'unavailable';
    else if (state === 'open') status = 'unhealthy';
    else if (state === 'half_open' || (traffic.errors > 0 && traffic.errorRate >= DEGRADED_ERROR_RATE)) {
      status = 'degraded';
    }
    return {
      provider,
      status,
      available: isAvailable,
      circuit: state,
      consecutiveFailures: breaker?.consecutiveFailures ?? 0,
      ...traffic,
    };
  }

  function totals(models: ModelEntry[]): UsageTotals {
    const sum = { requests: 0, errors: 0, aborted: 0, inputTokens: 0, outputTokens: 0, durationMs: 0 };
    let costMicroUsd = 0;
    let lastRequestAt: number | null = null;
    for (const model of models) {
      const u = usage.get(model.id)!;
      for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += u[key];
      costMicroUsd += costOf(model, u);
      if (u.lastRequestAt !== null) lastRequestAt = Math.max(lastRequestAt ?? 0, u.lastRequestAt);
    }
    const { durationMs, ...counts } = sum;
    const avgDurationMs = counts.requests === 0 ? null : durationMs / counts.requests;
    return { ...counts, costMicroUsd, avgDurationMs, lastRequestAt };
  }

  function record(attempt: AttemptOutcome): void {
    const { model, outcome } = attempt;
    const u = usage.get(model.id);
    if (!u) throw new Error(`Model ${model.id} is not in the catalog`);
    const labels = { provider: model.provider, model: model.id };
    const costBefore = costOf(model, u);
    u.requests += 1;
    u.inputTokens += attempt.inputTokens;
    u.outputTokens += attempt.outputTokens;
    u.durationMs += attempt.durationMs;
    u.lastRequestAt = now();
    if (outcome === 'error') u.errors += 1;
    if (outcome === 'aborted') u.aborted += 1;

    metrics.requests.inc({ ...labels, outcome });
    metrics.tokens.inc({ ...labels, direction: 'input' }, attempt.inputTokens);
    metrics.tokens.inc({ ...labels, direction: 'output' }, attempt.outputTokens);
    metrics.cost.inc(labels, (costOf(model, u) - costBefore) / 1e6);
    if (attempt.timeToFirstTokenMs !== undefined) {
      metrics.timeToFirstToken.observe(labels, attempt.timeToFirstTokenMs / 1000);
    }
    for (const gap of attempt.interTokenGapsMs ?? []) metrics.interTokenGap.observe(labels, gap / 1000);

    const breaker = breakers.get(model.provider);
    const traffic = [providerTraffic.get(model.provider), modelTraffic.get(model.id)];
    const blamesProvider = outcome === 'error' && !requestProblems.has(attempt.error?.status ?? 0);
    if (outcome === 'success') {
      for (const window of traffic) window?.success(attempt);
      breaker?.success();
    } else if (blamesProvider) {
      const message = attempt.error?.message ?? 'failed';
      for (const window of traffic) window?.error(message);
      breaker?.failure(providerTraffic.get(model.provider)!.snapshot());
    } else {
      breaker?.release();
    }
  }

  function summary(provider: ProviderId): ProviderSummary {
    const models = modelsOf(provider);
    const entry = catalog.providers[provider]!;
    return {
      id: provider,
      name: entry.name,
      aliases: entry.aliases,
      available: available.has(provider),
      defaultModel: models.find((m) => m.default),
      models,
      capabilities: [...new Set(models.flatMap((m) => m.capabilities))],
      health: health(provider),
    };
  }

  return {
    /** A model by id or alias. */
    find: (idOrAlias: string): ModelEntry | undefined => selector.find(idOrAlias),
    /** @example registry.list({ provider: 'openai', capability: 'vision' }) */
    list(filter: { provider?: ProviderId | undefined; capability?: string | undefined } = {}): ModelEntry[] {
      return declared
        .flatMap(modelsOf)
        .filter((m) => filter.provider === undefined || m.provider === filter.provider)
        .filter(
          (m) => filter.capability === undefined || (m.capabilities as string[]).includes(filter.capability),
        );
    },
    /** Every provider of the catalog, preferred first, with its models and health. */
    providers(): ProviderSummary[] {
      return [...declared]
        .sort((a, b) => catalog.providers[a]!.priority - catalog.providers[b]!.priority)
        .map(summary);
    },
    /** A provider by id or alias (`claude` → anthropic); undefined when unknown. */
    provider(idOrAlias: string): ProviderSummary | undefined {
      const entry = selector.provider(idOrAlias);
      return entry && summary(entry.id);
    },
    /** @example const { primary, fallbacks, reasoning } = registry.select({ provider: 'claude' }); */
    select: (request: SelectionRequest): Selection => selector.select(request),
    /** Whether an attempt on the provider may start now (circuit closed, or the half-open probe). */
    admit: (provider: ProviderId): boolean => breakers.get(provider)?.admit() ?? true,
    record,
    health,
    /** Requests, tokens and cost since start, per provider and model, at catalog prices. */
    stats(): RegistryStats {
      const providers = Object.fromEntries(
        declared.map((id) => {
          const models = modelsOf(id);
          const perModel = Object.fromEntries(models.map((m) => [m.id, totals([m])]));
          return [id, { ...totals(models), models: perModel }];
        }),
      ) as RegistryStats['providers'];
      return { providers, summary: totals(catalog.models) };
    },
  };
}

export type ModelRegistry = ReturnType<typeof createModelRegistry>;
