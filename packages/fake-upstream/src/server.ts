import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { createAnthropic, type AnthropicOptions } from './anthropic.js';
import type { ChatUpstreamState } from './chat-log.js';
import { controlRouter } from './control.js';
import { createGoTrue, type GoTrueOptions } from './gotrue.js';
import type { GoTrueStore } from './gotrue-store.js';
import { DEFAULT_KNOBS, knobsMiddleware, parseKnobUpdate, type Knobs } from './knobs.js';
import { createOpenAi, type OpenAiOptions } from './openai.js';
import { createRequestLog, recordRequests, type RequestLog } from './request-log.js';
import type { Upstream } from './upstream.js';

/** Server-wide knobs (see `knobs.ts`) plus the options of each upstream. */
export interface FakeUpstreamOptions extends Partial<Knobs> {
  gotrue?: GoTrueOptions;
  openai?: OpenAiOptions;
  anthropic?: AnthropicOptions;
}

/** Live state for tests to inspect and, for `knobs`, to change. */
export interface FakeUpstreamState {
  /** Mutable: changes apply to the next request, like `POST /__control/knobs`. */
  knobs: Knobs;
  requests: RequestLog;
  gotrue: GoTrueStore;
  openai: ChatUpstreamState;
  anthropic: ChatUpstreamState;
}

export type FakeUpstreamApp = Express & { readonly state: FakeUpstreamState };

export interface StartFakeUpstreamOptions extends FakeUpstreamOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningFakeUpstream {
  /**
   * e.g. `http://127.0.0.1:43121`. GoTrue is at `${url}/auth/v1`, as on Supabase; the `openai` SDK takes
   * `baseURL: url + '/v1'`, `@anthropic-ai/sdk` takes `baseURL: url`.
   */
  readonly url: string;
  readonly port: number;
  readonly state: FakeUpstreamState;
  /** Stops listening and cuts every connection, keep-alive and in-flight ones included. */
  close(): Promise<void>;
}

/**
 * The fake as an express app: control routes under `/__control`, then every upstream under its real base
 * path behind request recording and the knobs. Invalid knob options throw `InvalidKnobError`.
 * @example const app = createFakeUpstream({ ttftMs: 50, tokens: 8, openai: { models: ['gpt-4o-mini'] } }); app.state.knobs.fault = '500';
 */
export function createFakeUpstream(options: FakeUpstreamOptions = {}): FakeUpstreamApp {
  const knobs: Knobs = { ...DEFAULT_KNOBS, ...parseKnobUpdate(knobOptions(options)) };
  const requests = createRequestLog();
  const gotrue = createGoTrue(options.gotrue);
  const openai = createOpenAi(options.openai);
  const anthropic = createAnthropic(options.anthropic);
  // Mounted in this order: Anthropic's /v1/messages must come before OpenAI's catch-all /v1.
  const upstreams: readonly Upstream[] = [gotrue, anthropic, openai];

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
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
  const state: FakeUpstreamState = {
    knobs,
    requests,
    gotrue: gotrue.store,
    openai: openai.state,
    anthropic: anthropic.state,
  };
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
  // Load tests open a connection per concurrent stream in bursts; Node's default queue of 511 would
  // drop some, and the fake must never be what a benchmark measures.
  server.listen({ port, host, backlog: 4096 });
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

/** The knob values among the options, so they are validated like a `POST /__control/knobs` body. */
function knobOptions(options: FakeUpstreamOptions): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(DEFAULT_KNOBS)
      .map((key): [string, unknown] => [key, options[key as keyof Knobs]])
      .filter(([, value]) => value !== undefined),
  );
}
