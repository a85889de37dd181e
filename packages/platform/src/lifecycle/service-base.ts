import type { Bus } from '../bus/bus.js';
import { createBus } from '../bus/create-bus.js';
import { ConfigError } from '../config/load-config.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { createMetrics, type HttpMetrics } from '../metrics/metrics.js';
import type { RunningService } from './service-runtime.js';
import { onShutdownSignal } from './signals.js';

/** The config every service has (from the kit's http, log and bus blocks). */
export interface BaseConfig {
  SERVICE_NAME: string;
  LOG_LEVEL: string;
  LOG_FORMAT?: 'json' | 'pretty' | undefined;
  NATS_URL?: string | undefined;
}

/** What the one-process launcher and tests may share with a service instead of it making its own. */
export interface SharedDeps {
  logger?: Logger;
  bus?: Bus;
}

export interface ServiceBase {
  logger: Logger;
  metrics: HttpMetrics;
  bus: Bus;
  /** Closes what this service opened itself (a shared bus is left to its owner). */
  closers: (() => Promise<void>)[];
}

/**
 * The collaborators every service starts with: its logger, metrics registry and bus.
 * @example const { logger, metrics, bus, closers } = createServiceBase(config, shared);
 */
export function createServiceBase(config: BaseConfig, shared: SharedDeps = {}): ServiceBase {
  const logger =
    shared.logger?.child({ service: config.SERVICE_NAME }) ??
    createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const metrics = createMetrics(config.SERVICE_NAME);
  if (shared.bus) return { logger, metrics, bus: shared.bus, closers: [] };
  const bus = createBus({
    url: config.NATS_URL,
    name: config.SERVICE_NAME,
    logger,
    registry: metrics.registry,
  });
  return { logger, metrics, bus, closers: [() => bus.close()] };
}

/**
 * A service's process entry: config from the environment (a bad one prints every problem and exits
 * 1), start, and a graceful stop on SIGTERM or SIGINT.
 * @example await runServiceMain(loadAuthConfig, startAuth);
 */
export async function runServiceMain<Config extends BaseConfig>(
  load: (env: NodeJS.ProcessEnv) => Config,
  start: (config: Config, shared: SharedDeps) => Promise<RunningService>,
): Promise<void> {
  let config: Config;
  try {
    config = load(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger({
    service: config.SERVICE_NAME,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
  });
  const service = await start(config, { logger });
  onShutdownSignal(logger, () => service.stop());
}
