import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { IDENTITY_HEADER, type RoutedService } from '@gaia/contracts';
import { PayloadTooLargeError, UnavailableError, type IdentitySigner } from '@gaia/platform';
import type { Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware } from 'http-proxy-middleware';
import type { Upstream, UpstreamPool } from '../discovery/upstream-pool.js';
import type { ProxyMetrics } from './proxy-metrics.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals in this namespace
  namespace Express {
    interface Locals {
      /** `performance.now()` when the gateway started handling the request (for the overhead metric). */
      receivedAt?: number;
      /** The endpoint this request was sent to, released when the response closes. */
      upstream?: Upstream;
    }
  }
}

export interface ServiceProxyOptions {
  service: RoutedService;
  /** The service's endpoints (see discovery/); undefined means it is not deployed and every request gets 503. */
  upstreams: UpstreamPool | undefined;
  signer: IdentitySigner;
  bodyLimitBytes: number;
  /** How long the service may send nothing before the request is abandoned. */
  timeoutMs: number;
  metrics: ProxyMetrics;
}

export interface ServiceProxy {
  /** Forwards the request, which must carry `res.locals.identity`, to the service. */
  readonly handler: RequestHandler;
  /** Closes the pooled connections to the service. */
  close(): void;
}

// Headers that describe one connection, not the message; the client's must not reach the service.
const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
];
// Below the services' 65 s keep-alive, so the gateway never reuses a socket the service is closing.
const IDLE_SOCKET_MS = 30_000;

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'unresolved',
  EAI_AGAIN: 'unresolved',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
};

class UpstreamTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
}

function abortTimedOut(this: ClientRequest): void {
  this.destroy(new UpstreamTimeoutError('the service sent nothing within the upstream timeout'));
}

function flushHeaders(this: ServerResponse): void {
  this.flushHeaders();
}

/** Sets the signed identity (replacing whatever the client sent) and the X-Forwarded-* headers. */
function prepareHeaders(req: Request, identityHeader: string): void {
  const headers = req.headers;
  headers[IDENTITY_HEADER] = identityHeader;
  const forwardedFor = headers['x-forwarded-for'] as string | undefined;
  const remote = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${remote}` : remote;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-forwarded-host'] ??= headers.host;
  // The gateway has already answered 100-continue; forwarding it would also skip the proxyReq hook.
  if (headers.expect !== undefined) delete headers.expect;
}

/** The client connection belongs to the gateway: drop the service's keep-alive hints and flush SSE at once. */
function onProxyRes(proxyRes: IncomingMessage, _req: Request, res: Response): void {
  const headers = proxyRes.headers;
  const own = res.getHeader('connection');
  if (own === undefined) delete headers.connection;
  else headers.connection = String(own);
  delete headers['keep-alive'];
  if (headers['content-type']?.startsWith('text/event-stream')) {
    headers['x-accel-buffering'] = 'no';
    // `pipe` fires once the status and headers are copied onto `res`, before any event arrives.
    res.once('pipe', flushHeaders);
  }
}

/**
 * Proxies requests to one service with http-proxy-middleware over a pooled keep-alive agent: each
 * request to the endpoint with the fewest in flight, same path and query, bodies and responses
 * streamed both ways without buffering, downstream status and body passed through unchanged, the
 * upstream request aborted when the client goes away. A service that is not deployed, has no ready
 * endpoint, refuses, resets or times out before answering gets 503 `Service <name> unavailable`.
 * @example app.post('/api/v0.2/chat', authenticate, createServiceProxy({ service: 'chat', upstreams, signer, bodyLimitBytes, timeoutMs, metrics }).handler);
 */
export function createServiceProxy(options: ServiceProxyOptions): ServiceProxy {
  const { service, upstreams, signer, bodyLimitBytes, timeoutMs, metrics } = options;
  const detail = `Service ${service} unavailable`;
  const notDeployed = { service, reason: 'not_deployed' };
  const noEndpoints = { service, reason: 'no_endpoints' };
  if (!upstreams) {
    return {
      handler: () => {
        metrics.upstreamErrors.inc(notDeployed);
        throw new UnavailableError(detail);
      },
      close: () => undefined,
    };
  }

  // One agent for every endpoint: it keeps a separate pool of sockets per host and port.
  const agent = new (upstreams.protocol === 'https:' ? https.Agent : http.Agent)({
    keepAlive: true,
    scheduling: 'lifo',
    timeout: IDLE_SOCKET_MS,
    // Every socket a burst of streams opened stays for the next burst until it idles out (Node keeps
    // 256): a busy service accepts one new connection per event-loop turn, so hundreds cost seconds.
    maxFreeSockets: Infinity,
  });
  const overhead = metrics.overhead.labels(service);

  const release = function (this: Response): void {
    upstreams.release(this.locals.upstream!);
  };

  const proxy = createProxyMiddleware<Request, Response>({
    router: (_req, res) => res!.locals.upstream!.url,
    agent,
    changeOrigin: true,
    // One plugin with the gateway's handlers instead of the defaults, which log every exchange and
    // answer errors in plain text.
    ejectPlugins: true,
    plugins: [
      (server) => {
        server.on('proxyReq', (proxyReq, _req, res) => {
          for (const name of HOP_BY_HOP) proxyReq.removeHeader(name);
          proxyReq.setTimeout(timeoutMs, abortTimedOut);
          if (res.locals.receivedAt !== undefined)
            overhead.observe((performance.now() - res.locals.receivedAt) / 1000);
        });
        server.on('proxyRes', onProxyRes);
        server.on('error', (error: Error & { code?: string }, req, res) => {
          if (!req || !res || !('locals' in res)) return;
          const reason = REASONS[error.code ?? ''] ?? 'other';
          metrics.upstreamErrors.inc({ service, reason });
          res.locals.logger.warn('service request failed', {
            service,
            endpoint: res.locals.upstream?.url.host,
            reason,
            error: error.message,
            sent: res.headersSent,
          });
          // Once the response has started, the proxy has already cut it; there is nothing left to answer.
          if (!res.headersSent) req.next?.(new UnavailableError(detail));
        });
      },
    ],
  });

  return {
    handler: (req, res, next) => {
      const length = req.headers['content-length'];
      if (length !== undefined && Number(length) > bodyLimitBytes)
        throw new PayloadTooLargeError(bodyLimitBytes);
      const upstream = upstreams.pick();
      if (!upstream) {
        metrics.upstreamErrors.inc(noEndpoints);
        throw new UnavailableError(detail);
      }
      res.locals.upstream = upstream;
      // 'close' comes exactly once, after the response ends or when either side breaks off (`on`
      // rather than `once` spares a wrapper and its removal on every request).
      res.on('close', release);
      prepareHeaders(req, signer.sign(res.locals.identity!));
      void proxy(req, res, next);
    },
    close: () => agent.destroy(),
  };
}
