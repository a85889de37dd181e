import type { LatencyResult, StreamStep, ThroughputStep } from './load.js';
import { ms, ratio, signedMs } from './stats.js';

export interface LaneInfo {
  key: string;
  label: string;
}

export interface RunMeta {
  date: string;
  command: string;
  quick: boolean;
  mode: string;
  node: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  loadBefore: number[];
  loadAfter: number[];
  /** Share of CPU time the hypervisor gave to others during the run (/proc/stat steal). */
  stealShare?: number;
  portkey: string;
  seconds: number;
  settings: string[];
}

export interface StreamLevel {
  concurrency: number;
  byLane: Record<string, StreamStep>;
}

export interface Results {
  meta: RunMeta;
  lanes: LaneInfo[];
  latency?: LatencyResult[];
  throughput?: { lane: LaneInfo; steps: ThroughputStep[] }[];
  streams?: StreamLevel[];
}

/** Lanes shown side by side; the rest are diagnostics (attribution inside Gaia). */
export const COMPARED = ['direct', 'gaia', 'portkey'];

const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const header = (cells: string[]) => `${row(cells)}\n${row(cells.map(() => '---'))}`;
const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(' / ');
/** `gateway 0.31 + chat 3.40` */
const perProcess = (values: Record<string, number>, digits = 2) =>
  Object.entries(values)
    .map(([name, value]) => `${name} ${Number.isFinite(value) ? value.toFixed(digits) : 'n/a'}`)
    .join(' + ') || '-';

/** The best throughput step: most req/s with < 0.1 % errors and p99 under 1 s. */
export function bestStep(steps: readonly ThroughputStep[]): ThroughputStep | undefined {
  const eligible = steps.filter(
    (step) => step.completed > 0 && step.errors <= step.completed * 0.001 && step.latency.p99 < 1000,
  );
  return eligible.reduce<ThroughputStep | undefined>(
    (best, step) => (best === undefined || step.rps > best.rps ? step : best),
    undefined,
  );
}

function latencySection(results: Results): string[] {
  const latency = results.latency;
  if (!latency) return [];
  const direct = latency.find((result) => result.lane.key === 'direct');
  const lines = [
    '### (a) Zero-delay JSON, concurrency 1',
    '',
    'Whole request (send to last body byte), non-streaming, fake upstream answers at once (16-token reply).',
    '',
    header([
      'path',
      'requests',
      'p50 ms',
      'p99 ms',
      'added p50 ms',
      'added p99 ms',
      'p99 vs direct',
      'errors',
      'CPU ms per request',
    ]),
  ];
  for (const result of latency) {
    const diagnostic = !COMPARED.includes(result.lane.key);
    const { p50, p99 } = result.summary;
    lines.push(
      row([
        diagnostic ? `_${result.lane.label}_` : result.lane.label,
        result.summary.count,
        ms(p50),
        ms(p99),
        result === direct ? '(baseline)' : signedMs(p50 - (direct?.summary.p50 ?? Number.NaN)),
        result === direct ? '(baseline)' : signedMs(p99 - (direct?.summary.p99 ?? Number.NaN)),
        ratio(p99, direct?.summary.p99 ?? Number.NaN),
        result.errors,
        perProcess(result.cpuPerRequest),
      ]),
    );
  }
  const errors = latency.filter((result) => result.firstError);
  for (const result of errors) lines.push('', `${result.lane.label} first error: \`${result.firstError}\``);
  return lines;
}

function throughputSection(results: Results): string[] {
  const throughput = results.throughput;
  if (!throughput) return [];
  const directBest = bestStep(throughput.find((entry) => entry.lane.key === 'direct')?.steps ?? []);
  const lines = [
    '### (b) Highest sustained req/s (zero-delay JSON, closed loop)',
    '',
    'Best step = most req/s with < 0.1 % errors and p99 < 1 s. The load generator, the fake and every',
    'server share the same 2 cores, so the direct lane is bounded by the generator and the fake.',
    '',
    header([
      'path',
      'best req/s',
      'at concurrency',
      'p50 ms',
      'p99 ms',
      'req/s vs direct',
      'errors',
      'CPU ms per request',
      'cores used',
    ]),
  ];
  for (const { lane, steps } of throughput) {
    const best = bestStep(steps);
    lines.push(
      row([
        COMPARED.includes(lane.key) ? lane.label : `_${lane.label}_`,
        best ? best.rps.toFixed(0) : 'none',
        best?.concurrency ?? '-',
        best ? ms(best.latency.p50) : '-',
        best ? ms(best.latency.p99) : '-',
        best && directBest ? ratio(best.rps, directBest.rps) : 'n/a',
        best?.errors ?? '-',
        best ? perProcess(best.cpuPerRequest) : '-',
        best ? perProcess(best.cores) : '-',
      ]),
    );
  }
  const concurrencies = throughput[0]?.steps.map((step) => step.concurrency) ?? [];
  lines.push('', 'Every step (req/s, p99 ms):', '');
  lines.push(header(['concurrency', ...throughput.map(({ lane }) => lane.label)]));
  for (const concurrency of concurrencies) {
    lines.push(
      row([
        concurrency,
        ...throughput.map(({ steps }) => {
          const step = steps.find((candidate) => candidate.concurrency === concurrency);
          if (!step) return '-';
          const errors = step.errors ? `, ${step.errors} errors` : '';
          return `${step.rps.toFixed(0)} (${ms(step.latency.p99)}${errors})`;
        }),
      ]),
    );
  }
  for (const { lane, steps } of throughput) {
    const failed = steps.find((step) => step.firstError);
    if (failed) lines.push('', `${lane.label} first error: \`${failed.firstError}\``);
  }
  return lines;
}

