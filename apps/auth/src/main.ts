import { ConfigError, createLogger, onShutdownSignal } from '@gaia/platform';
import { loadAuthConfig, type AuthConfig } from './config.js';
import { startAuth } from './service.js';

function configOrExit(): AuthConfig {
  try {
    return loadAuthConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

const config = configOrExit();
const logger = createLogger({
  service: config.SERVICE_NAME,
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const service = await startAuth(config, { logger });
onShutdownSignal(logger, () => service.stop());
