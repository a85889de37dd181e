import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository root (load-tests/lib/../..). */
export const ROOT = join(import.meta.dirname, '..', '..');

/** One server process under test. */
export interface Child {
  name: string;
  url: string;
  process: ChildProcess;
  logFile: string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it exited. */
  stop(graceMs?: number): Promise<void>;
}

const children = new Set<Child>();

/** Kills whatever is still running (used on errors and on exit). */
export function killAll(): void {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    // Generated during the build itself; newer than dist by construction for a moment.
    if (path.includes(`${join('db', 'generated')}`)) continue;
    newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const WORKSPACES = [
  'apps/auth',
  'apps/chat',
  'apps/gateway',
  'packages/platform',
  'packages/contracts',
  'packages/fake-upstream',
];

/**
 * Whether every workspace the benchmark runs has a dist/ at least as new as its src/ (so
 * `npm run build` was done after the last edit); otherwise the services run from sources with tsx.
 */
export function distIsFresh(): { fresh: boolean; stale: string[] } {
  const stale = WORKSPACES.filter((workspace) => {
    const dist = newestMtime(join(ROOT, workspace, 'dist'));
    return dist === 0 || newestMtime(join(ROOT, workspace, 'src')) > dist;
  });
  return { fresh: stale.length === 0, stale };
}

export interface SpawnOptions {
  name: string;
  /** Arguments after `node` (script and its flags). */
  args: string[];
  env: Record<string, string>;
  /** Where its stdout and stderr go. */
  logFile: string;
  url: string;
  /** Polled until it answers 200. */
  readyUrl: string;
  readyTimeoutMs?: number;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

/**
 * Starts a server as its own Node process (stdout/stderr to `logFile`) and waits until `readyUrl` answers 200.
 * @example const gateway = await startChild({ name: 'gateway', args: ['apps/gateway/dist/main.js'], env, logFile, url, readyUrl: `${url}/ready` });
 */
export async function startChild(options: SpawnOptions): Promise<Child> {
  const log = createWriteStream(options.logFile);
  const processHandle = spawn(process.execPath, [...(options.nodeFlags ?? []), ...options.args], {
    cwd: ROOT,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  processHandle.stdout.pipe(log);
  processHandle.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => processHandle.once('exit', () => resolve()));
  const child: Child = {
    name: options.name,
    url: options.url,
    process: processHandle,
    logFile: options.logFile,
    stop: async (graceMs = 8000) => {
      if (processHandle.exitCode === null && processHandle.signalCode === null) {
        processHandle.kill('SIGTERM');
        const timer = setTimeout(() => processHandle.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      children.delete(child);
    },
  };
  children.add(child);
  const deadline = performance.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (processHandle.exitCode !== null) {
      throw new Error(`${options.name} exited with ${processHandle.exitCode}:\n${tail(options.logFile)}`);
    }
    const ok = await fetch(options.readyUrl, { signal: AbortSignal.timeout(2000) }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status === 200;
      },
      () => false,
    );
    if (ok) return child;
    if (performance.now() > deadline) {
      processHandle.kill('SIGKILL');
      throw new Error(`${options.name} not ready within the timeout:\n${tail(options.logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
