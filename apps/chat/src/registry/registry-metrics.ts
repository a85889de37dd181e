import client from 'prom-client';
import type { ProviderId } from '../providers/provider.js';
import type { CircuitState } from './circuit-breaker.js';

export const circuitStateValues: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/** OpenTelemetry GenAI's time-to-first-token buckets (seconds). */
const firstTokenBuckets = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
];
const gapBuckets = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 1, 2.5];

export type RegistryMetrics = ReturnType<typeof createRegistryMetrics>;

/**
 * The provider-level metrics of the chat service, on the service's registry. The circuit gauge is read
 * at scrape time, so an open circuit that has cooled down shows as half-open without any traffic.
 * @example const metrics = createRegistryMetrics(registry, () => ({ openai: 'closed' }));
 */
export function createRegistryMetrics(
  registry: client.Registry,
  circuitStates: () => Partial<Record<ProviderId, CircuitState>>,
) {
  return {
    requests: new client.Counter({
      name: 'gaia_chat_provider_requests_total',
      help: 'Provider attempts (each retry counts), by provider, model and outcome (success, error, aborted)',
      labelNames: ['provider', 'model', 'outcome'] as const,
      registers: [registry],
    }),
    tokens: new client.Counter({
      name: 'gaia_chat_tokens_total',
      help: 'Tokens sent to and received from providers, by provider, model and direction (input, output)',
      labelNames: ['provider', 'model', 'direction'] as const,
      registers: [registry],
    }),
    cost: new client.Counter({
      name: 'gaia_chat_cost_usd_total',
      help: 'Provider cost in USD at catalog prices, by provider and model',
      labelNames: ['provider', 'model'] as const,
      registers: [registry],
    }),
    circuit: new client.Gauge({
      name: 'gaia_chat_provider_circuit_state',
      help: 'Circuit breaker state per provider: 0 closed, 1 half-open, 2 open',
      labelNames: ['provider'] as const,
      registers: [registry],
      collect() {
        for (const [provider, state] of Object.entries(circuitStates())) {
          this.set({ provider }, circuitStateValues[state]);
        }
      },
    }),
    timeToFirstToken: new client.Histogram({
      name: 'gaia_chat_time_to_first_token_seconds',
      help: 'Time from sending a request to a provider to its first text, by provider and model',
      labelNames: ['provider', 'model'] as const,
      buckets: firstTokenBuckets,
      registers: [registry],
    }),
    interTokenGap: new client.Histogram({
      name: 'gaia_chat_inter_token_gap_seconds',
      help: 'Time between consecutive text chunks of a provider stream, by provider and model',
      labelNames: ['provider', 'model'] as const,
      buckets: gapBuckets,
      registers: [registry],
    }),
  };
}
