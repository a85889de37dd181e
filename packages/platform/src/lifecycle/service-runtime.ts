import type { Express } from 'express';
import type { Logger } from '../logging/logger.js';
import { createDatabase, type Database } from '../db/database.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { migrate } from '../db/migrate.js';
import { join } from 'node:path';
import { serve } from './serve.js';

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  /** Graceful stop: drain HTTP up to the shutdown deadline, then close the resources, last opened first. */
  stop(): Promise<void>;
}

/**
 * Where and how a service listens, from its config (the kit's http and shutdown blocks).
 * @example return runService({ ...listenOptions(config), app, logger, closers });
 */
export function listenOptions(config: {
  SERVICE_NAME: string;
  HOST: string;
  PORT: number;
  SHUTDOWN_TIMEOUT_MS: number;
}) {
  return {
    name: config.SERVICE_NAME,
    host: config.HOST,
    port: config.PORT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  };
}

/**
 * Listens with a service's app; `stop` drains it and then runs `closers` in order (bus, database, ...).
 * @example return runService({ name: 'auth', app, host, port, logger, shutdownTimeoutMs, closers: [bus.close, db.close] });
 */
export async function runService(options: {
  name: string;
  app: Express;
  host: string;
  port: number;
  logger: Logger;
  shutdownTimeoutMs: number;
  closers?: (() => Promise<void>)[];
}): Promise<RunningService> {
  const { name, app, host, port, logger, shutdownTimeoutMs, closers = [] } = options;
  const running = await serve(app, { port, host, logger });
  logger.info('listening', { url: running.url });
  let stopping: Promise<void> | undefined;
  return {
    name,
    url: running.url,
    port: running.port,
    stop: () =>
      (stopping ??= (async () => {
        await running.stop(shutdownTimeoutMs);
        for (const close of closers) {
          await close().catch((error: unknown) => logger.warn('close failed', { error: String(error) }));
        }
      })()),
  };
}

/**
 * The service's database: the configured PostgreSQL, or (no URL) an embedded one under `dataDir`,
 * migrated so a single service runs with zero setup. `close` also stops the embedded server.
 * @example const { database, close } = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize, logger });
 */
export async function openDatabase(options: {
  url: string | undefined;
  dataDir: string;
  poolSize: number;
  logger: Logger;
}): Promise<{ database: Database; close: () => Promise<void> }> {
  if (options.url) {
    const database = createDatabase({ url: options.url, poolSize: options.poolSize });
    return { database, close: () => database.close() };
  }
  const embedded = await startEmbeddedPostgres(join(options.dataDir, 'pg'));
  options.logger.info('started embedded PostgreSQL', { url: embedded.url });
  await migrate({ url: embedded.url, logger: options.logger });
  const database = createDatabase({ url: embedded.url, poolSize: options.poolSize });
  return {
    database,
    close: async () => {
      await database.close();
      await embedded.stop();
    },
  };
}
