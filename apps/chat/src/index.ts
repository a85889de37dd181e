export { startChat } from './service.js';
export { createApp, type ChatDeps } from './app.js';
export { chatConfigSchema, loadChatConfig, type ChatConfig } from './config.js';
