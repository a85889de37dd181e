import type { ContextType } from '@gaia/contracts';
import { BadRequestError, NotFoundError, UnavailableError } from '@gaia/platform';
import type { ProviderId } from '../providers/provider.js';
import type { CircuitState } from './circuit-breaker.js';
import {
  capabilities,
  type Capability,
  type ModelCatalog,
  type ModelEntry,
  type ProviderEntry,
} from './model-catalog.js';
import { contextProfiles, priorities, type ContextProfile, type Priority } from './selection-profiles.js';

/** A chat request's say in which model answers; every field is optional. */
export interface SelectionRequest {
  /** Model id or alias. */
  model?: string | null | undefined;
  /** Provider id or alias (`claude`); alone it means that provider's default model. */
  provider?: string | null | undefined;
  contextType?: ContextType | null | undefined;
  /** Unknown names are ignored, as in the original. */
  requiredCapabilities?: string[] | null | undefined;
  priority?: string | null | undefined;
}

export interface Selection {
  primary: ModelEntry;
  /** Tried in order when the primary fails: the best model of each other provider first. */
  fallbacks: ModelEntry[];
  reasoning: string;
}

/** What selection needs to know about providers right now. */
export interface SelectionSignals {
  available(provider: ProviderId): boolean;
  circuit(provider: ProviderId): CircuitState;
  /** Error rate over the recent traffic window. */
  errorRate(provider: ProviderId): number;
  /** Measured moving average; null before the model answered once. */
  timeToFirstTokenMs(model: string): number | null;
}

export interface ModelSelector {
  find(idOrAlias: string): ModelEntry | undefined;
  provider(idOrAlias: string): ProviderEntry | undefined;
  select(request: SelectionRequest): Selection;
}

const MAX_FALLBACKS = 3;
// Without a measurement, a model's speed score stands for its time to first token: 1.0 → 0 ms, 0.0 → 3 s.
const SLOWEST_EXPECTED_MS = 3000;

/**
 * Model lookup (ids and aliases) and selection: an explicit model, else the named provider's default,
 * else the best model for the context type and priority, scored from catalog data and live health.
 * @example const selector = createModelSelector(catalog, signals); selector.select({ provider: 'claude' });
 */
