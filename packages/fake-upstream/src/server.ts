import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { controlRouter } from './control.js';
import { createGoTrue, type GoTrueOptions } from './gotrue.js';
import type { GoTrueStore } from './gotrue-store.js';
import { DEFAULT_KNOBS, knobsMiddleware, parseKnobUpdate, type Knobs } from './knobs.js';
import { createRequestLog, recordRequests, type RequestLog } from './request-log.js';
import type { Upstream } from './upstream.js';

/** Server-wide knobs (see `knobs.ts`) plus the options of each upstream. */
export interface FakeUpstreamOptions extends Partial<Knobs> {
  gotrue?: GoTrueOptions;
}

/** Live state for tests to inspect and, for `knobs`, to change. */
export interface FakeUpstreamState {
  /** Mutable: changes apply to the next request, like `POST /__control/knobs`. */
  knobs: Knobs;
  requests: RequestLog;
  gotrue: GoTrueStore;
}

export type FakeUpstreamApp = Express & { readonly state: FakeUpstreamState };

export interface StartFakeUpstreamOptions extends FakeUpstreamOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningFakeUpstream {
  /** e.g. `http://127.0.0.1:43121`; GoTrue is at `${url}/auth/v1`, as on Supabase. */
  readonly url: string;
  readonly port: number;
  readonly state: FakeUpstreamState;
  /** Stops listening and cuts every connection, keep-alive and in-flight ones included. */
  close(): Promise<void>;
}

/**
 * The fake as an express app: control routes under `/__control`, then every upstream under its real base
 * path behind request recording and the knobs. Invalid knob options throw `InvalidKnobError`.
 * @example const app = createFakeUpstream({ latencyMs: 50, gotrue: { jwtSecret: 'secret' } }); app.state.knobs.fault = '500';
 */
export function createFakeUpstream(options: FakeUpstreamOptions = {}): FakeUpstreamApp {
  const knobs: Knobs = {
    ...DEFAULT_KNOBS,
    ...parseKnobUpdate(
      withoutUndefined({
        latencyMs: options.latencyMs,
        fault: options.fault,
        retryAfterSeconds: options.retryAfterSeconds,
      }),
    ),
  };
  const requests = createRequestLog();
  const gotrue = createGoTrue(options.gotrue);
  const upstreams: readonly Upstream[] = [gotrue];

  const app = express();
  app.disable('x-powered-by');
  app.use('/__control', controlRouter({ knobs, requests, upstreams }));
  for (const upstream of upstreams) {
    app.use(
      upstream.basePath,
      recordRequests(requests),
      knobsMiddleware(knobs, upstream.respondWithFault),
      upstream.router,
    );
  }
  app.use((_req, res) => {
    // The Supabase gateway's (Kong's) answer for a path no upstream serves.
    res.status(404).json({ message: 'no Route matched with those values' });
  });
  const state: FakeUpstreamState = { knobs, requests, gotrue: gotrue.store };
  return Object.assign(app, { state });
}

/**
 * Starts the fake on a local port.
 * @example const fake = await startFakeUpstream({ gotrue: { jwtSecret } }); try { ... } finally { await fake.close(); }
 */
export async function startFakeUpstream({
  port = 0,
  host = '127.0.0.1',
  ...options
}: StartFakeUpstreamOptions = {}): Promise<RunningFakeUpstream> {
  const app = createFakeUpstream(options);
  const server = createServer(app);
  server.listen(port, host);
  await once(server, 'listening');
  const actualPort = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`,
    port: actualPort,
    state: app.state,
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      })),
  };
}

function withoutUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
