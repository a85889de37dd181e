export { createApp, type GatewayDeps } from './app.js';
export { gatewayConfigSchema, loadGatewayConfig, type GatewayConfig } from './config.js';
export { startGateway, type GatewayShared } from './service.js';