function streamSection(results: Results, paceMs: number, tokens: number): string[] {
  const streams = results.streams;
  if (!streams) return [];
  const lines = [
    `### (c) Streaming: role chunk + ${tokens} deltas ${paceMs} ms apart`,
    '',
    'TTFT = request sent to first content event at the client; gap = time between consecutive content',
    `events; stall = a gap over ${paceMs} + 100 ms. "added" = path minus direct at the same concurrency.`,
    '',
    header([
      'streams',
      'path',
      'ok / planned',
      'TTFT p50',
      'TTFT p99',
      'added TTFT p50',
      'added TTFT p99',
      'gap p99',
      'added gap p99',
      'max gap',
      'stalls (streams)',
      'cores used',
    ]),
  ];
  for (const level of streams) {
    const direct = level.byLane.direct;
    for (const lane of results.lanes) {
      const step = level.byLane[lane.key];
      if (!step) continue;
      const diagnostic = !COMPARED.includes(lane.key);
      const isDirect = lane.key === 'direct';
      lines.push(
        row([
          level.concurrency,
          diagnostic ? `_${lane.label}_` : lane.label,
          `${step.ok} / ${step.streams}${step.failed ? ` (${step.failed} failed)` : ''}`,
          ms(step.ttft.p50),
          ms(step.ttft.p99),
          isDirect ? '(baseline)' : signedMs(step.ttft.p50 - (direct?.ttft.p50 ?? Number.NaN)),
          isDirect ? '(baseline)' : signedMs(step.ttft.p99 - (direct?.ttft.p99 ?? Number.NaN)),
          ms(step.gap.p99),
          isDirect ? '(baseline)' : signedMs(step.gap.p99 - (direct?.gap.p99 ?? Number.NaN)),
          ms(step.gap.max),
          `${step.stalls} (${step.stalledStreams})`,
          perProcess(step.cores),
        ]),
      );
    }
  }
  const noisy = streams.filter(
    ({ byLane: { direct } }) => direct && (direct.stalls > 0 || direct.failed > 0),
  );
  if (noisy.length) {
    const where = noisy
      .map((level) => `${level.concurrency} (${level.byLane.direct!.stalls} stalls)`)
      .join(', ');
    lines.push(
      '',
      `**The direct baseline itself stalled at ${where} streams:** the fake and the load generator missed ` +
        'the 20 ms pacing there (the VM paused or the 2 cores were saturated), so the "added" values at ' +
        'those levels are noisy and partly the machine, not the gateways.',
    );
  }
  for (const level of streams) {
    for (const [key, step] of Object.entries(level.byLane)) {
      if (step.firstError)
        lines.push('', `${level.concurrency} streams, ${key} first error: \`${step.firstError}\``);
    }
  }
  return lines;
}

interface Verdict {
  target: string;
  gaia: string;
  portkey: string;
  met: boolean | undefined;
}

function added(
  step: StreamStep | undefined,
  direct: StreamStep | undefined,
  pick: (s: StreamStep) => number,
) {
  return step && direct ? pick(step) - pick(direct) : Number.NaN;
}

