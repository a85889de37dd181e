export * from './event.js';
export * from './events.js';
export * from './identity.js';
export * from './auth.js';
export * from './routes.js';
