// Gateway overhead benchmark: the fake OpenAI upstream, the Gaia stack (auth, chat, gateway, each its
// own process, real PostgreSQL and NATS) and Portkey 1.15.2, all on 127.0.0.1, measured in one run
// against the same fake: (a) JSON latency at concurrency 1, (b) highest sustained req/s, (c) TTFT,
// inter-chunk gaps and stalls of paced streams at rising concurrency. Results are differences and
// ratios against the direct lane measured in the same run; a full run writes them to docs/benchmarks.md.
//
// Run:   node --conditions=development --import tsx load-tests/runner.ts [--quick]
// Flags: --quick        tiny smoke version (well under a minute; prints, does not write the docs)
//        --only=a,b,c   run only these sections
//        --levels=N,M   stream concurrencies for (c) instead of the plan's (e.g. to profile one level)
//        --profile      CPU-profile gateway, chat and Portkey during each section (V8 inspector,
//                       start-up excluded); writes .cpuprofile files and prints the hot spots
//        --tsx          run the services from sources even when dist/ is fresh
//        --no-docs      do not write docs/benchmarks.md;  --write-docs  write it even with --quick
//        --json=FILE    also write the raw results as JSON (always kept in the run's temp folder)
//        --render=FILE  only re-render docs/benchmarks.md from such a JSON (no servers, no load)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createIdentitySigner, freePort } from '@gaia/platform';
import * as prettier from 'prettier';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import {
  chatBody,
  jsonRequest,
  poolFor,
  sequentialLatency,
  streamStep,
  throughputStep,
  type Lane,
  type StreamOptions,
} from './lib/load.js';
import { attachProfiler } from './lib/inspector-profiler.js';
import { distIsFresh, killAll, ROOT, startChild, tail, type Child } from './lib/processes.js';
import { COMPARED, renderResults, type Results, type StreamLevel } from './lib/report.js';
import { renderProfile, summarizeProfile } from './profile-summary.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const option = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const known = ['quick', 'profile', 'tsx', 'no-docs', 'write-docs'];
const unknown = args.filter(
  (arg) => !known.includes(arg.slice(2)) && !/^--(only|json|levels|render)=/.test(arg),
);
if (unknown.length) {
  console.error(
    `unknown arguments: ${unknown.join(' ')}\n(see the comment at the top of load-tests/runner.ts)`,
  );
  process.exit(2);
}
const quick = flag('quick');
const sections = new Set((option('only') ?? 'a,b,c').split(','));
const PACE_MS = 20;
const STALL_MS = 100;

/** How much of everything: the full run (about 5 minutes) or the smoke test. */
const plan = quick
  ? {
      latency: { warmup: 20, rounds: 2, perRound: 25 },
      throughput: { concurrency: [8], durationMs: 1000, warmupMs: 200 },
      stream: {
        levels: [1, 8],
        tokens: 16,
        options: { warmupStreams: 1, streamsPerWorker: 1, rampMs: 100, deadlineMs: 20_000 },
        /** From this many streams on, only direct, Gaia and Portkey run, with one recorded stream each. */
        heavyFrom: Infinity,
        minStreams: 2,
      },
      hardLimitMs: 120_000,
    }
  : {
      latency: { warmup: 300, rounds: 20, perRound: 100 },
      throughput: { concurrency: [1, 4, 16, 64, 256], durationMs: 4000, warmupMs: 1000 },
      stream: {
        levels: [1, 32, 128, 512, 1024],
        tokens: 64,
        options: { warmupStreams: 1, streamsPerWorker: 2, rampMs: 1000, deadlineMs: 60_000 },
        heavyFrom: 512,
        minStreams: 12,
      },
      hardLimitMs: 30 * 60_000,
    };

const startedAt = performance.now();
const hardLimit = setTimeout(() => {
  console.error(`benchmark exceeded ${plan.hardLimitMs / 1000} s; stopping everything`);
  killAll();
  process.exit(3);
}, plan.hardLimitMs);
process.once('SIGINT', () => {
  killAll();
  process.exit(130);
});
process.once('exit', killAll);

const work = mkdtempSync(join(tmpdir(), 'gaia-bench-'));
const profileDir = join(work, 'profiles');
const { fresh, stale } = distIsFresh();
const useDist = fresh && !flag('tsx');
const mode = useDist
  ? 'from compiled dist/ (npm run build)'
  : `from sources with tsx${flag('tsx') ? '' : ` (dist/ missing or older than src/ in ${stale.join(', ')})`}`;
const log = (message: string) =>
  console.log(`[${((performance.now() - startedAt) / 1000).toFixed(1)} s] ${message}`);

