import { ConfigError, createLogger, onShutdownSignal } from '@gaia/platform';
import { loadGatewayConfig, type GatewayConfig } from './config.js';
import { startGateway } from './service.js';

let config: GatewayConfig;
try {
  config = loadGatewayConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}

const logger = createLogger({
  service: config.SERVICE_NAME,
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
});
const gateway = await startGateway(config, { logger });
onShutdownSignal(logger, () => gateway.stop());
