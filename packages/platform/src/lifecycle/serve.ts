import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '../logging/logger.js';

const ACCEPT_BACKLOG = 4096;

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /**
   * Graceful stop: `/ready` turns 503, no new connections, idle keep-alive connections close, requests
   * and streams in flight may finish until the deadline; whatever is left is then cut.
   */
  stop(deadlineMs: number): Promise<void>;
}

/**
 * Listens with an app made by `createServiceApp` and tracks in-flight requests for a graceful stop.
 * @example const running = await serve(app, { port: config.PORT, host: config.HOST, logger });
 */
export async function serve(
  app: Express,
  { port, host, logger }: { port: number; host: string; logger: Logger },
): Promise<RunningServer> {
  const server = createServer(app);
  // Kubernetes and load balancers keep connections open longer than Node's default 5 s.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  let inFlight = 0;
  let allDone: (() => void) | undefined;
  server.on('request', (req, res) => {
    inFlight += 1;
    if (app.locals.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) allDone?.();
    });
  });

  // Node's default accept queue (511) overflows when a gateway opens a socket per concurrent stream
  // in a burst, and every dropped connection attempt costs its client a retransmit of 1 s or more.
  server.listen({ port, host, backlog: ACCEPT_BACKLOG });
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actualPort}`;

  let stopping: Promise<void> | undefined;
  const stop = (deadlineMs: number) => {
    stopping ??= (async () => {
      app.locals.draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        logger.info('draining in-flight requests', { in_flight: inFlight, deadline_ms: deadlineMs });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (allDone = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs))),
        ]);
        clearTimeout(timer);
        if (inFlight > 0)
          logger.warn('deadline reached, closing remaining connections', { in_flight: inFlight });
      }
      server.closeAllConnections();
      await closed;
    })();
    return stopping;
  };

  return { server, port: actualPort, url, stop };
}
