import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gaia/platform';
import { expect } from 'chai';
import { json, post } from './stack.js';

interface Launched {
  child: ChildProcess;
  gateway: string;
  summary: Record<string, unknown>;
}

/** Runs `npm start`'s entry with nothing configured but a data folder and free ports. */
async function launch(dataDir: string, ports: { gateway: number; auth: number }): Promise<Launched> {
  const env: Record<string, string | undefined> = { ...process.env, DATA_DIR: dataDir, LOG_FORMAT: 'json' };
  for (const name of [
    'DATABASE_URL',
    'NATS_URL',
    'SUPABASE_URL',
    'API_KEY',
    'INTERNAL_AUTH_SECRET',
    'SUPABASE_JWT_SECRET',
  ])
    delete env[name];
  env.GATEWAY_PORT = String(ports.gateway);
  env.AUTH_PORT = String(ports.auth);
  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', 'launcher/src/main.ts'],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const check = () => {
      const line = output.split('\n').find((l) => l.includes('"Gaia is running"'));
      if (line) return resolve(JSON.parse(line) as Record<string, unknown>);
      if (child.exitCode !== null) return reject(new Error(`launcher exited ${child.exitCode}:\n${output}`));
      setTimeout(check, 50);
    };
    check();
  });
  return { child, gateway: `http://127.0.0.1:${ports.gateway}`, summary };
}

async function stop(launched: Launched): Promise<number> {
  const exited = once(launched.child, 'exit');
  launched.child.kill('SIGINT');
  const [code] = (await exited) as [number];
  return code;
}

describe('npm start with nothing configured', function () {
  this.timeout(120_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'gaia-start-'));
  let ports: { gateway: number; auth: number };
  let launched: Launched | undefined;

  before(async () => (ports = { gateway: await freePort(), auth: await freePort() }));
  after(async () => {
    if (launched && launched.child.exitCode === null) await stop(launched);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts gateway and auth on embedded PostgreSQL, the in-process bus and local auth', async () => {
    launched = await launch(dataDir, ports);
    expect(launched.summary).to.include({ bus: 'in-process', auth_provider: 'local' });
    expect(launched.summary.database).to.match(/^embedded PostgreSQL/);
    const health = await json(await fetch(`${launched.gateway}/health`));
    expect(health.status).to.equal('healthy');
    expect(health.services.auth.status).to.equal('healthy');
    expect((await fetch(`${launched.gateway}/ready`)).status).to.equal(200);
    const secrets = statSync(join(dataDir, 'local-secrets.json'));
    expect(secrets.mode & 0o077, 'local secrets readable by owner only').to.equal(0);
  });

  let key = '';
  it("runs the README's flow: register, log in, create a key, use it", async () => {
    const gateway = launched!.gateway;
    const credentials = { email: 'dev@example.com', password: 'correct-horse' };
    expect((await post(`${gateway}/api/v1/auth/register`, credentials)).status).to.equal(200);
    const login = await json(await post(`${gateway}/api/v1/auth/login`, credentials));
    const created = await post(
      `${gateway}/api/v1/auth/keys`,
      { name: 'my laptop' },
      { authorization: `Bearer ${login.session.access_token}` },
    );
    expect(created.status).to.equal(201);
    key = (await json(created)).key;
    expect(key).to.match(/^gaia_dev_[A-Za-z0-9]{32}$/);
    const listed = await json(await fetch(`${gateway}/api/v1/auth/keys`, { headers: { 'x-api-key': key } }));
    expect(listed.map((k: { name: string }) => k.name)).to.deep.equal(['my laptop']);
    const validated = await json(await post(`${gateway}/api/v1/auth/validate`, { api_key: key }));
    expect(validated).to.include({ valid: true, auth_type: 'api_key' });
  });

  it('stops cleanly on Ctrl-C and keeps users and keys for the next start', async () => {
    expect(await stop(launched!)).to.equal(0);
    launched = await launch(dataDir, ports);
    const listed = await fetch(`${launched.gateway}/api/v1/auth/keys`, { headers: { 'x-api-key': key } });
    expect(listed.status).to.equal(200);
    expect(readFileSync(join(dataDir, 'local-secrets.json'), 'utf8')).to.not.contain(key);
    expect(await stop(launched)).to.equal(0);
  });
});
