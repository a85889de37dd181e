import type client from 'prom-client';
import type { ProviderId } from '../providers/provider.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { gaugeValue } from './metric-reader.js';
import {
  healthAlerts,
  healthScores,
  healthThresholds,
  judgeHealth,
  overallHealth,
  performanceStatusOf,
  recentTraffic,
} from './performance-health.js';
import { createPerformanceWindow, type PerformanceWindow } from './performance-window.js';
import { createSampler } from './sampler.js';

export interface PerformanceMonitorOptions {
  registry: ModelRegistry;
  /** The service's registry, holding the chat, registry and HTTP metrics. */
  metricsRegistry: client.Registry;
  now?: () => number;
  /** How often request counts and circuit states are sampled for the hourly, daily and uptime figures. */
  sampleIntervalMs?: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const BOTTLENECK_S = 1;
const STREAMS_IN_FLIGHT = 'gaia_chat_streams_in_flight';
const HTTP_IN_FLIGHT = 'gaia_http_requests_in_flight';

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
/** Mean duration in seconds; null without requests. */
const meanSeconds = (durationMs: number, requests: number) =>
  requests === 0 ? null : round(durationMs / requests / 1000, 3);
const percent = (part: number, whole: number) => (whole === 0 ? 0 : round((part / whole) * 100, 2));
const providersWithTraffic = (window: PerformanceWindow) =>
  [...window.providers].filter(([, counters]) => counters.requests > 0);

/**
 * The `/api/v0.2/performance/*` answers (§8), from the registry's live health and usage and the service's
 * metrics, for this replica. Cumulative figures count from the last reset; times are seconds; what nothing
 * measures (per-request minimum and maximum, a list of the requests in flight) is null or empty.
 * @example const monitor = createPerformanceMonitor({ registry, metricsRegistry: metrics.registry }); await monitor.summary();
 */
export function createPerformanceMonitor({
  registry,
  metricsRegistry,
  now = Date.now,
  sampleIntervalMs = 60_000,
}: PerformanceMonitorOptions) {
  const window = createPerformanceWindow({ registry, metricsRegistry, now });
  const samples = createSampler({
    read: () => ({
      requests: registry.stats().summary.requests,
      openCircuits: registry
        .providers()
        .filter((p) => p.health.circuit === 'open')
        .map((p) => p.id),
    }),
    intervalMs: sampleIntervalMs,
    keepMs: DAY_MS,
    now,
  });
  let cpuMark = { usage: process.cpuUsage(), at: performance.now() };

  /** This process's CPU time per wall-clock time since the previous call, in % of one core. */
  function cpuSinceLastCall(): number {
    const mark = { usage: process.cpuUsage(), at: performance.now() };
    const cpuMs = (mark.usage.user + mark.usage.system - cpuMark.usage.user - cpuMark.usage.system) / 1000;
    const wallMs = Math.max(1, mark.at - cpuMark.at);
    cpuMark = mark;
    return round((cpuMs / wallMs) * 100, 1);
  }

  /** Attempts in the last `windowMs` (to the sampling interval), never reaching back past the reset. */
  function requestsWithin(current: PerformanceWindow, windowMs: number): number {
    const older = samples.before(now() - windowMs)?.value.requests ?? 0;
    return current.requests + window.requestsBefore() - Math.max(older, window.requestsBefore());
  }

  /** Share of the samples since the reset (at most a day back) in which the provider's circuit was not open. */
  function uptimePercent(provider: ProviderId, since: number): number | null {
    const taken = samples.since(Math.max(since, now() - DAY_MS));
    if (taken.length === 0) return null;
    return percent(taken.filter((s) => !s.value.openCircuits.includes(provider)).length, taken.length);
  }

  const streamsInFlight = async () => (await gaugeValue(metricsRegistry, STREAMS_IN_FLIGHT)) ?? 0;

  return {
    /** `GET /performance/summary`: totals since the reset, the providers that had traffic, and the health status. */
    async summary() {
      const current = await window.current();
      const durationMs = [...current.providers.values()].reduce((sum, p) => sum + p.durationMs, 0);
      return {
        summary: {
          total_requests: current.requests,
          average_response_time: meanSeconds(durationMs, current.requests),
          min_response_time: null,
          max_response_time: null,
          requests_last_hour: requestsWithin(current, HOUR_MS),
          requests_last_24h: requestsWithin(current, DAY_MS),
          active_requests: await streamsInFlight(),
        },
        providers: Object.fromEntries(
          providersWithTraffic(current).map(([id, p]) => [
            id,
            {
              total_requests: p.requests,
              average_response_time: meanSeconds(p.durationMs, p.requests),
              total_tokens: p.inputTokens + p.outputTokens,
              total_cost: p.costMicroUsd / 1e6,
              error_count: p.errors,
              error_rate: percent(p.errors, p.requests),
              last_request: iso(p.lastRequestAt),
            },
          ]),
        ),
        health_status: judgeHealth(recentTraffic(registry.providers())),
        data_since: iso(current.start),
      };
    },

    /** `GET /performance/providers`: every catalog provider with its live health and its figures since the reset. */
    async providers() {
      const current = await window.current();
      const providers = registry.providers();
      const entries = providers.map((provider) => {
        const { health } = provider;
        const p = current.providers.get(provider.id);
        const requests = p?.requests ?? 0;
        return [
          provider.id,
          {
            status: performanceStatusOf[health.status],
            average_response_time: meanSeconds(p?.durationMs ?? 0, requests),
            min_response_time: null,
            max_response_time: null,
            total_requests: requests,
            total_tokens: p ? p.inputTokens + p.outputTokens : 0,
            // Output tokens per second of provider time.
            tokens_per_second:
              p && p.durationMs > 0 ? round(p.outputTokens / (p.durationMs / 1000), 1) : null,
            error_rate: percent(p?.errors ?? 0, requests),
            uptime_percentage: provider.available ? uptimePercent(provider.id, current.start) : null,
            last_error: iso(health.lastError?.at ?? null),
            last_error_message: health.lastError?.message ?? null,
            available_models: provider.available
              ? provider.models.filter((m) => !m.deprecated).map((m) => m.id)
              : [],
            // Share of recent attempts that succeeded; nothing when the provider cannot be used.
            health_score:
              !provider.available || health.circuit === 'open' ? 0 : round(100 * (1 - health.errorRate), 1),
            circuit_state: health.circuit,
          },
        ] as const;
      });
      return {
        providers: Object.fromEntries(entries),
        overall_health: overallHealth(providers),
        timestamp: iso(now()),
      };
    },

    /**
     * `GET /performance/stages`: the two measured stages of a provider call, waiting for the first token and
     * streaming the rest (the gaps between text chunks added up), averaged over the calls that produced text
     * since the reset. `limit` is echoed as in the original; the figures are aggregates, not recent samples.
     */
    async stages(limit: number) {
      const current = await window.current();
      const calls = current.firstToken.count;
      const averages = Object.entries({
        time_to_first_token: current.firstToken.sum,
        token_streaming: current.tokenGaps.sum,
      }).map(([stage, totalS]) => ({ stage, average: calls === 0 ? null : totalS / calls }));
      const total = calls === 0 ? null : averages.reduce((sum, { average }) => sum + average!, 0);
      const share = (average: number | null) =>
        average === null || !total ? null : round((average / total) * 100, 1);
      const slowest = averages
        .filter((entry): entry is { stage: string; average: number } => entry.average !== null)
        .sort((a, b) => b.average - a.average);
      return {
        stage_timings: Object.fromEntries(
          averages.map(({ stage, average }) => [
            stage,
            {
              average_duration: average === null ? null : round(average, 3),
              min_duration: null,
              max_duration: null,
              samples: calls,
              percentage_of_total: share(average),
            },
          ]),
        ),
        analysis: {
          total_average_request_time: total === null ? null : round(total, 3),
          slowest_stages: slowest.map(({ stage, average }) => ({
            stage,
            average_duration: round(average, 3),
            percentage: share(average),
          })),
          bottleneck_threshold: BOTTLENECK_S,
          recommendations: slowest
            .filter(({ average }) => average > BOTTLENECK_S)
            .map(
              ({ stage, average }) =>
                `${stage} averages ${average.toFixed(3)}s, above the ${BOTTLENECK_S}s bottleneck threshold`,
            ),
        },
        limit_applied: limit,
        timestamp: iso(now()),
      };
    },

    /** `GET /performance/live`: chat replies in flight, the request rate since the reset, this process's resources. */
    async live() {
      const current = await window.current();
      const minutes = Math.max(1, (current.end - current.start) / 60_000);
      return {
        active_requests: { count: await streamsInFlight(), requests: [], total_active_time: null },
        system_metrics: {
          requests_per_minute: round(current.requests / minutes, 2),
          memory_usage_mb: round(process.memoryUsage().rss / 1_048_576, 1),
          cpu_usage_percent: cpuSinceLastCall(),
          active_connections: (await gaugeValue(metricsRegistry, HTTP_IN_FLIGHT)) ?? 0,
        },
        timestamp: iso(current.end),
      };
    },

    /** `GET /performance/health`: the last five minutes judged by the original's thresholds, plus open circuits. */
    async health() {
      const recent = recentTraffic(registry.providers());
      const streams = await streamsInFlight();
      const status = judgeHealth(recent);
      const alerts = healthAlerts(recent, streams);
      return {
        health_status: status,
        health_score: healthScores[status],
        metrics: {
          average_response_time: round(recent.responseTimeS, 3),
          slow_requests_count: null,
          error_rate_percent: recent.errorRatePercent,
          active_requests: streams,
          requests_analyzed: recent.requests,
        },
        thresholds: healthThresholds,
        alerts,
        recommendations: [...new Set(alerts.map((alert) => alert.recommendation))],
        timestamp: iso(now()),
      };
    },

    /** `DELETE /performance/reset`: what the ending window held, then a new window. */
    async reset() {
      const ended = await window.reset();
      samples.take();
      return {
        status: 'success',
        message: 'Performance metrics have been reset',
        previous_data_summary: {
          total_requests: ended.requests,
          total_providers: providersWithTraffic(ended).length,
          active_requests: await streamsInFlight(),
          data_collection_period: {
            start: iso(ended.start),
            end: iso(ended.end),
            duration_minutes: round((ended.end - ended.start) / 60_000, 1),
          },
        },
        reset_timestamp: iso(ended.end),
      };
    },
  };
}
