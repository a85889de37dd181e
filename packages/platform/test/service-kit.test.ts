import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { z } from 'zod';
import {
  ConfigError,
  createLogger,
  createMetrics,
  createServiceApp,
  httpConfig,
  loadConfig,
  NotFoundError,
  parseInput,
  runService,
  type RunningService,
} from '../src/index.js';

const logger = createLogger({ service: 'test', level: 'error', format: 'json' });

describe('config', () => {
  const schema = z.object({ ...httpConfig('demo', 9000), NEEDED: z.string() });

  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(schema, { NEEDED: 'x', PORT: '9100' });
    expect(config.PORT).to.equal(9100);
    expect(config.HOST).to.equal('0.0.0.0');
    expect(config.SERVICE_NAME).to.equal('demo');
  });

  it('fails once, naming every bad variable', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: 'eighty', BODY_LIMIT_BYTES: '-1' });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const message = (error as ConfigError).message;
    for (const name of ['PORT', 'BODY_LIMIT_BYTES', 'NEEDED']) expect(message).to.contain(name);
    expect((error as ConfigError).problems).to.have.length(3);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig(schema, { NEEDED: 'x', PORT: '' }).PORT).to.equal(9000);
  });
});

describe('service app', () => {
  const logged: Record<string, unknown>[] = [];
  const logSink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  let service: RunningService;
  let healthy = true;
  const body = z.object({ name: z.string(), count: z.int() });

  before(async () => {
    const app = createServiceApp({
      service: 'demo',
      logger: createLogger({ service: 'demo', format: 'json', stream: logSink }),
      metrics: createMetrics('demo'),
      bodyLimitBytes: 1024,
      readiness: { database: async () => (healthy ? undefined : Promise.reject(new Error('down'))) },
      routes: (router) => {
        router.post('/things', (req, res) => void res.status(201).json(parseInput(body, req.body)));
        router.get('/things/:id', (req) => {
          throw new NotFoundError(`Thing not found: ${req.params.id}`);
        });
        router.get('/boom', () => {
          throw new Error('secret internals');
        });
      },
    });
    service = await runService({
      name: 'demo',
      app,
      host: '127.0.0.1',
      port: 0,
      logger,
      shutdownTimeoutMs: 1000,
    });
  });
  after(() => service.stop());

  const post = (path: string, payload: string) =>
    fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: payload,
    });

  it('answers /health without checking dependencies and /ready with them', async () => {
    healthy = false;
    expect((await fetch(`${service.url}/health`)).status).to.equal(200);
    const notReady = await fetch(`${service.url}/ready`);
    expect(notReady.status).to.equal(503);
    expect(((await notReady.json()) as Record<string, any>).checks.database).to.match(/unavailable: down/);
    healthy = true;
    expect((await fetch(`${service.url}/ready`)).status).to.equal(200);
  });

  it('accepts a valid body', async () => {
    const response = await post('/things', JSON.stringify({ name: 'a', count: 2 }));
    expect(response.status).to.equal(201);
    expect((await response.json()) as Record<string, any>).to.deep.equal({ name: 'a', count: 2 });
  });

  it('answers malformed JSON with 400 and a detail', async () => {
    const response = await post('/things', '{"name": ');
    expect(response.status).to.equal(400);
    expect(((await response.json()) as Record<string, any>).detail).to.match(/^Invalid JSON body/);
  });

  it('answers wrong types with a FastAPI 422 field list', async () => {
    const response = await post('/things', JSON.stringify({ count: 'two' }));
    expect(response.status).to.equal(422);
    const { detail } = (await response.json()) as { detail: { loc: string[]; type: string }[] };
    expect(detail).to.deep.include({ type: 'missing', loc: ['body', 'name'], msg: 'Field required' });
    expect(detail.find((d) => d.loc[1] === 'count')?.type).to.equal('invalid_type');
  });

  it('answers an oversized body with 413 and a detail', async () => {
    const response = await post('/things', JSON.stringify({ name: 'x'.repeat(5000), count: 1 }));
    expect(response.status).to.equal(413);
    expect(((await response.json()) as Record<string, any>).detail).to.contain('1024 bytes');
  });

  it('answers typed errors with their status, unknown paths with 404, and hides internals of a 500', async () => {
    const missing = await fetch(`${service.url}/things/42`);
    expect(missing.status).to.equal(404);
    expect((await missing.json()) as Record<string, any>).to.deep.equal({ detail: 'Thing not found: 42' });
    expect(await (await fetch(`${service.url}/nowhere`)).json()).to.deep.equal({ detail: 'Not Found' });
    const boom = await fetch(`${service.url}/boom`, { headers: { 'x-request-id': 'boom-1' } });
    expect(boom.status).to.equal(500);
    const entry = logged.find((line) => line.message === 'unhandled error');
    expect(entry).to.include({ level: 'error', request_id: 'boom-1', path: '/boom', service: 'demo' });
    expect(String(entry?.error)).to.contain('secret internals');
    expect((await boom.json()) as Record<string, any>).to.deep.equal({ detail: 'Internal server error' });
  });

  it('echoes a request id and labels metrics by route template', async () => {
    const response = await fetch(`${service.url}/things/abc`, { headers: { 'x-request-id': 'req-123' } });
    expect(response.headers.get('x-request-id')).to.equal('req-123');
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).to.match(
      /gaia_http_requests_total\{method="GET",route="\/things\/:id",status="404",service="demo"\} \d/,
    );
    expect(metrics).not.to.contain('/things/abc');
    expect(metrics).to.contain('process_cpu_user_seconds_total');
  });
});

describe('graceful shutdown', function () {
  this.timeout(30_000);
  const fixture = fileURLToPath(new URL('./fixtures/slow-service.ts', import.meta.url));

  async function startFixture(env: Record<string, string> = {}) {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', fixture], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    /** Resolves once the fixture printed a line matching `pattern` (the request arrived, the server listens). */
    const printed = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) return resolve(match);
          if (child.exitCode !== null)
            return reject(new Error(`fixture exited ${child.exitCode}: ${output}`));
          setTimeout(check, 10);
        };
        check();
      });
    const url = (await printed(/READY (\S+)/))[1]!;
    return { child, url, requestArrived: () => printed(/STARTED/) };
  }

  it('lets a slow request finish after SIGTERM, refuses new connections, then exits 0', async () => {
    const { child, url, requestArrived } = await startFixture();
    const slow = fetch(`${url}/slow?ms=1500`);
    await requestArrived();
    child.kill('SIGTERM');
    const exited = once(child, 'exit');
    expect(await (await slow).json()).to.deep.equal({ finished: true });
    const [exitCode] = (await exited) as [number];
    expect(exitCode).to.equal(0);
    let refused = false;
    await fetch(`${url}/health`).catch(() => (refused = true));
    expect(refused).to.equal(true);
  });

  it('cuts requests still running at the deadline', async () => {
    const { child, url, requestArrived } = await startFixture({ SHUTDOWN_TIMEOUT_MS: '200' });
    const slow: Promise<string> = fetch(`${url}/slow?ms=5000`).then(
      () => 'answered',
      () => 'cut',
    );
    await requestArrived();
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await slow).to.equal('cut');
    const [code] = (await exited) as [number];
    expect(code).to.equal(0);
  });
});
