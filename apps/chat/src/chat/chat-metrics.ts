import client from 'prom-client';

export interface ChatMetrics {
  streamsInFlight: client.Gauge;
}

/**
 * Metrics of the chat engine itself (provider-level ones belong to the registry).
 * @example const metrics = createChatMetrics(serviceMetrics.registry);
 */
export function createChatMetrics(registry: client.Registry): ChatMetrics {
  return {
    streamsInFlight: new client.Gauge({
      name: 'gaia_chat_streams_in_flight',
      help: 'Chat replies being produced right now (streamed or not); the HPA scales chat on this',
      registers: [registry],
    }),
  };
}
