import { runServiceMain } from '@gaia/platform';
import { loadGatewayConfig } from './config.js';
import { startGateway } from './service.js';

await runServiceMain(loadGatewayConfig, startGateway);
