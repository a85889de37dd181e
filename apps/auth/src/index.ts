export { startAuth } from './service.js';
export { createApp, type AuthAppDeps } from './app.js';
export { authConfigSchema, loadAuthConfig, type AuthConfig } from './config.js';
