import { readFileSync } from 'node:fs';
import { Pool } from 'undici';
import { summarize, type Summary } from './stats.js';

/** A server process on a lane's path whose CPU time is metered (Linux /proc). */
export interface CpuProbe {
  name: string;
  pid: number;
}

/** CPU time (user + system) a process has used so far, in ms; /proc counts in 10 ms ticks. */
function cpuTimeMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** CPU ms used by each probe since `snapshot()` was called (probes with one name are added up). */
export function cpuMeter(probes: readonly CpuProbe[] = []) {
  const snapshot = () => probes.map((probe) => cpuTimeMs(probe.pid));
  return {
    snapshot,
    since: (before: number[]) => {
      const used: Record<string, number> = {};
      probes.forEach((probe, i) => {
        used[probe.name] = (used[probe.name] ?? 0) + cpuTimeMs(probe.pid) - before[i]!;
      });
      return used;
    },
  };
}

const addInto = (total: Record<string, number>, part: Record<string, number>) => {
  for (const [name, value] of Object.entries(part)) total[name] = (total[name] ?? 0) + value;
};
const scale = (values: Record<string, number>, by: number) =>
  Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value / by]));

/** One way to reach the fake upstream: directly, through Gaia, through Portkey. */
export interface Lane {
  /** Short key used in tables (direct, gaia, portkey, …). */
  key: string;
  /** What the row is called in tables. */
  label: string;
  origin: string;
  path: string;
  /** Called per request, so signed headers can be refreshed. */
  headers: () => Record<string, string>;
  /** Replaces the default request body (diagnostic lanes). */
  body?: (stream: boolean) => string;
  /** The lane's own server processes (not the fake), whose CPU time is metered. */
  cpu?: CpuProbe[];
}

const PROMPT = 'Reply with a short greeting for the benchmark';

/** The OpenAI chat request every lane sends: one user message, model served by the fake. */
export function chatBody(stream: boolean, system?: string): string {
  return JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: PROMPT }],
    stream,
  });
}

const bodyFor = (lane: Lane, stream: boolean) => (lane.body ? lane.body(stream) : chatBody(stream));

/** A keep-alive pool of `connections` sockets to the lane's origin. */
export function poolFor(lane: Lane, connections: number): Pool {
  return new Pool(lane.origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
}

/** Sends one non-streaming request and reads the whole body; resolves with ms or throws. */
export async function jsonRequest(pool: Pool, lane: Lane, signal?: AbortSignal): Promise<number> {
  const payload = bodyFor(lane, false);
  const started = performance.now();
  const { statusCode, body } = await pool.request({
    path: lane.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...lane.headers() },
    body: payload,
    ...(signal ? { signal } : {}),
  });
  const text = await body.text();
  const elapsed = performance.now() - started;
  if (statusCode !== 200) throw new Error(`HTTP ${statusCode}: ${text.slice(0, 300)}`);
  if (!text.includes('"choices"')) throw new Error(`no choices in the reply: ${text.slice(0, 300)}`);
  return elapsed;
}

export interface LatencyResult {
  lane: Lane;
  summary: Summary;
  errors: number;
  /** CPU ms per recorded request, per process of the lane. */
  cpuPerRequest: Record<string, number>;
  firstError?: string;
}

/**
 * Concurrency 1: each lane gets `warmup` unrecorded requests, then `rounds` × `perRound` recorded
 * ones, the lanes interleaved round by round so drift on a noisy machine hits all of them alike.
 */
