import { randomBytes } from 'node:crypto';
import { loadAuthConfig, startAuth } from '@gaia/auth';
import { loadGatewayConfig, startGateway } from '@gaia/gateway';
import type { RunningService } from '@gaia/platform';

export const secret = () => randomBytes(32).toString('base64url');

const quiet = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'error',
  LOG_FORMAT: 'json',
  SHUTDOWN_TIMEOUT_MS: '500',
};

export interface StackOptions {
  databaseUrl: string;
  natsUrl: string;
  jwtSecret: string;
  /** Extra auth variables (e.g. SUPABASE_URL for the supabase provider). */
  auth?: Record<string, string>;
  gateways?: number;
}

export interface Stack {
  auth: RunningService;
  gateways: RunningService[];
  stop(): Promise<void>;
}

/**
 * Auth plus gateway replicas as separate deployments would run them: each with its own NATS
 * connection, sharing only the database, the bus server and the secrets.
 * @example const stack = await startStack({ databaseUrl, natsUrl, jwtSecret, gateways: 2 });
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const shared = {
    ...quiet,
    NATS_URL: options.natsUrl,
    INTERNAL_AUTH_SECRET: secret(),
    SUPABASE_JWT_SECRET: options.jwtSecret,
  };
  const auth = await startAuth(
    loadAuthConfig({ ...shared, DATABASE_URL: options.databaseUrl, ...options.auth }),
  );
  const gateways: RunningService[] = [];
  for (let i = 0; i < (options.gateways ?? 1); i += 1) {
    gateways.push(await startGateway(loadGatewayConfig({ ...shared, AUTH_SERVICE_URL: auth.url })));
  }
  return {
    auth,
    gateways,
    stop: async () => {
      await Promise.all(gateways.map((gateway) => gateway.stop()));
      await auth.stop();
    },
  };
}

/** POST a JSON body. */
export function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export const json = (response: Response): Promise<any> => response.json();

/** Polls `check` until it returns true; resolves with the time it took, rejects after `ms`. */
export async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > ms) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
