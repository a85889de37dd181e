import type client from 'prom-client';
import type { Logger } from '../logging/logger.js';
import type { Bus } from './bus.js';
import { createMemoryBus } from './memory-bus.js';
import { createNatsBus } from './nats-bus.js';

/**
 * NATS when a URL is configured, otherwise the in-process bus.
 * @example const bus = createBus({ url: config.NATS_URL, name: 'auth', logger, registry: metrics.registry });
 */
export function createBus(options: {
  url?: string | undefined;
  name: string;
  logger: Logger;
  registry?: client.Registry;
}): Bus {
  const logger = options.logger.child({ component: 'bus' });
  if (!options.url) return createMemoryBus(logger);
  return createNatsBus({
    url: options.url,
    name: options.name,
    logger,
    ...(options.registry ? { registry: options.registry } : {}),
  });
}