export function createModelSelector(catalog: ModelCatalog, signals: SelectionSignals): ModelSelector {
  const modelsByName = new Map<string, ModelEntry>();
  for (const model of catalog.models) {
    for (const name of [model.id, ...model.aliases]) modelsByName.set(name, model);
  }
  const providers = (Object.entries(catalog.providers) as [ProviderId, Omit<ProviderEntry, 'id'>][])
    .map(([id, entry]) => ({ ...entry, id }))
    .sort((a, b) => a.priority - b.priority);
  const providersByName = new Map<string, ProviderEntry>();
  for (const provider of providers) {
    for (const name of [provider.id, ...provider.aliases]) providersByName.set(name.toLowerCase(), provider);
  }
  const defaultOf = (provider: ProviderId) =>
    catalog.models.find((m) => m.provider === provider && m.default);

  /** Models selection may choose by itself: standby providers only when no other provider is configured. */
  function eligible(): ModelEntry[] {
    const regular = providers.some((p) => !p.standby && signals.available(p.id));
    const allowed = new Set(
      providers.filter((p) => signals.available(p.id) && (!regular || !p.standby)).map((p) => p.id),
    );
    return catalog.models.filter(
      (m) => allowed.has(m.provider) && !m.deprecated && signals.circuit(m.provider) !== 'open',
    );
  }

  const expectedFirstTokenMs = (model: ModelEntry) =>
    signals.timeToFirstTokenMs(model.id) ?? (1 - model.speed) * SLOWEST_EXPECTED_MS;
  const price = (model: ModelEntry) => model.pricing.input_per_million + model.pricing.output_per_million;

  /** Ranks models best first for a context profile and priority. */
  function rank(models: ModelEntry[], profile: ContextProfile, priority: Priority) {
    const cheapest = Math.min(...models.map(price));
    const score = (model: ModelEntry) => {
      const firstTokenMs = expectedFirstTokenMs(model);
      const responsiveness = Math.max(0, (SLOWEST_EXPECTED_MS - firstTokenMs) / SLOWEST_EXPECTED_MS);
      const priorityTerm = {
        speed: 0.5 * responsiveness,
        quality: 0.5 * model.quality,
        balanced: 0,
        cost: (0.5 * (cheapest + 0.01)) / (price(model) + 0.01),
        vr: (firstTokenMs < 700 ? 0.5 : 0) + (model.capabilities.includes('streaming') ? 0.2 : 0),
      }[priority];
      const contextTerm =
        0.2 * profile.capabilities.filter((c) => c !== 'chat' && model.capabilities.includes(c)).length;
      const healthPenalty =
        (signals.circuit(model.provider) === 'half_open' ? 0.5 : 0) + 0.5 * signals.errorRate(model.provider);
      return 0.4 * model.quality + 0.3 * responsiveness + priorityTerm + contextTerm - healthPenalty;
    };
    return models
      .map((model) => ({ model, score: score(model) }))
      .sort((a, b) => b.score - a.score || a.model.priority - b.model.priority);
  }

  function fallbacksAfter(primary: ModelEntry, ranked: ModelEntry[]): ModelEntry[] {
    const others = ranked.filter((m) => m.id !== primary.id);
    const bestOfOtherProviders: ModelEntry[] = [];
    for (const model of others) {
      const covered = [primary, ...bestOfOtherProviders].some((m) => m.provider === model.provider);
      if (!covered) bestOfOtherProviders.push(model);
    }
    const rest = others.filter((m) => !bestOfOtherProviders.includes(m));
    return [...bestOfOtherProviders, ...rest].slice(0, MAX_FALLBACKS);
  }

  function requireProvider(name: string): ProviderEntry {
    const provider = providersByName.get(name.toLowerCase());
    if (!provider) throw new BadRequestError(`Provider ${name} not found`);
    if (!signals.available(provider.id))
      throw new BadRequestError(`Provider ${provider.id} is not configured`);
    return provider;
  }

  function select(request: SelectionRequest): Selection {
    const contextType = request.contextType ?? 'conversation';
    const profile = contextProfiles[contextType];
    const priority =
      request.priority && Object.hasOwn(priorities, request.priority)
        ? (request.priority as Priority)
        : undefined;
    const effectivePriority = priority ?? profile.priority;
    const required = (request.requiredCapabilities ?? []).filter((c): c is Capability =>
      (capabilities as readonly string[]).includes(c),
    );

    const pool = eligible();
    const capable = pool.filter((m) => required.every((c) => m.capabilities.includes(c)));
    const scored = rank(capable.length > 0 ? capable : pool, profile, effectivePriority);
    const ranked = scored.map((r) => r.model);
    const withFallbacks = (primary: ModelEntry, reasoning: string): Selection => ({
      primary,
      fallbacks: fallbacksAfter(primary, ranked),
      reasoning,
    });

    if (request.model) {
      const model = modelsByName.get(request.model);
      if (!model) throw new NotFoundError(`Model not found: ${request.model}`);
      if (request.provider) {
        const provider = requireProvider(request.provider);
        if (provider.id !== model.provider) {
          throw new BadRequestError(`Model ${model.id} is served by ${model.provider}, not ${provider.id}`);
        }
      }
      if (!signals.available(model.provider)) {
        throw new BadRequestError(
          `Model ${model.id} needs provider ${model.provider}, which is not configured`,
        );
      }
      return withFallbacks(model, `Explicit model selection: ${model.id}`);
    }
    if (request.provider) {
      const provider = requireProvider(request.provider);
      const model = defaultOf(provider.id);
      if (!model) throw new BadRequestError(`Provider ${provider.id} has no models in the catalog`);
      return withFallbacks(model, `Default model of provider ${provider.id}: ${model.id}`);
    }
    if (ranked.length === 0) throw new UnavailableError('No healthy provider available');
    if (!request.contextType && !priority && required.length === 0) {
      const provider = providers.find((p) => ranked.some((m) => m.provider === p.id))!;
      const model = defaultOf(provider.id) ?? ranked.find((m) => m.provider === provider.id)!;
      const why = provider.standby
        ? 'no other provider is configured'
        : `default of ${provider.id}, the preferred available provider`;
      return withFallbacks(model, `Default model: ${model.id} (${why})`);
    }
    const fast = scored.filter(
      (r) => (signals.timeToFirstTokenMs(r.model.id) ?? 0) <= profile.maxResponseTimeMs,
    );
    const best = fast[0] ?? scored[0]!;
    const missing =
      capable.length === 0 && required.length > 0 ? `; no model has all of ${required.join(', ')}` : '';
    return withFallbacks(
      best.model,
      `Best model for ${contextType} context with ${effectivePriority} priority: ${best.model.id} ` +
        `(score ${best.score.toFixed(2)})${missing}`,
    );
  }

  return {
    find: (idOrAlias) => modelsByName.get(idOrAlias),
    provider: (idOrAlias) => providersByName.get(idOrAlias.toLowerCase()),
    select,
  };
}
