// Measures what a fresh process costs: time from spawn to /ready = 200, and resident memory after it
// has idled, for each service as its container runs it (compiled dist/, real PostgreSQL and NATS),
// and for `npm start` (one process, embedded PostgreSQL) on a new and on an existing data folder.
// Run: npm run build && node --conditions=development --import tsx load-tests/startup-and-memory.ts
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gaia/platform';
import { createTestDatabase } from '@gaia/testkit';

const IDLE_MS = 5000;
const secret = () => randomBytes(32).toString('base64url');
const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

async function untilReady(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    const ok = await fetch(url).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function measure(name: string, args: string[], env: Record<string, string>, readyUrl: string) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: 'ignore',
  });
  await untilReady(readyUrl, child);
  const readyMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const rss = rssMiB(child.pid!);
  return { name, readyMs, rss, child };
}

const database = await createTestDatabase();
const common = {
  DATABASE_URL: database.url,
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  INTERNAL_AUTH_SECRET: secret(),
  SUPABASE_JWT_SECRET: secret(),
};
const rows = [];
const [authPort, chatPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
const auth = await measure(
  'auth (dist)',
  ['apps/auth/dist/main.js'],
  { ...common, PORT: String(authPort) },
  `http://127.0.0.1:${authPort}/ready`,
);
const chat = await measure(
  'chat (dist)',
  ['apps/chat/dist/main.js'],
  { ...common, PORT: String(chatPort) },
  `http://127.0.0.1:${chatPort}/ready`,
);
const gateway = await measure(
  'gateway (dist)',
  ['apps/gateway/dist/main.js'],
  {
    ...common,
    PORT: String(gatewayPort),
    AUTH_SERVICE_URL: `http://127.0.0.1:${authPort}`,
    CHAT_SERVICE_URL: `http://127.0.0.1:${chatPort}`,
  },
  `http://127.0.0.1:${gatewayPort}/ready`,
);
rows.push(auth, chat, gateway);
for (const { child } of rows) child.kill('SIGTERM');

const dataDir = mkdtempSync(join(tmpdir(), 'gaia-measure-'));
for (const run of ['new data folder', 'existing data folder']) {
  const port = await freePort();
  const launched = await measure(
    `npm start, ${run}`,
    ['--conditions=development', '--import', 'tsx', 'launcher/src/main.ts'],
    { DATA_DIR: dataDir, GATEWAY_PORT: String(port), AUTH_PORT: String(await freePort()) },
    `http://127.0.0.1:${port}/ready`,
  );
  rows.push(launched);
  launched.child.kill('SIGINT');
  await new Promise((r) => launched.child.once('exit', r));
}
rmSync(dataDir, { recursive: true, force: true });
await database.drop();

console.log(`| process | start to ready (ms) | RSS after ${IDLE_MS / 1000} s idle (MiB) |\n|---|---|---|`);
for (const row of rows) console.log(`| ${row.name} | ${Math.round(row.readyMs)} | ${row.rss.toFixed(1)} |`);
process.exit(0);