/** The targets from the brief, evaluated on this run's numbers. */
export function verdicts(results: Results): { verdicts: Verdict[]; behind: string[] } {
  const out: Verdict[] = [];
  const behind: string[] = [];
  const level = (concurrency: number) => results.streams?.find((entry) => entry.concurrency === concurrency);

  const at128 = level(128);
  const ttft128 = (key: string) => added(at128?.byLane[key], at128?.byLane.direct, (s) => s.ttft.p99);
  out.push({
    target: 'Added TTFT p99 ≤ 1 ms at 128 streams',
    gaia: at128 ? `${signedMs(ttft128('gaia'))} ms` : 'not measured',
    portkey: at128 ? `${signedMs(ttft128('portkey'))} ms` : 'not measured',
    met: at128 ? ttft128('gaia') <= 1 : undefined,
  });

  const at512 = level(512);
  const describeStalls = (step: StreamStep | undefined) =>
    step ? `${step.stalls} stalls, ${step.failed} failed of ${step.streams}` : 'not measured';
  const gaia512 = at512?.byLane.gaia;
  out.push({
    target: 'No stalls at 512 streams',
    gaia: describeStalls(gaia512),
    portkey: describeStalls(at512?.byLane.portkey),
    met: gaia512 ? gaia512.stalls === 0 && gaia512.failed === 0 : undefined,
  });

  const direct = results.latency?.find((result) => result.lane.key === 'direct');
  const addedP99 = (key: string) => {
    const result = results.latency?.find((entry) => entry.lane.key === key);
    return result && direct ? result.summary.p99 - direct.summary.p99 : Number.NaN;
  };
  out.push({
    target: 'Added p99 ≤ 0.5 ms at concurrency 1 (JSON)',
    gaia: direct ? `${signedMs(addedP99('gaia'))} ms` : 'not measured',
    portkey: direct ? `${signedMs(addedP99('portkey'))} ms` : 'not measured',
    met: direct ? addedP99('gaia') <= 0.5 : undefined,
  });

  // Ahead of Portkey: lower added latency / gaps / stalls, higher req/s, on every line measured.
  let lines = 0;
  const compare = (line: string, gaia: number, portkey: number, higherIsBetter = false) => {
    if (!Number.isFinite(gaia) || !Number.isFinite(portkey)) return;
    lines += 1;
    const ahead = higherIsBetter ? gaia >= portkey : gaia <= portkey;
    if (!ahead) behind.push(line);
  };
  if (results.latency) {
    const addedP50 = (key: string) => {
      const result = results.latency?.find((entry) => entry.lane.key === key);
      return result && direct ? result.summary.p50 - direct.summary.p50 : Number.NaN;
    };
    compare('(a) added p50', addedP50('gaia'), addedP50('portkey'));
    compare('(a) added p99', addedP99('gaia'), addedP99('portkey'));
  }
  const bestOf = (key: string) =>
    bestStep(results.throughput?.find((entry) => entry.lane.key === key)?.steps ?? [])?.rps ?? Number.NaN;
  if (results.throughput) compare('(b) best req/s', bestOf('gaia'), bestOf('portkey'), true);
  for (const entry of results.streams ?? []) {
    const { gaia, portkey, direct: base } = entry.byLane;
    const c = entry.concurrency;
    compare(
      `(c) ${c} streams added TTFT p50`,
      added(gaia, base, (s) => s.ttft.p50),
      added(portkey, base, (s) => s.ttft.p50),
    );
    compare(
      `(c) ${c} streams added TTFT p99`,
      added(gaia, base, (s) => s.ttft.p99),
      added(portkey, base, (s) => s.ttft.p99),
    );
    compare(
      `(c) ${c} streams added gap p99`,
      added(gaia, base, (s) => s.gap.p99),
      added(portkey, base, (s) => s.gap.p99),
    );
    compare(`(c) ${c} streams stalls`, gaia?.stalls ?? Number.NaN, portkey?.stalls ?? Number.NaN);
    compare(`(c) ${c} streams failed`, gaia?.failed ?? Number.NaN, portkey?.failed ?? Number.NaN);
  }
  const anyMeasured = Boolean(results.latency ?? results.throughput ?? results.streams);
  out.push({
    target: 'Ahead of Portkey on every line',
    gaia: behind.length
      ? `behind on ${behind.length} of ${lines} lines (listed below)`
      : `ahead or equal on all ${lines} lines`,
    portkey: '',
    met: anyMeasured ? behind.length === 0 : undefined,
  });
  return { verdicts: out, behind };
}

/** The whole results block: run facts, the three tables and the target check. */
export function renderResults(results: Results, stream: { paceMs: number; tokens: number }): string {
  const { meta } = results;
  const lines = [
    `Run ${meta.date}${meta.quick ? ' (QUICK smoke run: tiny sample, not a result)' : ''}, ${meta.seconds.toFixed(0)} s.`,
    '',
    '```sh',
    meta.command,
    '```',
    '',
    `Machine: ${meta.cpus} × ${meta.cpuModel}, ${meta.memoryGiB.toFixed(1)} GiB, shared with other work;`,
    `load average before ${load(meta.loadBefore)}, after ${load(meta.loadAfter)}` +
      (meta.stealShare === undefined ? '' : `, CPU steal ${(meta.stealShare * 100).toFixed(1)} %`) +
      `. Node ${meta.node};`,
    `Gaia services ${meta.mode}; Portkey ${meta.portkey}. ${meta.settings.join(' ')}`,
    '',
    ...latencySection(results),
    '',
    ...throughputSection(results),
    '',
    ...streamSection(results, stream.paceMs, stream.tokens),
    '',
    '### Targets (this run)',
    '',
    header(['target', 'Gaia', 'Portkey', 'met']),
  ];
  const { verdicts: list, behind } = verdicts(results);
  for (const verdict of list) {
    const met = verdict.met === undefined ? 'not measured' : verdict.met ? '**yes**' : '**no**';
    lines.push(row([verdict.target, verdict.gaia, verdict.portkey, met]));
  }
  if (behind.length) lines.push('', `Lines where Gaia is behind Portkey: ${behind.join('; ')}.`);
  return lines.join('\n');
}
