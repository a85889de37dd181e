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
import { kubernetesServiceName } from './discovery/service-discovery.js';

const serviceUrl = (service: string, port: number) =>
  z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe(
      `Base URL of the ${service} service, e.g. http://127.0.0.1:${port}; unset means it is not deployed`,
    );

const positiveInt = z.coerce.number().int().positive();

const SERVICE_URLS = ['AUTH_SERVICE_URL', 'CHAT_SERVICE_URL', 'ASSET_SERVICE_URL'] as const;

/**
 * The gateway's environment: the kit's blocks plus the service URLs, CORS, key cache, rate limit,
 * timeouts and service discovery (whose kubernetes mode needs every URL to name a Service).
 */
export const gatewayConfigSchema = z
  .object({
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
    SERVICE_DISCOVERY: z
      .enum(['static', 'kubernetes'])
      .default('static')
      .describe(
        "static: requests go to each service's URL; kubernetes: watch the EndpointSlices of the Service the URL names (gaia-chat in http://gaia-chat:8003), send each request to the ready pod with fewest in flight",
      ),
    POD_NAMESPACE: z
      .string()
      .optional()
      .describe(
        "Namespace of the EndpointSlices and HPAs read in kubernetes discovery (the chart sets it from the downward API); unset reads the service account's namespace file",
      ),
  })
  .superRefine((config, context) => {
    if (config.SERVICE_DISCOVERY !== 'kubernetes') return;
    for (const name of SERVICE_URLS) {
      const url = config[name];
      if (url && !kubernetesServiceName(url))
        context.addIssue({
          code: 'custom',
          path: [name],
          message:
            'must name a Kubernetes Service, e.g. http://gaia-chat:8003, when SERVICE_DISCOVERY=kubernetes',
        });
    }
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

/**
 * Reads and validates the gateway's environment; throws one ConfigError naming every bad variable.
 * @example const config = loadGatewayConfig(process.env);
 */
export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
