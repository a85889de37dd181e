import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gaia/platform';

export interface NatsServer {
  readonly url: string;
  /** SIGKILL, like a crashed pod. */
  kill9(): Promise<void>;
  /** Starts it again on the same port and storage. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const binary = process.env.NATS_SERVER_BIN ?? 'nats-server';

async function waitForPort(port: number, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nats-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A throwaway NATS server with JetStream, on its own port and storage, for tests that kill it.
 * @example const nats = await startNatsServer(); await nats.kill9(); await nats.restart();
 */
export async function startNatsServer(): Promise<NatsServer> {
  const port = await freePort();
  const storage = mkdtempSync(join(tmpdir(), 'gaia-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storage], {
      stdio: 'ignore',
    });
    await waitForPort(port);
  };
  const kill = async (signal: NodeJS.Signals) => {
    const current = child;
    if (!current || current.exitCode !== null) return;
    const exited = new Promise((resolve) => current.once('exit', resolve));
    current.kill(signal);
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    kill9: () => kill('SIGKILL'),
    restart: start,
    stop: async () => {
      await kill('SIGTERM');
      rmSync(storage, { recursive: true, force: true });
    },
  };
}
