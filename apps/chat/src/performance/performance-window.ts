import type client from 'prom-client';
import type { ProviderId } from '../providers/provider.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import { histogramTotals, type SumCount } from './metric-reader.js';

/** One provider's counters over a window. */
export interface ProviderCounters {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: number;
  /** Total duration of the attempts. */
  durationMs: number;
  /** Within the window, else null. */
  lastRequestAt: number | null;
}

/** What the registry and the stream metrics counted from `start` to `end` (ms since the epoch). */
export interface PerformanceWindow {
  start: number;
  end: number;
  providers: Map<ProviderId, ProviderCounters>;
  /** All provider attempts. */
  requests: number;
  /** Time to first token of the attempts that produced text, in seconds. */
  firstToken: SumCount;
  /** Gaps between the text chunks of those attempts, in seconds. */
  tokenGaps: SumCount;
}

const FIRST_TOKEN = 'gaia_chat_time_to_first_token_seconds';
const TOKEN_GAPS = 'gaia_chat_inter_token_gap_seconds';
const none: SumCount = { sum: 0, count: 0 };
const minus = (a: SumCount, b: SumCount): SumCount => ({ sum: a.sum - b.sum, count: a.count - b.count });

/**
 * The registry's and the stream metrics' cumulative counters over a window that a reset restarts: a
 * reset keeps the counters as a baseline that later reads subtract, so neither the registry nor the
 * Prometheus series (whose counters must only grow) are touched.
 * @example const window = createPerformanceWindow({ registry, metricsRegistry: metrics.registry }); const ended = await window.reset();
 */
export function createPerformanceWindow({
  registry,
  metricsRegistry,
  now = Date.now,
}: {
  registry: ModelRegistry;
  metricsRegistry: client.Registry;
  now?: () => number;
}) {
  /** Everything counted since the process started. */
  async function cumulative(): Promise<PerformanceWindow> {
    const stats = registry.stats();
    const providers = new Map<ProviderId, ProviderCounters>();
    for (const [id, totals] of Object.entries(stats.providers)) {
      providers.set(id as ProviderId, {
        requests: totals.requests,
        errors: totals.errors,
        inputTokens: totals.inputTokens,
        outputTokens: totals.outputTokens,
        costMicroUsd: totals.costMicroUsd,
        durationMs: (totals.avgDurationMs ?? 0) * totals.requests,
        lastRequestAt: totals.lastRequestAt,
      });
    }
    const total = async (name: string) => (await histogramTotals(metricsRegistry, name)).get('') ?? none;
    return {
      start: 0,
      end: now(),
      providers,
      requests: stats.summary.requests,
      firstToken: await total(FIRST_TOKEN),
      tokenGaps: await total(TOKEN_GAPS),
    };
  }

  // Until the first reset the window holds everything since start.
  let baseline: PerformanceWindow = {
    start: now(),
    end: now(),
    providers: new Map(),
    requests: 0,
    firstToken: none,
    tokenGaps: none,
  };

  function since(base: PerformanceWindow, current: PerformanceWindow): PerformanceWindow {
    const providers = new Map<ProviderId, ProviderCounters>();
    for (const [id, counters] of current.providers) {
      const before = base.providers.get(id);
      const lastRequestAt = counters.lastRequestAt;
      providers.set(id, {
        requests: counters.requests - (before?.requests ?? 0),
        errors: counters.errors - (before?.errors ?? 0),
        inputTokens: counters.inputTokens - (before?.inputTokens ?? 0),
        outputTokens: counters.outputTokens - (before?.outputTokens ?? 0),
        costMicroUsd: counters.costMicroUsd - (before?.costMicroUsd ?? 0),
        durationMs: counters.durationMs - (before?.durationMs ?? 0),
        lastRequestAt: lastRequestAt !== null && lastRequestAt >= base.start ? lastRequestAt : null,
      });
    }
    return {
      start: base.start,
      end: current.end,
      providers,
      requests: current.requests - base.requests,
      firstToken: minus(current.firstToken, base.firstToken),
      tokenGaps: minus(current.tokenGaps, base.tokenGaps),
    };
  }

  return {
    /** The window so far. */
    current: async () => since(baseline, await cumulative()),
    /** Attempts counted before the window started; windowed counts never reach back past it. */
    requestsBefore: () => baseline.requests,
    /** Ends the window and starts a new one; answers the one that ended. */
    async reset(): Promise<PerformanceWindow> {
      const counters = await cumulative();
      const ended = since(baseline, counters);
      baseline = { ...counters, start: counters.end };
      return ended;
    },
  };
}