/** `node` arguments that run a workspace entry from dist/ or from src/ with tsx. */
function entry(workspace: string, file: string): string[] {
  return useDist
    ? [join(workspace, 'dist', `${file}.js`)]
    : ['--conditions=development', '--import', 'tsx', join(workspace, 'src', `${file}.ts`)];
}

const secret = () => randomBytes(32).toString('base64url');
const baseEnv = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? tmpdir(),
  NODE_ENV: 'production',
};
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/**
 * Portkey 1.15.2 appends its x-portkey-* headers to the upstream fetch Response, whose headers are
 * immutable; with @hono/node-server > 1.14.2 (what npm installs today) every streaming request then
 * fails with `TypeError: immutable` (Portkey-AI/gateway#1389). Preloaded into Portkey's process, this
 * re-wraps fetch responses with mutable headers, the fix of Portkey-AI/gateway PR #1551; its cost (one
 * Response object per upstream call) is charged to Portkey.
 */
const PORTKEY_FETCH_SHIM =
  'data:text/javascript,const f=globalThis.fetch,R=globalThis.Response;' +
  'globalThis.fetch=async(...a)=>{const r=await f(...a);' +
  'return new R(r.body,{status:r.status,statusText:r.statusText,headers:r.headers})};';

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

let database: TestDatabase | undefined;
const running: Child[] = [];

