// Summarizes V8 .cpuprofile files (from `node --cpu-prof`): self time per function and per package,
// and inclusive time of the busiest frames, so a hot path can be read without DevTools.
// Run: node --import tsx load-tests/profile-summary.ts <file.cpuprofile> [more files] [--top=30]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a frame's code lives: a package, Gaia's own sources, Node internals, or V8 states. */
export function packageOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)' || functionName === '(program)') return functionName;
    return '(native)';
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const gaia = /\/(apps|packages)\/([^/]+)\//.exec(url);
  if (gaia) return `gaia:${gaia[1]}/${gaia[2]}`;
  return url.replace(/^file:\/\//, '');
}

function frameName(frame: CallFrame): string {
  const file = frame.url ? basename(frame.url.replace(/^file:\/\//, '')) : '';
  const name = frame.functionName || '(anonymous)';
  return file ? `${name} ${file}:${frame.lineNumber + 1}` : name;
}

type Rule = [name: string, test: (pkg: string, frame: CallFrame) => boolean];

/**
 * Libraries a sample is charged to when any frame of its stack is theirs (the frame nearest the leaf
 * wins), so a socket write made by the OpenAI SDK's fetch counts as fetch, a Prisma query's wasm as
 * database.
 */
const BY_STACK: Rule[] = [
  ['garbage collection', (pkg) => pkg === '(gc)'],
  ['JWT (jsonwebtoken)', (pkg) => ['jsonwebtoken', 'jws', 'jwa'].includes(pkg)],
  ['database (Prisma, pg)', (pkg) => pkg.startsWith('@prisma/') || /^pg(-|$)/.test(pkg)],
  ['fetch (undici)', (_pkg, frame) => frame.url.includes('undici')],
  ['OpenAI SDK', (pkg) => pkg === 'openai'],
  ['Portkey handlers', (pkg) => pkg === '@portkey-ai/gateway'],
  ['NATS bus', (pkg) => pkg === 'nats' || pkg.startsWith('@nats-io/')],
  ['metrics (prom-client)', (pkg) => pkg === 'prom-client'],
  ['validation (zod)', (pkg) => pkg === 'zod'],
  ['logging (pino)', (pkg) => pkg.startsWith('pino')],
  ['body parsing', (pkg) => ['body-parser', 'raw-body', 'iconv-lite'].includes(pkg)],
  ['proxy (http-proxy-middleware)', (pkg) => pkg === 'http-proxy-middleware' || pkg === 'httpxy'],
];

/**
 * Middleware frameworks sit on every stack below them, so they (and everything else) are charged by
 * the leaf frame only, when no BY_STACK library is on the stack.
 */
const BY_LEAF: Rule[] = [
  ['CORS', (pkg) => pkg === 'cors'],
  ['Express routing', (pkg) => ['express', 'router', 'path-to-regexp'].includes(pkg)],
  ['Hono', (pkg) => pkg === 'hono' || pkg === '@hono/node-server'],
  ['Gaia code (own frames)', (pkg) => pkg.startsWith('gaia:')],
  ['Node HTTP, sockets, timers', (pkg) => pkg.startsWith('node:') || pkg === '(native)'],
];

function subsystemOf(stack: readonly { pkg: string; frame: CallFrame }[]): string {
  for (const { pkg, frame } of stack) {
    const rule = BY_STACK.find(([, test]) => test(pkg, frame));
    if (rule) return rule[0];
  }
  const leaf = stack[0];
  return (leaf && BY_LEAF.find(([, test]) => test(leaf.pkg, leaf.frame))?.[0]) ?? 'other';
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  /** Time not idle. */
  busyMs: number;
  /** Busy time charged to subsystems (see BY_STACK and BY_LEAF). */
  bySubsystem: { name: string; ms: number }[];
  selfByFunction: { name: string; pkg: string; ms: number }[];
  selfByPackage: { pkg: string; ms: number }[];
  inclusive: { name: string; pkg: string; ms: number }[];
}

/**
 * Reads one profile and aggregates self and inclusive time (ms, from the sample deltas).
 * @example const summary = summarizeProfile('gateway.cpuprofile');
 */
export function summarizeProfile(file: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // Each sample's time is the delta to the next sample.
  for (let i = 0; i < samples.length; i += 1) {
    const next = deltas[i + 1] ?? 0;
    selfMs.set(samples[i]!, (selfMs.get(samples[i]!) ?? 0) + next / 1000);
  }
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const functions = new Map<string, { name: string; pkg: string; ms: number }>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, { name: string; pkg: string; ms: number }>();
  const subsystems = new Map<string, number>();
  let idle = 0;
  for (const [id, time] of selfMs) {
    const node = byId.get(id)!;
    const frame = node.callFrame;
    const pkg = packageOf(frame.url, frame.functionName);
    if (pkg === '(idle)') {
      idle += time;
      continue;
    }
    const name = frameName(frame);
    const entry = functions.get(`${pkg} ${name}`) ?? { name, pkg, ms: 0 };
    entry.ms += time;
    functions.set(`${pkg} ${name}`, entry);
    packages.set(pkg, (packages.get(pkg) ?? 0) + time);
    // Inclusive: charge every distinct frame on the stack once.
    const seen = new Set<string>();
    const stack: { pkg: string; frame: CallFrame }[] = [];
    for (let cursor: number | undefined = id; cursor !== undefined; cursor = parent.get(cursor)) {
      const ancestor = byId.get(cursor)!.callFrame;
      stack.push({ pkg: packageOf(ancestor.url, ancestor.functionName), frame: ancestor });
      const key = `${ancestor.url}:${ancestor.lineNumber}:${ancestor.columnNumber}:${ancestor.functionName}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const inclusiveEntry = inclusive.get(key) ?? {
        name: frameName(ancestor),
        pkg: packageOf(ancestor.url, ancestor.functionName),
        ms: 0,
      };
      inclusiveEntry.ms += time;
      inclusive.set(key, inclusiveEntry);
    }
    const subsystem = subsystemOf(stack);
    subsystems.set(subsystem, (subsystems.get(subsystem) ?? 0) + time);
  }
  const sorted = <T extends { ms: number }>(values: Iterable<T>) => [...values].sort((a, b) => b.ms - a.ms);
  return {
    file,
    totalMs,
    busyMs: totalMs - idle,
    bySubsystem: sorted([...subsystems].map(([name, time]) => ({ name, ms: time }))),
    selfByFunction: sorted(functions.values()),
    selfByPackage: sorted([...packages].map(([pkg, time]) => ({ pkg, ms: time }))),
    inclusive: sorted(inclusive.values()).filter(
      (entry) => !['(root)', '(program)'].includes(entry.name) && entry.pkg !== '(native)',
    ),
  };
}

/** Markdown for a summary: top self-time functions, packages, and inclusive frames from Gaia's code. */
export function renderProfile(summary: ProfileSummary, top = 25): string {
  const pct = (value: number) => `${((value / summary.busyMs) * 100).toFixed(1)} %`;
  const lines = [
    `#### ${basename(summary.file)}: ${(summary.busyMs / 1000).toFixed(1)} s busy of ${(summary.totalMs / 1000).toFixed(1)} s`,
    '',
    '| subsystem (by stack) | share of busy |',
    '| --- | --- |',
    ...summary.bySubsystem.map((entry) => `| ${entry.name} | ${pct(entry.ms)} |`),
    '',
    '| self time | share of busy | function | package |',
    '| --- | --- | --- | --- |',
    ...summary.selfByFunction
      .slice(0, top)
      .map((entry) => `| ${entry.ms.toFixed(0)} ms | ${pct(entry.ms)} | \`${entry.name}\` | ${entry.pkg} |`),
    '',
    '| self time by package | share of busy |',
    '| --- | --- |',
    ...summary.selfByPackage.slice(0, 15).map((entry) => `| ${entry.pkg} | ${pct(entry.ms)} |`),
    '',
    '| inclusive (Gaia code) | share of busy |',
    '| --- | --- |',
    ...summary.inclusive
      .filter((entry) => entry.pkg.startsWith('gaia:'))
      .slice(0, top)
      .map((entry) => `| \`${entry.name}\` (${entry.pkg}) | ${pct(entry.ms)} |`),
  ];
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const top = Number(args.find((arg) => arg.startsWith('--top='))?.slice(6) ?? 25);
  const files = args.filter((arg) => !arg.startsWith('--'));
  if (files.length === 0) {
    console.error('usage: node --import tsx load-tests/profile-summary.ts <file.cpuprofile>... [--top=N]');
    process.exit(2);
  }
  for (const file of files) console.log(`${renderProfile(summarizeProfile(file), top)}\n`);
}
