import { randomBytes } from 'node:crypto';
import { IDENTITY_HEADER, type EventContract, type EventPayload, type Identity } from '@gaia/contracts';
import {
  createBus,
  createDatabase,
  createIdentitySigner,
  createLogger,
  type Bus,
  type Database,
  type RunningService,
} from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { loadAuthConfig, startAuth } from '../../src/index.js';

/** The machine's NATS: auth events are checked on the real bus. */
export const natsUrl = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

export const anonymous: Identity = { auth_type: 'anonymous' };
export const gateway: Identity = { auth_type: 'service', service: 'gateway' };
export const userIdentity = (userId: string): Identity => ({ auth_type: 'jwt', user_id: userId });

export interface Reply {
  status: number;

  body: any;
  headers: Headers;
}

export interface CallOptions {
  /** Signed into the identity header; omit to send none. */
  identity?: Identity;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, with `Content-Type: application/json`. */
  raw?: string;
  bearer?: string;
}

/** The environment a test service runs with; the secrets are always there. */
export type TestEnv = Record<string, string> & { INTERNAL_AUTH_SECRET: string; SUPABASE_JWT_SECRET: string };

export interface AuthUnderTest {
  readonly service: RunningService;
  readonly env: TestEnv;
  readonly database: TestDatabase;
  /** A client of the service's database, for checking what is stored. */
  readonly db: Database;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  stop(): Promise<void>;
}

export const secret = () => randomBytes(32).toString('base64url');

/** Environment of an auth service on a free port against `databaseUrl` and the machine's NATS. */
export function testEnv(databaseUrl: string, overrides: Record<string, string> = {}): TestEnv {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    LOG_FORMAT: 'json',
    DATABASE_URL: databaseUrl,
    NATS_URL: natsUrl,
    INTERNAL_AUTH_SECRET: secret(),
    SUPABASE_JWT_SECRET: secret(),
    ACCESS_TOKEN_TTL_SECONDS: '600',
    ...overrides,
  };
}

/**
 * Calls a service over HTTP, signing the identity header as the gateway does.
 * @example const reply = await call(service.url, env.INTERNAL_AUTH_SECRET, 'POST', '/api/v1/auth/login', { identity: anonymous, json });
 */
export async function call(
  baseUrl: string,
  internalSecret: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (options.identity)
    headers[IDENTITY_HEADER] = createIdentitySigner(internalSecret).sign(options.identity);
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}

/**
 * The auth service in-process on a free port, with a fresh migrated database of its own.
 * @example const auth = await startAuthUnderTest(); after(() => auth.stop());
 */
export async function startAuthUnderTest(overrides: Record<string, string> = {}): Promise<AuthUnderTest> {
  const database = await createTestDatabase();
  const env = testEnv(database.url, overrides);
  const service = await startAuth(loadAuthConfig(env));
  const db = createDatabase({ url: database.url, poolSize: 2 });
  return {
    service,
    env,
    database,
    db,
    call: (method, path, options) => call(service.url, env.INTERNAL_AUTH_SECRET, method, path, options),
    stop: async () => {
      await service.stop();
      await db.close();
      await database.drop();
    },
  };
}

export interface EventLog<E extends EventContract> {
  readonly received: EventPayload<E>[];
  /** The first event (already received or still to come) that matches. */
  waitFor(match: (payload: EventPayload<E>) => boolean, timeoutMs?: number): Promise<EventPayload<E>>;
}

/**
 * Listens on the real bus with a bus of the test's own, as another service would.
 * @example const bus = testBus(); const revoked = await listen(bus, authKeyRevoked);
 */
export function testBus(): Bus {
  return createBus({
    url: natsUrl,
    name: 'auth-test',
    logger: createLogger({ service: 'auth-test', level: 'error', format: 'json' }),
  });
}

export async function listen<E extends EventContract>(bus: Bus, event: E): Promise<EventLog<E>> {
  const received: EventPayload<E>[] = [];
  await bus.subscribe(event, (payload) => void received.push(payload));
  return {
    received,
    async waitFor(match, timeoutMs = 3000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no ${event.subject} event matched within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** The value of one labelled sample in the service's /metrics text, 0 when absent. */
export async function metricValue(
  baseUrl: string,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
