import { z } from 'zod';

/** Boolean environment variable: true/false/1/0/yes/no. */
export const envBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

/** Comma-separated list. */
export const envList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

const port = z.coerce.number().int().min(0).max(65535);

/**
 * Config blocks, one per concern, each with defaults and descriptions; services spread the blocks
 * they need into their own schema. `.env.example` and the README table are generated from them.
 * @example const schema = z.object({ ...httpConfig('auth', 8001), ...databaseConfig, ...busConfig });
 */
export function httpConfig(service: string, defaultPort: number) {
  return {
    SERVICE_NAME: z.string().default(service).describe('Service name in logs, metrics and events'),
    HOST: z.string().default('0.0.0.0').describe('Interface to listen on'),
    PORT: port.default(defaultPort).describe('HTTP port to listen on'),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024)
      .describe('Largest accepted request body; larger ones get 413'),
  };
}

export const logConfig = {
  LOG_LEVEL: z
    .string()
    .toLowerCase()
    .pipe(z.enum(['error', 'warn', 'info', 'debug']))
    .default('info')
    .describe('Log level: error, warn, info or debug'),
  LOG_FORMAT: z
    .enum(['json', 'pretty'])
    .optional()
    .describe('Log format; defaults to pretty in a terminal, JSON otherwise'),
};

export const databaseConfig = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .describe('PostgreSQL URL; unset starts an embedded PostgreSQL (PGlite) under DATA_DIR'),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(10).describe('Connections per process'),
  DATA_DIR: z.string().default('.data').describe('Folder for the embedded database and local secrets'),
};

export const busConfig = {
  NATS_URL: z
    .string()
    .regex(/^(nats|tls|ws|wss):\/\//, 'must be a nats:// URL')
    .optional()
    .describe('NATS server URL; unset uses the in-process bus (single process only)'),
};

export const shutdownConfig = {
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(25_000)
    .describe('How long in-flight requests and streams may run after SIGTERM'),
};

export const identityConfig = {
  INTERNAL_AUTH_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .describe('Secret the gateway signs the identity header with; every service verifies it'),
};

export const jwtConfig = {
  SUPABASE_JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('HS256 secret of user JWTs (Supabase project JWT secret, or the local provider signing key)'),
};
