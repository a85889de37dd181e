import type { Logger } from '../logging/logger.js';

/**
 * Runs `shutdown` once on the first SIGTERM or SIGINT, then exits (0, or 1 if shutdown failed).
 * A second signal exits at once.
 * @example onShutdownSignal(logger, () => service.stop());
 */
export function onShutdownSignal(logger: Logger, shutdown: () => Promise<void>): void {
  let started = false;
  const handle = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn('second signal, exiting now', { signal });
      process.exit(1);
    }
    started = true;
    logger.info('shutting down', { signal });
    shutdown().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