async function startEverything() {
  database = await createTestDatabase();
  const [fakePort, authPort, chatPort, gatewayPort, portkeyPort, bare1Port, bare2Port] = await Promise.all(
    Array.from({ length: 7 }, () => freePort()),
  );
  const url = (port: number | undefined) => `http://127.0.0.1:${port}`;
  const internalSecret = secret();
  const jwtSecret = secret();
  const gaiaEnv = {
    ...baseEnv,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    SHUTDOWN_TIMEOUT_MS: '1000',
    NATS_URL: natsUrl,
    INTERNAL_AUTH_SECRET: internalSecret,
  };
  const inspectPorts: Record<string, number> = {};
  const profile = async (name: string) => {
    if (!flag('profile')) return [];
    inspectPorts[name] = await freePort();
    return [`--inspect=127.0.0.1:${inspectPorts[name]}`];
  };
  if (flag('profile')) mkdirSync(profileDir, { recursive: true });
  const logFile = (name: string) => join(work, `${name}.log`);
  const [fake, auth, chat, gateway, portkey] = await Promise.all([
    startChild({
      name: 'fake',
      args: [...entry('packages/fake-upstream', 'cli'), '--host', '127.0.0.1', '--port', String(fakePort)],
      env: baseEnv,
      logFile: logFile('fake'),
      url: url(fakePort),
      readyUrl: `${url(fakePort)}/__control/state`,
    }),
    startChild({
      name: 'auth',
      args: entry('apps/auth', 'main'),
      env: { ...gaiaEnv, PORT: String(authPort), DATABASE_URL: database.url, SUPABASE_JWT_SECRET: jwtSecret },
      logFile: logFile('auth'),
      url: url(authPort),
      readyUrl: `${url(authPort)}/ready`,
    }),
    startChild({
      name: 'chat',
      args: entry('apps/chat', 'main'),
      env: {
        ...gaiaEnv,
        PORT: String(chatPort),
        DATABASE_URL: database.url,
        OPENAI_BASE_URL: `${url(fakePort)}/v1`,
        OPENAI_API_KEY: 'sk-bench',
      },
      logFile: logFile('chat'),
      url: url(chatPort),
      readyUrl: `${url(chatPort)}/ready`,
      nodeFlags: await profile('chat'),
    }),
    startChild({
      name: 'gateway',
      args: entry('apps/gateway', 'main'),
      env: {
        ...gaiaEnv,
        PORT: String(gatewayPort),
        SUPABASE_JWT_SECRET: jwtSecret,
        AUTH_SERVICE_URL: url(authPort),
        CHAT_SERVICE_URL: url(chatPort),
        RATE_LIMIT_PER_MINUTE: '0',
      },
      logFile: logFile('gateway'),
      url: url(gatewayPort),
      readyUrl: `${url(gatewayPort)}/ready`,
      nodeFlags: await profile('gateway'),
    }),
    startChild({
      name: 'portkey',
      args: [
        join('node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js'),
        `--port=${portkeyPort}`,
        '--headless',
      ],
      env: baseEnv,
      logFile: logFile('portkey'),
      url: url(portkeyPort),
      readyUrl: `${url(portkeyPort)}/`,
      nodeFlags: ['--import', PORTKEY_FETCH_SHIM, ...(await profile('portkey'))],
    }),
  ]);
  running.push(fake, auth, chat, gateway, portkey);
  // The floor: one and two bare node:http hops (bare2 → bare1 → fake), as cheap as a Node proxy gets.
  const bare = async (name: string, port: number | undefined, target: string) => {
    const child = await startChild({
      name,
      args: [join('load-tests', 'lib', 'bare-proxy.ts')],
      env: { ...baseEnv, PORT: String(port), TARGET: target },
      logFile: logFile(name),
      url: url(port),
      readyUrl: `${url(port)}/__control/state`,
    });
    running.push(child);
    return child;
  };
  const bare1 = await bare('bare1', bare1Port, fake.url);
  const bare2 = await bare('bare2', bare2Port, bare1.url);

  // A user and an API key, created through the gateway as a client would.
  const credentials = { email: `bench-${Date.now()}@example.com`, password: `bench-${secret()}` };
  await post(`${gateway.url}/api/v1/auth/register`, credentials);
  const login = (await post(`${gateway.url}/api/v1/auth/login`, credentials)) as {
    session: { access_token: string };
  };
  const token = login.session.access_token;
  const created = (await post(
    `${gateway.url}/api/v1/auth/keys`,
    { name: 'benchmark' },
    { authorization: `Bearer ${token}` },
  )) as { key: string };
  const userId = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string })
    .sub;
  const signer = createIdentitySigner(internalSecret);

  const path = '/v1/chat/completions';
  const lanes: Lane[] = [
    {
      key: 'direct',
      label: 'direct to fake',
      origin: fake.url,
      path,
      cpu: [{ name: 'fake', pid: fake.process.pid! }],
      headers: () => ({ authorization: 'Bearer sk-bench' }),
    },
    {
      key: 'gaia',
      label: 'Gaia (gateway → chat)',
      origin: gateway.url,
      path,
      cpu: [
        { name: 'gateway', pid: gateway.process.pid! },
        { name: 'chat', pid: chat.process.pid! },
      ],
      headers: () => ({ authorization: `Bearer ${created.key}` }),
    },
    {
      key: 'portkey',
      label: 'Portkey 1.15.2',
      origin: portkey.url,
      path,
      cpu: [{ name: 'portkey', pid: portkey.process.pid! }],
      headers: () => ({
        authorization: 'Bearer sk-bench',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${fake.url}/v1`,
      }),
    },
    {
      key: 'gaia-chat',
      label: 'diagnostic: Gaia chat service alone (gateway bypassed)',
      origin: chat.url,
      path,
      cpu: [{ name: 'chat', pid: chat.process.pid! }],
      headers: () => ({ 'x-gaia-identity': signer.sign({ auth_type: 'jwt', user_id: userId }) }),
    },
    {
      key: 'floor-1',
      label: 'diagnostic: bare node:http proxy, 1 hop (floor for one Node hop)',
      origin: bare1.url,
      path,
      cpu: [{ name: 'proxy', pid: bare1.process.pid! }],
      headers: () => ({ authorization: 'Bearer sk-bench' }),
    },
    {
      key: 'floor-2',
      label: 'diagnostic: bare node:http proxy, 2 hops (floor for gateway → chat)',
      origin: bare2.url,
      path,
      cpu: [
        { name: 'proxies', pid: bare2.process.pid! },
        { name: 'proxies', pid: bare1.process.pid! },
      ],
      headers: () => ({ authorization: 'Bearer sk-bench' }),
    },
  ];
  const systemLane: Lane = {
    key: 'gaia-system',
    label: 'diagnostic: Gaia with a system message (no persona lookup)',
    origin: gateway.url,
    path,
    cpu: lanes[1]!.cpu,
    headers: lanes[1]!.headers,
    body: (stream) => chatBody(stream, 'You are terse.'),
  };
  return { fake, lanes, systemLane, inspectPorts };
}

async function setKnobs(fakeUrl: string, knobs: Record<string, number>) {
  await post(`${fakeUrl}/__control/knobs`, knobs);
}

/** One JSON request and one stream per lane before measuring, so a broken lane fails loudly. */
async function sanityCheck(lanes: readonly Lane[], fakeUrl: string) {
  await setKnobs(fakeUrl, { ttftMs: 0, gapMs: 0, tokens: 8, latencyMs: 0 });
  for (const lane of lanes) {
    const pool = poolFor(lane, 1);
    try {
      await jsonRequest(pool, lane);
      const step = await streamStep(lane, 1, {
        expectedTokens: 8,
        paceMs: 0,
        stallMs: 1000,
        warmupStreams: 0,
        streamsPerWorker: 1,
        rampMs: 0,
        deadlineMs: 10_000,
      });
      if (step.ok !== 1) throw new Error(step.firstError ?? 'stream failed');
    } catch (error) {
      throw new Error(`sanity check failed for ${lane.label}: ${String(error)}`, { cause: error });
    } finally {
      await pool.close();
    }
  }
}

/** (b) for one lane: the closed-loop steps at rising concurrency. */
async function throughputSteps(lane: Lane) {
  const { concurrency, durationMs, warmupMs } = plan.throughput;
  const steps = [];
  for (const level of concurrency) {
    const step = await throughputStep(lane, level, { durationMs, warmupMs });
    log(
      `(b) ${lane.key} c=${level}: ${step.rps.toFixed(0)} req/s, p99 ${step.latency.p99.toFixed(2)} ms, ` +
        `${step.errors} errors`,
    );
    steps.push(step);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return { lane: { key: lane.key, label: lane.label }, steps };
}

/** (c) at one concurrency: every lane in turn against the same paced fake. */
async function streamLevel(lanes: readonly Lane[], concurrency: number): Promise<StreamLevel> {
  const heavy = concurrency >= plan.stream.heavyFrom;
  const options: StreamOptions = {
    ...plan.stream.options,
    ...(heavy ? { streamsPerWorker: 1, deadlineMs: 90_000 } : {}),
    // At low concurrency each client runs more streams, so every level has at least minStreams samples.
    ...(!heavy && concurrency * plan.stream.options.streamsPerWorker < plan.stream.minStreams
      ? { streamsPerWorker: Math.ceil(plan.stream.minStreams / concurrency) }
      : {}),
    expectedTokens: plan.stream.tokens,
    paceMs: PACE_MS,
    stallMs: STALL_MS,
  };
  const level: StreamLevel = { concurrency, byLane: {} };
  for (const lane of heavy ? lanes.filter((candidate) => COMPARED.includes(candidate.key)) : lanes) {
    const step = await streamStep(lane, concurrency, options);
    level.byLane[lane.key] = step;
    log(
      `(c) ${lane.key} ${concurrency} streams: ${step.ok}/${step.streams} ok, ` +
        `TTFT p99 ${step.ttft.p99.toFixed(2)} ms, gap p99 ${step.gap.p99.toFixed(2)} ms, ${step.stalls} stalls`,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return level;
}

async function main(): Promise<Results> {
  const loadBefore = loadavg();
  const cpuBefore = cpuTicks();
  log(`starting fake upstream, auth, chat, gateway (${mode}) and Portkey; logs in ${work}`);
  const { fake, lanes, systemLane, inspectPorts } = await startEverything();
  log('all ready; sanity check of every lane');
  await sanityCheck([...lanes, systemLane], fake.url);
  const profilers = await Promise.all(
    Object.entries(inspectPorts).map(async ([name, port]) => ({
      name,
      profiler: await attachProfiler(port),
    })),
  );
  /** Runs one section, CPU-profiling the services meanwhile when --profile is given. */
  const profiled = async (section: string, run: () => Promise<void>) => {
    await Promise.all(profilers.map(({ profiler }) => profiler.start()));
    await run();
    await Promise.all(
      profilers.map(({ name, profiler }) => profiler.stop(join(profileDir, `${name}-${section}.cpuprofile`))),
    );
  };
  const throughputLanes = lanes.filter((lane) => [...COMPARED, 'floor-1', 'floor-2'].includes(lane.key));
  const results: Results = {
    meta: {
      date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      command: ['node --conditions=development --import tsx load-tests/runner.ts', ...args].join(' '),
      quick,
      mode,
      node: process.version,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: totalmem() / 2 ** 30,
      loadBefore,
      loadAfter: [],
      portkey: `@portkey-ai/gateway ${portkeyVersion()} (--headless, NODE_ENV=production, immutable-headers fetch shim)`,
      seconds: 0,
      settings: [
        'Gaia: LOG_LEVEL=warn, RATE_LIMIT_PER_MINUTE=0, NODE_ENV=production, API key auth.',
        'Every process (load generator, fake, auth, chat, gateway, Portkey) is its own Node process, unpinned.',
      ],
    },
    lanes: lanes.map(({ key, label }) => ({ key, label })),
  };

  if (sections.has('a')) {
    await setKnobs(fake.url, { ttftMs: 0, gapMs: 0, tokens: 16, latencyMs: 0 });
    const { rounds, perRound } = plan.latency;
    log(`(a) JSON latency at concurrency 1: ${rounds * perRound} requests per lane, interleaved`);
    await profiled('a', async () => {
      results.latency = await sequentialLatency([...lanes, systemLane], plan.latency);
    });
  }

  if (sections.has('b')) {
    await setKnobs(fake.url, { ttftMs: 0, gapMs: 0, tokens: 16, latencyMs: 0 });
    const throughput: NonNullable<Results['throughput']> = [];
    await profiled('b', async () => {
      for (const lane of throughputLanes) throughput.push(await throughputSteps(lane));
    });
    results.throughput = throughput;
  }

  if (sections.has('c')) {
    await setKnobs(fake.url, { ttftMs: 0, gapMs: PACE_MS, tokens: plan.stream.tokens, latencyMs: 0 });
    const streams: StreamLevel[] = [];
    await profiled('c', async () => {
      const levels = option('levels')?.split(',').map(Number) ?? plan.stream.levels;
      for (const concurrency of levels) streams.push(await streamLevel(lanes, concurrency));
    });
    results.streams = streams;
  }
  for (const { profiler } of profilers) profiler.close();
  results.meta.loadAfter = loadavg();
  const cpuAfter = cpuTicks();
  results.meta.stealShare =
    (cpuAfter.steal - cpuBefore.steal) / Math.max(1, cpuAfter.total - cpuBefore.total);
  const generator = process.cpuUsage();
  results.meta.settings.push(
    `The load generator used ${((generator.user + generator.system) / 1000 / (performance.now() - startedAt)).toFixed(2)} cores on average.`,
  );
  return results;
}

/** Machine-wide CPU ticks from /proc/stat: all of them, and those stolen by the hypervisor. */
function cpuTicks(): { total: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user).
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { total, steal: fields[7] ?? 0 };
}

function portkeyVersion(): string {
  const manifest = join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

const START = '<!-- benchmark-results:start -->';
const END = '<!-- benchmark-results:end -->';

/** Replaces the generated block of docs/benchmarks.md (creating the file when missing). */
async function writeDocs(markdown: string) {
  const file = join(ROOT, 'docs', 'benchmarks.md');
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  const block = `${START}\n\n${markdown}\n\n${END}`;
  const current = existsSync(file)
    ? readFileSync(file, 'utf8')
    : `# Benchmarks\n\n## Results\n\n${START}\n${END}\n`;
  const from = current.indexOf(START);
  const to = current.indexOf(END);
  const next =
    from === -1 || to === -1
      ? `${current.trimEnd()}\n\n## Results\n\n${block}\n`
      : `${current.slice(0, from)}${block}${current.slice(to + END.length)}`;
  // Formatted as `npm run lint` (prettier --check .) expects: prettier pads markdown tables.
  const config = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(next, { ...config, filepath: file }));
  return file;
}

const rendering = option('render');
if (rendering) {
  const results = JSON.parse(readFileSync(rendering, 'utf8')) as Results;
  const markdown = renderResults(results, {
    paceMs: PACE_MS,
    tokens: results.meta.quick ? 16 : 64,
  });
  console.log(markdown);
  if (!flag('no-docs')) log(`wrote ${await writeDocs(markdown)}`);
  process.exit(0);
}

let exitCode = 0;
try {
  const results = await main();
  results.meta.seconds = (performance.now() - startedAt) / 1000;
  const markdown = renderResults(results, { paceMs: PACE_MS, tokens: plan.stream.tokens });
  console.log(`\n${markdown}\n`);
  const json = JSON.stringify(results, null, 2);
  writeFileSync(join(work, 'results.json'), json);
  log(`raw results in ${join(work, 'results.json')}`);
  const jsonFile = option('json');
  if (jsonFile) writeFileSync(jsonFile, json);
  if (!flag('no-docs') && (!quick || flag('write-docs'))) log(`wrote ${await writeDocs(markdown)}`);
} catch (error) {
  exitCode = 1;
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  for (const child of running)
    console.error(`--- ${child.name} log (${child.logFile}) ---\n${tail(child.logFile)}`);
} finally {
  await Promise.all(running.map((child) => child.stop()));
  await database?.drop().catch(() => undefined);
  clearTimeout(hardLimit);
}
if (flag('profile') && existsSync(profileDir)) {
  const summaries = readdirSync(profileDir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .map((file) => renderProfile(summarizeProfile(join(profileDir, file)), 15));
  writeFileSync(join(profileDir, 'summary.md'), `${summaries.join('\n\n')}\n`);
  console.log(`\n${summaries.join('\n\n')}`);
  console.log(`\nprofiles and summary.md in ${profileDir} (open a profile in Chrome DevTools or speedscope)`);
}
log(`done; service logs in ${work}`);
process.exit(exitCode);
