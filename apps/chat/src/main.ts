import { runServiceMain } from '@gaia/platform';
import { loadChatConfig } from './config.js';
import { startChat } from './service.js';

await runServiceMain(loadChatConfig, startChat);
