import {
  createServiceBase,
  openDatabase,
  listenOptions,
  runService,
  type RunningService,
  type SharedDeps,
} from '@gaia/platform';
import { createApp } from './app.js';
import type { AuthConfig } from './config.js';
import { keepTrying } from './keep-trying.js';
import { ensureBootstrapKey } from './keys/bootstrap-key.js';

/**
 * Starts the auth service: logger, metrics, bus, database (embedded when DATABASE_URL is unset), the
 * bootstrap key, then HTTP. `stop()` drains requests and closes what this call opened; a shared bus is
 * left to its owner.
 * @example const auth = await startAuth(loadAuthConfig(process.env)); await auth.stop();
 */
export async function startAuth(config: AuthConfig, shared: SharedDeps = {}): Promise<RunningService> {
  const { logger, metrics, bus, closers: closeBus } = createServiceBase(config, shared);

  const { database, close: closeDatabase } = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    poolSize: config.DATABASE_POOL_SIZE,
    logger,
  }).catch(async (error: unknown) => {
    for (const close of closeBus) await close();
    throw error;
  });

  const apiKey = config.API_KEY;
  const bootstrap = apiKey
    ? keepTrying(
        'bootstrap key',
        () =>
          ensureBootstrapKey({
            prisma: database.prisma,
            rawKey: apiKey,
            adminEmail: config.BOOTSTRAP_ADMIN_EMAIL,
          }),
        logger,
      )
    : undefined;
  await bootstrap?.firstAttempt;

  const app = createApp({
    config,
    logger,
    metrics,
    bus,
    database,
    readiness: bootstrap ? { bootstrap_key: bootstrap.check } : {},
  });
  return runService({
    ...listenOptions(config),
    app,
    logger,
    closers: [...(bootstrap ? [bootstrap.stop] : []), ...closeBus, closeDatabase],
  });
}
