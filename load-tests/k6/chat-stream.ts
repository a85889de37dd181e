// k6 against a cluster: streamed OpenAI chat completions through the Gaia gateway, optionally side by
// side with the provider called directly (the baseline) and Portkey; every metric is tagged `path`.
//
// k6's http module returns a response only when it is complete, so time to first token is measured
// with streams that end right after their first token (`max_tokens: 1`): their duration is the TTFT.
// Held streams (64 deltas, paced by the provider) then show buffering and stalls as overrun: how much
// longer a whole stream took than the provider's pacing explains.
//
// Run: k6 run -e GAIA_URL=https://gaia.example -e GAIA_API_KEY=gaia_… \
//        [-e DIRECT_URL=http://fake-upstream:8600 -e FAKE_CONTROL_URL=http://fake-upstream:8600/__control] \
//        [-e PORTKEY_URL=http://portkey:8787 -e PORTKEY_PROVIDER_URL=http://fake-upstream:8600/v1] \
//        [-e STREAMS=128 -e DURATION=2m -e TOKENS=64 -e GAP_MS=20] load-tests/k6/chat-stream.ts
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { env, targets, type Target } from './targets.ts';

const STREAMS = Number(env('STREAMS', '128'));
const DURATION = env('DURATION', '2m');
const TOKENS = Number(env('TOKENS', '64'));
const GAP_MS = Number(env('GAP_MS', '20'));

/** Request sent → last byte of a stream cut after its first token: the time to first token. */
const ttft = new Trend('gaia_ttft_ms', true);
/** Request sent → response headers (SSE headers are flushed before the provider answers). */
const timeToHeaders = new Trend('gaia_time_to_headers_ms', true);
/** Whole held stream minus the provider's pacing (TOKENS − 1) × GAP_MS: TTFT plus buffering and stalls. */
const overrun = new Trend('gaia_stream_overrun_ms', true);
const incomplete = new Counter('gaia_streams_incomplete');

export const options: Options = {
  scenarios: {
    // One stream at a time, cut after the first token: TTFT without queueing.
    ttft_idle: {
      executor: 'constant-vus',
      exec: 'firstToken',
      vus: 1,
      duration: DURATION,
    },
    // STREAMS held streams at once, plus TTFT probes under that load.
    held: {
      executor: 'constant-vus',
      exec: 'heldStream',
      vus: STREAMS,
      duration: DURATION,
      startTime: '5s',
    },
    ttft_loaded: {
      executor: 'constant-vus',
      exec: 'firstToken',
      vus: Math.max(1, Math.round(STREAMS / 32)),
      duration: DURATION,
      startTime: '15s',
    },
  },
  thresholds: {
    // Targets from docs/benchmarks.md, as absolute bounds on the Gaia path; compare with
    // `path:direct` in the summary for the added part.
    'gaia_ttft_ms{path:gaia,scenario:ttft_loaded}': ['p(99)<1000'],
    'gaia_streams_incomplete{path:gaia}': ['count<1'],
    'checks{path:gaia}': ['rate>0.999'],
  },
  summaryTrendStats: ['p(50)', 'p(90)', 'p(99)', 'max', 'count'],
};

const TARGETS = targets();

/** Paths take turns iteration by iteration, so each gets the same share of the load. */
const nextTarget = (): Target => TARGETS[exec.scenario.iterationInTest % TARGETS.length]!;

/** Content deltas (non-empty `delta.content`) and whether `data: [DONE]` ended the stream. */
function parseSse(body: string): { deltas: number; done: boolean } {
  let deltas = 0;
  let done = false;
  for (const event of body.split('\n\n')) {
    const at = event.indexOf('"content":"');
    if (at !== -1 && event.charAt(at + 11) !== '"') deltas += 1;
    else if (event.startsWith('data: [DONE]')) done = true;
  }
  return { deltas, done };
}

function stream(target: Target, maxTokens: number) {
  const body = JSON.stringify({
    model: env('MODEL', 'gpt-4o-mini'),
    messages: [{ role: 'user', content: 'Reply with a short greeting for the benchmark' }],
    stream: true,
    max_tokens: maxTokens,
  });
  const tags = { path: target.name };
  const response = http.post(target.url, body, {
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...target.headers },
    tags,
    timeout: '120s',
  });
  const { deltas, done } = parseSse(typeof response.body === 'string' ? response.body : '');
  const complete = check(
    response,
    {
      'status 200': (r) => r.status === 200,
      'event stream': (r) => String(r.headers['Content-Type'] ?? '').startsWith('text/event-stream'),
      'all deltas and [DONE]': () => deltas === maxTokens && done,
    },
    tags,
  );
  if (!complete) incomplete.add(1, tags);
  return { response, complete, tags };
}

/** The fake upstream (when FAKE_CONTROL_URL is set) paces TOKENS deltas GAP_MS apart, first one at once. */
export function setup(): void {
  const control = env('FAKE_CONTROL_URL');
  if (!control) return;
  const knobs = { ttftMs: 0, gapMs: GAP_MS, tokens: TOKENS, latencyMs: 0 };
  const response = http.post(`${control}/knobs`, JSON.stringify(knobs), {
    headers: { 'content-type': 'application/json' },
  });
  if (response.status !== 200) throw new Error(`fake knobs: HTTP ${response.status}`);
}

export function firstToken(): void {
  const { response, complete, tags } = stream(nextTarget(), 1);
  if (!complete) return;
  ttft.add(response.timings.duration, tags);
  timeToHeaders.add(response.timings.waiting, tags);
}

export function heldStream(): void {
  const { response, complete, tags } = stream(nextTarget(), TOKENS);
  if (!complete) return;
  overrun.add(response.timings.duration - (TOKENS - 1) * GAP_MS, tags);
}
