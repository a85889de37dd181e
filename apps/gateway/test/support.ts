import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADER, type ResolvedKey } from '@gaia/contracts';
import { createLogger, createMemoryBus, verifyIdentity, type Bus, type RunningService } from '@gaia/platform';
import jwt from 'jsonwebtoken';
import { loadGatewayConfig, startGateway, type GatewayShared } from '../src/index.js';

export const INTERNAL_SECRET = 'internal-secret-for-gateway-tests-0123456789';
export const JWT_SECRET = 'supabase-jwt-secret-for-gateway-tests-0123456789';
export const quietLogger = createLogger({ service: 'test', level: 'error', format: 'json' });

/** A response's JSON body; tests read arbitrary shapes. */

export const json = (response: Response): Promise<any> => response.json();

/** Polls `check` until it holds or `timeoutMs` passes; answers whether it held. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 1000,
): Promise<boolean> {
  for (
    const until = Date.now() + timeoutMs;
    Date.now() < until;
    await new Promise((r) => setTimeout(r, 10))
  ) {
    if (await check()) return true;
  }
  return check();
}

/** A Supabase-style user token; `claims` and `options` override the defaults. */
export function userJwt(
  claims: Record<string, unknown> = {},
  options: jwt.SignOptions = {},
  secret = JWT_SECRET,
): string {
  return jwt.sign({ sub: 'user-1', aud: 'authenticated', role: 'authenticated', ...claims }, secret, {
    algorithm: 'HS256',
    expiresIn: 3600,
    ...options,
  });
}

export interface TestGateway {
  readonly url: string;
  readonly bus: Bus;
  stop(): Promise<void>;
}

/** A gateway on a free port with test secrets, an in-process bus and the given variables. */
export async function startTestGateway(
  env: Record<string, string | undefined> = {},
  bus: Bus = createMemoryBus(quietLogger),
  shared: Pick<GatewayShared, 'kubeConfig'> = {},
): Promise<TestGateway> {
  const config = loadGatewayConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    INTERNAL_AUTH_SECRET: INTERNAL_SECRET,
    SUPABASE_JWT_SECRET: JWT_SECRET,
    SHUTDOWN_TIMEOUT_MS: '200',
    LOG_LEVEL: 'error',
    LOG_FORMAT: 'json',
    ...env,
  });
  const running: RunningService = await startGateway(config, { ...shared, logger: quietLogger, bus });
  return { url: running.url, bus, stop: () => running.stop() };
}

export interface FakeAuth {
  readonly url: string;
  /** Valid keys by SHA-256 hash; tests may add or delete keys while it runs. */
  readonly keys: Record<string, Extract<ResolvedKey, { valid: true }>>;
  /** Key hashes asked for, in order. */
  readonly calls: string[];
  stop(): Promise<void>;
}

/** Stands in for the auth service's key resolution; only the gateway's signed service identity is served. */
export async function startFakeAuth(keys: FakeAuth['keys']): Promise<FakeAuth> {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const caller = verifyIdentity(INTERNAL_SECRET, req.headers[IDENTITY_HEADER] as string | undefined);
      if (
        req.url !== '/internal/keys/resolve' ||
        caller?.auth_type !== 'service' ||
        caller.service !== 'gateway'
      ) {
        res.writeHead(401).end('{"detail":"not the gateway"}');
        return;
      }
      const { key_hash } = JSON.parse(body) as { key_hash: string };
      calls.push(key_hash);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(keys[key_hash] ?? { valid: false }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    keys,
    calls,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodySha256: string;
  bodyLength: number;
}

/**
 * A service stand-in that records what reaches it. By default it echoes the request as JSON; the
 * `x-test-mode` request header picks another behaviour: `status` (answers `x-test-status` with a
 * detail body), `sse` (one event, then waits for `release()`), `hang` (never answers), `first-chunk`
 * (reports the body's first chunk as it arrives, then echoes once the body ends).
 */
export interface EchoUpstream {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Lets a waiting `sse` response send its remaining events and end. */
  release(): void;
  /** Answers every waiting `held` request. */
  releaseHeld(): void;
  /** How many distinct connections have carried `held` requests. */
  heldConnections(): number;
  /** Resolves when a request's connection to the upstream closes before its response ended. */
  readonly aborted: Promise<string>;
  /** Resolves with the size of the first body chunk of a `first-chunk` request. */
  readonly firstChunk: Promise<number>;
  readonly sseFinished: () => boolean;
  stop(): Promise<void>;
}

export async function startEchoUpstream(): Promise<EchoUpstream> {
  const requests: RecordedRequest[] = [];
  let release: () => void = () => undefined;
  let held: (() => void)[] = [];
  const heldSockets = new Set<unknown>();
  let sseDone = false;
  let abortedResolve: (url: string) => void = () => undefined;
  const aborted = new Promise<string>((resolve) => (abortedResolve = resolve));
  let firstChunkResolve: (size: number) => void = () => undefined;
  const firstChunk = new Promise<number>((resolve) => (firstChunkResolve = resolve));

  const record = (req: IncomingMessage, body: Buffer) => {
    const recorded = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bodySha256: createHash('sha256').update(body).digest('hex'),
      bodyLength: body.length,
    };
    requests.push(recorded);
    return recorded;
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.once('close', () => {
      if (!res.writableFinished) abortedResolve(req.url ?? '');
    });
    const mode = req.headers['x-test-mode'];
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
      return;
    }
    if (mode === 'hang') {
      record(req, Buffer.alloc(0));
      return;
    }
    if (mode === 'first-chunk') {
      req.once('data', (chunk: Buffer) => firstChunkResolve(chunk.length));
    }
    void readBody(req).then((body) => {
      const recorded = record(req, body);
      if (mode === 'status') {
        const status = Number(req.headers['x-test-status']);
        res
          .writeHead(status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ detail: `upstream said ${status}` }));
      } else if (mode === 'held') {
        heldSockets.add(req.socket);
        held.push(() =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(recorded)),
        );
      } else if (mode === 'sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.write('data: {"type":"start"}\n\n');
        release = () => {
          res.write('data: {"type":"content","content":"hi"}\n\n');
          res.end('data: [DONE]\n\n', () => (sseDone = true));
        };
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(recorded));
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    release: () => release(),
    releaseHeld: () => {
      for (const answer of held) answer();
      held = [];
    },
    heldConnections: () => heldSockets.size,
    aborted,
    firstChunk,
    sseFinished: () => sseDone,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
