import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import OpenAI from 'openai';

const cliPath = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function runCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--conditions=development', '--import', 'tsx', cliPath, ...args]);
}

async function output(child: ChildProcessWithoutNullStreams, stream: 'stdout' | 'stderr', until: RegExp) {
  let text = '';
  child[stream].setEncoding('utf8');
  for await (const chunk of child[stream]) {
    text += chunk as string;
    if (until.test(text)) break;
  }
  return text;
}

describe('fake-upstream CLI', () => {
  it('serves OpenAI with the models and stream knobs given as flags', async () => {
    const child = runCli([
      '--tokens',
      '3',
      '--ttft-ms',
      '10',
      '--gap-ms',
      '5',
      '--openai-models',
      'fake-model',
    ]);
    try {
      const banner = await output(child, 'stdout', /listening on \S+/);
      const url = /listening on (\S+)/.exec(banner)![1]!;
      const client = new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 0 });

      const stream = await client.chat.completions.create({
        model: 'fake-model',
        messages: [{ role: 'user', content: 'a b c d' }],
        stream: true,
      });
      const contents: string[] = [];
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
      expect(contents.join('')).to.equal('a b c');
      expect(banner).to.contain(`OpenAI: ${url}/v1`);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });

  it('exits with status 2 and the usage on an invalid knob flag', async () => {
    const child = runCli(['--gap-ms', 'soon']);
    const [stderr, [code]] = await Promise.all([output(child, 'stderr', /Usage/), once(child, 'exit')]);
    expect(code).to.equal(2);
    expect(stderr).to.contain('gapMs must be a non-negative integer (got "soon")');
    expect(stderr).to.contain('--ttft-ms N');
  });
});
