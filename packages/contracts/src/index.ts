export * from './event.js';
export * from './events.js';
export * from './identity.js';
export * from './auth.js';
export * from './routes.js';
export * from './chat.js';
export * from './chat-personas.js';
export * from './chat-usage.js';
