import { IDENTITY_HEADER } from '@gaia/contracts';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import {
  createIdentitySigner,
  createLogger,
  createMetrics,
  createServiceApp,
  requireIdentity,
  runService,
  verifyIdentity,
  type RunningService,
} from '../src/index.js';

const secret = 'an-internal-secret-of-at-least-32-characters';
const logger = createLogger({ service: 'test', level: 'error', format: 'json' });

describe('identity header', () => {
  const signer = createIdentitySigner(secret);
  let service: RunningService;

  before(async () => {
    const app = createServiceApp({
      service: 'demo',
      logger,
      metrics: createMetrics('demo'),
      bodyLimitBytes: 1024,
      routes: (router) => {
        router.use(requireIdentity(secret));
        router.get('/me', (_req, res) => void res.json(res.locals.identity));
      },
    });
    service = await runService({
      name: 'demo',
      app,
      host: '127.0.0.1',
      port: 0,
      logger,
      shutdownTimeoutMs: 100,
    });
  });
  after(() => service.stop());

  it('round-trips an identity and reuses the token for the same identity', () => {
    const token = signer.sign({ auth_type: 'jwt', user_id: 'u1' });
    expect(verifyIdentity(secret, token)).to.deep.equal({ auth_type: 'jwt', user_id: 'u1' });
    expect(signer.sign({ auth_type: 'jwt', user_id: 'u1' })).to.equal(token);
    expect(signer.sign({ auth_type: 'jwt', user_id: 'u2' })).not.to.equal(token);
  });

  it('rejects a token signed with another secret, an expired one and one without the gaia claim', () => {
    const forged = createIdentitySigner('another-secret-that-is-long-enough-too!').sign({
      auth_type: 'anonymous',
    });
    expect(verifyIdentity(secret, forged)).to.equal(undefined);
    const expired = jwt.sign({ gaia: { auth_type: 'anonymous' } }, secret, {
      issuer: 'gaia-gateway',
      audience: 'gaia-internal',
      expiresIn: -10,
    });
    expect(verifyIdentity(secret, expired)).to.equal(undefined);
    const empty = jwt.sign({ sub: 'x' }, secret, {
      issuer: 'gaia-gateway',
      audience: 'gaia-internal',
      expiresIn: 60,
    });
    expect(verifyIdentity(secret, empty)).to.equal(undefined);
  });

  it('makes a service refuse requests that did not come through the gateway', async () => {
    const direct = await fetch(`${service.url}/me`);
    expect(direct.status).to.equal(401);
    expect(((await direct.json()) as Record<string, any>).detail).to.match(/through the gateway/);
    const viaGateway = await fetch(`${service.url}/me`, {
      headers: { [IDENTITY_HEADER]: signer.sign({ auth_type: 'service', service: 'gateway' }) },
    });
    expect((await viaGateway.json()) as Record<string, any>).to.deep.equal({
      auth_type: 'service',
      service: 'gateway',
    });
  });

  it('stops accepting a remembered token once it expires', async () => {
    const token = jwt.sign({ gaia: { auth_type: 'anonymous' } }, secret, {
      issuer: 'gaia-gateway',
      audience: 'gaia-internal',
      expiresIn: 1,
    });
    const me = () => fetch(`${service.url}/me`, { headers: { [IDENTITY_HEADER]: token } });
    expect((await me()).status).to.equal(200);
    expect((await me()).status).to.equal(200);
    const { exp } = jwt.decode(token) as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    expect((await me()).status).to.equal(401);
  });
});
