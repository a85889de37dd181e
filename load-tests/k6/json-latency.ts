// k6 against a cluster: non-streaming OpenAI chat completions through the Gaia gateway, optionally
// side by side with the provider called directly (the baseline) and Portkey; every metric is tagged
// `path`. Two parts: latency at concurrency 1 (the added p50/p99 is gaia minus direct), then a rising
// arrival rate to find the highest sustained req/s (read it where errors or p99 start to climb).
//
// Run: k6 run -e GAIA_URL=https://gaia.example -e GAIA_API_KEY=gaia_… \
//        [-e DIRECT_URL=http://fake-upstream:8600 -e FAKE_CONTROL_URL=http://fake-upstream:8600/__control] \
//        [-e PORTKEY_URL=http://portkey:8787 -e PORTKEY_PROVIDER_URL=http://fake-upstream:8600/v1] \
//        [-e LATENCY_DURATION=1m -e MAX_RATE=2000 -e RAMP=3m] load-tests/k6/json-latency.ts
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { env, targets } from './targets.ts';

const LATENCY_DURATION = env('LATENCY_DURATION', '1m');
const MAX_RATE = Number(env('MAX_RATE', '2000'));
const RAMP = env('RAMP', '3m');

/** Request sent → last body byte (k6's http_req_duration without connection set-up). */
const latency = new Trend('gaia_json_latency_ms', true);
const failures = new Counter('gaia_json_failures');

export const options: Options = {
  scenarios: {
    // Concurrency 1, paths interleaved request by request.
    sequential: {
      executor: 'constant-vus',
      exec: 'completion',
      vus: 1,
      duration: LATENCY_DURATION,
    },
    // Open model: the offered rate climbs whatever the latency, so saturation shows as queueing.
    throughput: {
      executor: 'ramping-arrival-rate',
      exec: 'completion',
      startTime: LATENCY_DURATION,
      startRate: 10,
      timeUnit: '1s',
      preAllocatedVUs: 200,
      maxVUs: 2000,
      stages: [
        { target: MAX_RATE, duration: RAMP },
        { target: MAX_RATE, duration: '30s' },
      ],
    },
  },
  thresholds: {
    // Absolute bounds on the Gaia path at concurrency 1; subtract `path:direct` for the added part.
    'gaia_json_latency_ms{path:gaia,scenario:sequential}': ['p(50)<50', 'p(99)<250'],
    'gaia_json_failures{path:gaia}': ['count<1'],
    'checks{path:gaia}': ['rate>0.999'],
  },
  summaryTrendStats: ['p(50)', 'p(90)', 'p(99)', 'max', 'count'],
};

const TARGETS = targets();
const BODY = JSON.stringify({
  model: env('MODEL', 'gpt-4o-mini'),
  messages: [{ role: 'user', content: 'Reply with a short greeting for the benchmark' }],
  stream: false,
});

/** The fake upstream (when FAKE_CONTROL_URL is set) answers at once with a 16-token reply. */
export function setup(): void {
  const control = env('FAKE_CONTROL_URL');
  if (!control) return;
  const knobs = { ttftMs: 0, gapMs: 0, tokens: 16, latencyMs: 0 };
  const response = http.post(`${control}/knobs`, JSON.stringify(knobs), {
    headers: { 'content-type': 'application/json' },
  });
  if (response.status !== 200) throw new Error(`fake knobs: HTTP ${response.status}`);
}

export function completion(): void {
  const target = TARGETS[exec.scenario.iterationInTest % TARGETS.length]!;
  const tags = { path: target.name };
  const response = http.post(target.url, BODY, {
    headers: { 'content-type': 'application/json', ...target.headers },
    tags,
    timeout: '30s',
  });
  const ok = check(
    response,
    {
      'status 200': (r) => r.status === 200,
      'has choices': (r) => typeof r.body === 'string' && r.body.includes('"choices"'),
    },
    tags,
  );
  if (!ok) {
    failures.add(1, tags);
    return;
  }
  latency.add(response.timings.duration, tags);
}
