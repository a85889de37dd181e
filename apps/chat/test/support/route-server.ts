import { randomBytes, randomUUID } from 'node:crypto';
import { IDENTITY_HEADER, type Identity } from '@gaia/contracts';
import {
  createIdentitySigner,
  createLogger,
  createMetrics,
  createServiceApp,
  requireIdentity,
  serve,
  type HttpMetrics,
  type RunningServer,
  type ServiceAppOptions,
} from '@gaia/platform';

export const quietLogger = createLogger({ service: 'chat-test', level: 'error', format: 'json' });

/** A user signed in with a JWT, as the gateway vouches for them; a new user unless one is named. */
export const asUser = (userId = `user-${randomUUID()}`): Identity => ({ auth_type: 'jwt', user_id: userId });

export interface Reply {
  status: number;
  body: any;
}

export interface CallOptions {
  /** Who the gateway says is calling: a new user by default, no identity header when null. */
  identity?: Identity | null;
  /** Sent as a JSON body. */
  json?: unknown;
  /** Sent as is as a JSON body, for bodies JSON.stringify cannot produce. */
  raw?: string;
}

export interface RouteServer extends RunningServer {
  /** Calls the routes as the gateway would; answers the status and the parsed JSON body, if any. */
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
}

/**
 * Chat routes behind the gateway identity check, served on a free local port.
 * @example const server = await startRouteServer((router) => personaRoutes(router, { personas })); await server.call('GET', '/api/v0.2/personas');
 */
export async function startRouteServer(
  routes: ServiceAppOptions['routes'],
  metrics: HttpMetrics = createMetrics('chat-test'),
): Promise<RouteServer> {
  const secret = randomBytes(32).toString('base64url');
  const signer = createIdentitySigner(secret);
  const app = createServiceApp({
    service: 'chat-test',
    logger: quietLogger,
    metrics,
    bodyLimitBytes: 64 * 1024,
    routes: (router) => {
      router.use(requireIdentity(secret));
      routes(router);
    },
  });
  const server = await serve(app, { port: 0, host: '127.0.0.1', logger: quietLogger });
  return {
    ...server,
    async call(method, path, options = {}) {
      const identity = options.identity === undefined ? asUser() : options.identity;
      const headers: Record<string, string> = identity ? { [IDENTITY_HEADER]: signer.sign(identity) } : {};
      const payload = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
      if (payload !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(`${server.url}${path}`, { method, headers, body: payload ?? null });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
  };
}
