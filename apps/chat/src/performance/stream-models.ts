import type client from 'prom-client';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { SelectionRequest } from '../registry/model-selection.js';
import { contextProfiles } from '../registry/selection-profiles.js';
import { histogramTotals } from './metric-reader.js';

/** A model that can stream a reply now, with its measured speed (§3.4 field names). */
export interface StreamModel {
  model_id: string;
  name: string;
  provider: string;
  /** Mean time to first token since start; null until the model produced text once. */
  avg_ttft_ms: number | null;
  /** The catalog's quality on the original's 0–10 scale. */
  quality_score: number;
  /** First token within the VR context's limit; null while unmeasured. */
  vr_suitable: boolean | null;
}

const FIRST_TOKEN = 'gaia_chat_time_to_first_token_seconds';
const VR_FIRST_TOKEN_MS = contextProfiles.vr.maxResponseTimeMs;

/**
 * The streaming models of the configured providers, deprecated ones left out, in the registry's order.
 * @example const models = await listStreamModels(registry, metrics.registry);
 */
export async function listStreamModels(
  registry: ModelRegistry,
  metricsRegistry: client.Registry,
): Promise<StreamModel[]> {
  const firstToken = await histogramTotals(metricsRegistry, FIRST_TOKEN, 'model');
  const configured = new Set(
    registry
      .providers()
      .filter((p) => p.available)
      .map((p) => p.id),
  );
  return registry
    .list({ capability: 'streaming' })
    .filter((m) => configured.has(m.provider) && !m.deprecated)
    .map((m) => {
      const measured = firstToken.get(m.id);
      const ttftMs = measured?.count ? Math.round((measured.sum / measured.count) * 1000) : null;
      return {
        model_id: m.id,
        name: m.name,
        provider: m.provider,
        avg_ttft_ms: ttftMs,
        quality_score: Math.round(m.quality * 100) / 10,
        vr_suitable: ttftMs === null ? null : ttftMs <= VR_FIRST_TOKEN_MS,
      };
    });
}

/**
 * Rankings of stream models by measured speed and catalog quality, and the models the registry's own
 * selection picks right now for VR, quality, balanced and emergency requests (null when none can answer).
 * @example const { rankings, recommendations } = rankStreamModels(await listStreamModels(registry, metrics.registry), registry);
 */
export function rankStreamModels(models: StreamModel[], registry: ModelRegistry) {
  const measured = models.filter((m): m is StreamModel & { avg_ttft_ms: number } => m.avg_ttft_ms !== null);
  const pick = (request: SelectionRequest) => {
    try {
      return registry.select(request).primary.id;
    } catch {
      return null;
    }
  };
  return {
    rankings: {
      fastest_ttft: measured
        .toSorted((a, b) => a.avg_ttft_ms - b.avg_ttft_ms)
        .map((m, index) => ({ rank: index + 1, model: m.name, ttft_ms: m.avg_ttft_ms })),
      highest_quality: models
        .toSorted((a, b) => b.quality_score - a.quality_score)
        .map((m, index) => ({ rank: index + 1, model: m.name, quality: m.quality_score })),
      vr_suitable: measured
        .filter((m) => m.vr_suitable)
        .map((m) => ({ model: m.name, ttft_ms: m.avg_ttft_ms })),
    },
    recommendations: {
      vr_best: pick({ contextType: 'vr' }),
      quality_best: pick({ priority: 'quality' }),
      balanced: pick({ priority: 'balanced' }),
      emergency: pick({ contextType: 'emergency' }),
    },
  };
}
