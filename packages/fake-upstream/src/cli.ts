#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parseKnobStrings } from './knobs.js';
import { startFakeUpstream, type StartFakeUpstreamOptions } from './server.js';

const USAGE = `Usage: npm run fake-upstream -- [options]
  --port N                    port to listen on (default 0: a free port)
  --host HOST                 interface to bind (default 127.0.0.1)
  --jwt-secret SECRET         GoTrue HS256 secret (default: the local Supabase secret)
  --latency-ms N              delay every upstream response by N ms
  --fault none|500|429|reset  fail every upstream request
  --retry-after-seconds N     Retry-After sent with the 429 fault (default 1)
  --help                      show this help`;

/** Every error thrown here is a usage error; its message says which argument is wrong. */
function parseCommandLine(args: string[]): StartFakeUpstreamOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'jwt-secret': { type: 'string' },
      'latency-ms': { type: 'string' },
      fault: { type: 'string' },
      'retry-after-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  return {
    ...parseKnobStrings({
      latencyMs: values['latency-ms'],
      fault: values.fault,
      retryAfterSeconds: values['retry-after-seconds'],
    }),
    ...(values.port === undefined ? {} : { port: parsePort(values.port) }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['jwt-secret'] === undefined ? {} : { gotrue: { jwtSecret: values['jwt-secret'] } }),
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535)
    throw new Error(`--port must be an integer 0-65535 (got "${text}")`);
  return port;
}

async function main(): Promise<void> {
  let options: StartFakeUpstreamOptions | 'help';
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    console.error(`fake-upstream: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    console.log(USAGE);
    return;
  }
  let fake;
  try {
    fake = await startFakeUpstream(options);
  } catch (error) {
    console.error(`fake-upstream: cannot start: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  console.log(
    `fake-upstream listening on ${fake.url} (GoTrue: ${fake.url}/auth/v1, control: ${fake.url}/__control/state)`,
  );
  const stop = (signal: NodeJS.Signals) => {
    console.log(`fake-upstream: ${signal}, stopping`);
    void fake.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