export async function sequentialLatency(
  lanes: readonly Lane[],
  { warmup, rounds, perRound }: { warmup: number; rounds: number; perRound: number },
): Promise<LatencyResult[]> {
  const pools = new Map(lanes.map((lane) => [lane.key, poolFor(lane, 1)]));
  const samples = new Map<string, number[]>(lanes.map((lane) => [lane.key, []]));
  const errors = new Map<string, { count: number; first?: string }>(
    lanes.map((lane) => [lane.key, { count: 0 }]),
  );
  const cpu = new Map<string, Record<string, number>>(lanes.map((lane) => [lane.key, {}]));
  const run = async (lane: Lane, count: number, record: boolean) => {
    const pool = pools.get(lane.key)!;
    const meter = cpuMeter(lane.cpu);
    const before = meter.snapshot();
    for (let i = 0; i < count; i += 1) {
      try {
        const elapsed = await jsonRequest(pool, lane);
        if (record) samples.get(lane.key)!.push(elapsed);
      } catch (error) {
        const entry = errors.get(lane.key)!;
        entry.count += 1;
        entry.first ??= String(error);
      }
    }
    if (record) addInto(cpu.get(lane.key)!, meter.since(before));
  };
  for (const lane of lanes) await run(lane, warmup, false);
  for (let round = 0; round < rounds; round += 1) {
    // Rotate the order each round so no lane always follows the same one.
    for (let i = 0; i < lanes.length; i += 1) await run(lanes[(round + i) % lanes.length]!, perRound, true);
  }
  await Promise.all([...pools.values()].map((pool) => pool.close()));
  return lanes.map((lane) => {
    const entry = errors.get(lane.key)!;
    const recorded = rounds * perRound;
    return {
      lane,
      summary: summarize(samples.get(lane.key)!),
      errors: entry.count,
      cpuPerRequest: scale(cpu.get(lane.key)!, recorded),
      ...(entry.first ? { firstError: entry.first } : {}),
    };
  });
}

export interface ThroughputStep {
  concurrency: number;
  completed: number;
  errors: number;
  rps: number;
  latency: Summary;
  /** CPU ms per request and cores used (CPU time / wall time), per process of the lane. */
  cpuPerRequest: Record<string, number>;
  cores: Record<string, number>;
  firstError?: string;
}

/**
 * Closed loop: `concurrency` workers send back-to-back requests for `warmupMs + durationMs`; only
 * requests started after the warm-up and finished before the end count.
 */
