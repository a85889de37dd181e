import { z } from 'zod';
import { databaseConfig, logConfig } from '../config/blocks.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { migrate } from './migrate.js';

// `npm run migrate` and the Helm pre-install/pre-upgrade Job: apply pending migrations, then exit.
const config = loadConfig(
  z.object({
    ...logConfig,
    DATABASE_URL: databaseConfig.DATABASE_URL.unwrap(),
    MIGRATIONS_DIR: z.string().optional(),
  }),
);
const logger = createLogger({ service: 'migrate', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
try {
  const result = await migrate({
    url: config.DATABASE_URL,
    logger,
    ...(config.MIGRATIONS_DIR ? { dir: config.MIGRATIONS_DIR } : {}),
  });
  logger.info('database is up to date', {
    applied: result.applied.length,
    already_applied: result.alreadyApplied.length,
  });
} catch (error) {
  logger.error('migration failed', { error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
