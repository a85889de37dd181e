#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEFAULT_ANTHROPIC_MODELS } from './anthropic.js';
import { DEFAULT_KNOBS, FAULTS, parseKnobStrings } from './knobs.js';
import { DEFAULT_OPENAI_MODELS } from './openai.js';
import { startFakeUpstream, type StartFakeUpstreamOptions } from './server.js';

const USAGE = `Usage: npm run fake-upstream -- [options]
  --port N                    port to listen on (default 0: a free port)
  --host HOST                 interface to bind (default 127.0.0.1)
  --jwt-secret SECRET         GoTrue HS256 secret (default: the local Supabase secret)
  --openai-models A,B         OpenAI models served (default: ${DEFAULT_OPENAI_MODELS.join(',')})
  --anthropic-models A,B      Anthropic models served (default: ${DEFAULT_ANTHROPIC_MODELS.join(',')})
  --latency-ms N              delay every upstream response by N ms
  --fault F                   fail every upstream request: ${FAULTS.join('|')}
  --retry-after-seconds N     Retry-After sent with the 429 fault (default 1)
  --ttft-ms N                 ms from response headers to the first token (default 0)
  --tokens N                  output tokens per reply (default ${DEFAULT_KNOBS.tokens})
  --gap-ms N                  ms between tokens (default 0)
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
      'openai-models': { type: 'string' },
      'anthropic-models': { type: 'string' },
      'latency-ms': { type: 'string' },
      fault: { type: 'string' },
      'retry-after-seconds': { type: 'string' },
      'ttft-ms': { type: 'string' },
      tokens: { type: 'string' },
      'gap-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  return {
    ...parseKnobStrings({
      latencyMs: values['latency-ms'],
      fault: values.fault,
      retryAfterSeconds: values['retry-after-seconds'],
      ttftMs: values['ttft-ms'],
      tokens: values.tokens,
      gapMs: values['gap-ms'],
    }),
    ...(values.port === undefined ? {} : { port: parsePort(values.port) }),
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['jwt-secret'] === undefined ? {} : { gotrue: { jwtSecret: values['jwt-secret'] } }),
    ...(values['openai-models'] === undefined
      ? {}
      : { openai: { models: parseModels('--openai-models', values['openai-models']) } }),
    ...(values['anthropic-models'] === undefined
      ? {}
      : { anthropic: { models: parseModels('--anthropic-models', values['anthropic-models']) } }),
  };
}

function parseModels(flag: string, text: string): string[] {
  const models = text
    .split(',')
    .map((model) => model.trim())
    .filter((model) => model !== '');
  if (models.length === 0) throw new Error(`${flag} needs at least one model id (got "${text}")`);
  return models;
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
    `fake-upstream listening on ${fake.url} (GoTrue: ${fake.url}/auth/v1, OpenAI: ${fake.url}/v1, ` +
      `Anthropic: ${fake.url}/v1/messages, control: ${fake.url}/__control/state)`,
  );
  const stop = (signal: NodeJS.Signals) => {
    console.log(`fake-upstream: ${signal}, stopping`);
    void fake.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