export async function throughputStep(
  lane: Lane,
  concurrency: number,
  { durationMs, warmupMs }: { durationMs: number; warmupMs: number },
): Promise<ThroughputStep> {
  const pool = poolFor(lane, concurrency);
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + durationMs;
  const abort = new AbortController();
  const hardStop = setTimeout(() => abort.abort(new Error('step deadline')), warmupMs + durationMs + 30_000);
  const latencies: number[] = [];
  let errors = 0;
  let finished = 0;
  let firstError: string | undefined;
  const meter = cpuMeter(lane.cpu);
  const before = meter.snapshot();
  const worker = async () => {
    while (performance.now() < end && !abort.signal.aborted) {
      const sent = performance.now();
      try {
        const elapsed = await jsonRequest(pool, lane, abort.signal);
        finished += 1;
        if (sent >= measureFrom && sent + elapsed <= end) latencies.push(elapsed);
      } catch (error) {
        if (sent >= measureFrom) errors += 1;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const used = meter.since(before);
  const wall = performance.now() - start;
  clearTimeout(hardStop);
  await pool.destroy();
  return {
    concurrency,
    completed: latencies.length,
    errors,
    rps: latencies.length / (durationMs / 1000),
    latency: summarize(latencies),
    cpuPerRequest: scale(used, Math.max(1, finished)),
    cores: scale(used, wall),
    ...(firstError ? { firstError } : {}),
  };
}

export interface StreamOptions {
  /** Content deltas each stream must deliver. */
  expectedTokens: number;
  /** Pacing of the fake; a gap longer than `paceMs + stallMs` is a stall. */
  paceMs: number;
  stallMs: number;
  /** Unrecorded streams per worker first (connections opened, JIT warm). */
  warmupStreams: number;
  /** Recorded streams per worker, back to back. */
  streamsPerWorker: number;
  /** Worker starts are spread over this long, so the step does not open with a thundering herd. */
  rampMs: number;
  /** The step is abandoned (remaining streams count as failed) after this long. */
  deadlineMs: number;
}

export interface StreamStep {
  concurrency: number;
  streams: number;
  ok: number;
  failed: number;
  /** Time to headers, first content event, and the gaps between consecutive content events (ms). */
  ttfb: Summary;
  ttft: Summary;
  gap: Summary;
  stalls: number;
  /** Streams with at least one stall. */
  stalledStreams: number;
  /** Cores used (CPU time / wall time) per process of the lane during the step. */
  cores: Record<string, number>;
  firstError?: string;
}

const CONTENT = '"content":"';
const QUOTE = 34;

/** True for an SSE event carrying a non-empty `delta.content` (the role chunk's content is empty). */
function isContentEvent(event: string): boolean {
  const at = event.indexOf(CONTENT);
  return at !== -1 && event.charCodeAt(at + CONTENT.length) !== QUOTE;
}

interface StreamRecord {
  ttfb: number;
  ttft: number;
  gaps: number[];
  tokens: number;
  done: boolean;
}

async function streamOnce(pool: Pool, lane: Lane, signal: AbortSignal): Promise<StreamRecord> {
  const payload = bodyFor(lane, true);
  const started = performance.now();
  const { statusCode, body } = await pool.request({
    path: lane.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...lane.headers() },
    body: payload,
    signal,
  });
  const ttfb = performance.now() - started;
  if (statusCode !== 200) throw new Error(`HTTP ${statusCode}: ${(await body.text()).slice(0, 300)}`);
  const record: StreamRecord = { ttfb, ttft: Number.NaN, gaps: [], tokens: 0, done: false };
  let pending = '';
  let last = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const now = performance.now();
    pending += chunk.toString('latin1');
    let end: number;
    while ((end = pending.indexOf('\n\n')) !== -1) {
      const event = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (isContentEvent(event)) {
        if (record.tokens === 0) record.ttft = now - started;
        else record.gaps.push(now - last);
        last = now;
        record.tokens += 1;
      } else if (event.startsWith('data: [DONE]')) {
        record.done = true;
      }
    }
  }
  return record;
}

/**
 * `concurrency` workers each run warm-up streams and then recorded streams back to back over their
 * own keep-alive connection, and every content event is timestamped as it arrives.
 */
export async function streamStep(
  lane: Lane,
  concurrency: number,
  options: StreamOptions,
): Promise<StreamStep> {
  const pool = poolFor(lane, concurrency);
  const abort = new AbortController();
  const deadline = setTimeout(() => abort.abort(new Error('step deadline')), options.deadlineMs);
  const ttfb: number[] = [];
  const ttft: number[] = [];
  const gaps: number[] = [];
  const stallLimit = options.paceMs + options.stallMs;
  let ok = 0;
  let failed = 0;
  let attempted = 0;
  let stalls = 0;
  let stalledStreams = 0;
  let firstError: string | undefined;
  const meter = cpuMeter(lane.cpu);
  const before = meter.snapshot();
  const started = performance.now();
  const worker = async (index: number) => {
    await new Promise((resolve) => setTimeout(resolve, (index / concurrency) * options.rampMs));
    const total = options.warmupStreams + options.streamsPerWorker;
    for (let n = 0; n < total && !abort.signal.aborted; n += 1) {
      const recorded = n >= options.warmupStreams;
      if (recorded) attempted += 1;
      try {
        const record = await streamOnce(pool, lane, abort.signal);
        if (record.tokens !== options.expectedTokens || !record.done) {
          throw new Error(
            `incomplete stream: ${record.tokens}/${options.expectedTokens} deltas, [DONE] ${record.done}`,
          );
        }
        if (!recorded) continue;
        ok += 1;
        ttfb.push(record.ttfb);
        ttft.push(record.ttft);
        let streamStalls = 0;
        for (const gap of record.gaps) {
          gaps.push(gap);
          if (gap > stallLimit) streamStalls += 1;
        }
        stalls += streamStalls;
        if (streamStalls > 0) stalledStreams += 1;
      } catch (error) {
        // A failed warm-up stream is a failure too: count it against the step.
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  const cores = scale(meter.since(before), performance.now() - started);
  clearTimeout(deadline);
  await pool.destroy();
  const streams = concurrency * options.streamsPerWorker;
  return {
    concurrency,
    streams,
    ok,
    // Recorded streams never started because the deadline passed count as failed.
    failed: failed + (streams - attempted),
    ttfb: summarize(ttfb),
    ttft: summarize(ttft),
    gap: summarize(gaps),
    stalls,
    stalledStreams,
    cores,
    ...(firstError ? { firstError } : {}),
  };
}
