import { z } from 'zod';
import {
  busConfig,
  envList,
  httpConfig,
  identityConfig,
  jwtConfig,
  loadConfig,
  logConfig,
  shutdownConfig,
} from '@gaia/platform';

const serviceUrl = (service: string, port: number) =>
  z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      `Base URL of the ${service} service, e.g. http://127.0.0.1:${port}; unset means it is not deployed`,
    );

const positiveInt = z.coerce.number().int().positive();

/** The gateway's environment: the kit's blocks plus the service URLs, CORS, key cache, rate limit and timeouts. */
export const gatewayConfigSchema = z.object({
  ...httpConfig('gateway', 8666),
  ...logConfig,
  ...busConfig,
  ...shutdownConfig,
  ...identityConfig,
  ...jwtConfig,
  AUTH_SERVICE_URL: serviceUrl('auth', 8001),
  CHAT_SERVICE_URL: serviceUrl('chat', 8003),
  ASSET_SERVICE_URL: serviceUrl('asset', 8002),
  ALLOWED_ORIGINS: envList
    .default(['http://localhost:8666', 'http://localhost:3000', 'http://localhost:8080'])
    .describe('Comma-separated origins allowed by CORS (credentials allowed)'),
  KEY_CACHE_TTL_SECONDS: positiveInt
    .default(60)
    .describe('How long a resolved API key is trusted without asking the auth service again'),
  KEY_RESOLVE_TIMEOUT_MS: positiveInt
    .default(5000)
    .describe('How long an API key lookup may take at the auth service before the request gets 503'),
  HEALTH_CHECK_TIMEOUT_MS: positiveInt
    .default(2000)
    .describe("How long /health waits for each service's own /health"),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(600)
    .describe(
      "Requests per minute for each API key or user on authenticated routes, counted by each gateway replica on its own; a key's rate_limit_per_minute overrides it; 0 turns rate limiting off, per-key limits included",
    ),
  UPSTREAM_TIMEOUT_MS: positiveInt
    .default(300_000)
    .describe('How long a proxied request may wait for bytes from its service (streams are long)'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/**
 * Reads and validates the gateway's environment; throws one ConfigError naming every bad variable.
 * @example const config = loadGatewayConfig(process.env);
 */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
