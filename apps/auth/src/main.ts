import { runServiceMain } from '@gaia/platform';
import { loadAuthConfig } from './config.js';
import { startAuth } from './service.js';

await runServiceMain(loadAuthConfig, startAuth);
