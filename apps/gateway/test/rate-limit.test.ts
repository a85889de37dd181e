import { createHash } from 'node:crypto';
import type { ResolvedKey } from '@gaia/contracts';
import { ConfigError } from '@gaia/platform';
import { expect } from 'chai';
import { loadGatewayConfig } from '../src/index.js';
import {
  createRateLimiter,
  type RateLimitDecision,
  type RateLimiter,
} from '../src/rate-limit/rate-limiter.js';
import {
  INTERNAL_SECRET,
  startEchoUpstream,
  startFakeAuth,
  startTestGateway,
  userJwt,
  type EchoUpstream,
  type FakeAuth,
  type TestGateway,
  json,
} from './support.js';

describe('rate limiter', () => {
  let clock: number;
  const limiter = (limitPerMinute: number, maxEntries?: number) =>
    createRateLimiter({ limitPerMinute, now: () => clock, ...(maxEntries ? { maxEntries } : {}) });
  /** A copy of the decision (the limiter reuses its object). */
  const take = (rateLimiter: RateLimiter, subject: string, own?: number | null): RateLimitDecision => ({
    ...rateLimiter.take(subject, own),
  });

  beforeEach(() => (clock = 1_000_000));

  it('allows a burst up to the limit, counting down, then refuses', () => {
    const five = limiter(5);
    const decisions = [1, 2, 3, 4, 5, 6].map(() => take(five, 'key-1'));
    expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, true, true, false]);
    expect(decisions.map((d) => d.remaining)).to.deep.equal([4, 3, 2, 1, 0, 0]);
    expect(decisions.every((d) => d.limit === 5)).to.equal(true);
    // One request of five per minute is freed every 12 s.
    expect(decisions.map((d) => d.resetSeconds)).to.deep.equal([12, 12, 12, 12, 12, 12]);
  });

  it('frees one request per 60 s / limit, and refused requests do not push the wait further', () => {
    const five = limiter(5);
    for (let i = 0; i < 5; i++) take(five, 'key-1');
    clock += 7_000;
    for (let i = 0; i < 10; i++) expect(take(five, 'key-1')).to.include({ allowed: false, resetSeconds: 5 });
    clock += 4_999;
    expect(take(five, 'key-1')).to.include({ allowed: false, resetSeconds: 1 });
    clock += 1;
    expect(take(five, 'key-1')).to.include({ allowed: true, remaining: 0 });
    expect(take(five, 'key-1').allowed).to.equal(false);
    clock += 60_000;
    expect(take(five, 'key-1')).to.include({ allowed: true, remaining: 4 });
  });

  it('has no window edge: a burst just before a minute boundary is not renewed just after it', () => {
    const five = limiter(5);
    clock = 59_900;
    for (let i = 0; i < 5; i++) expect(take(five, 'key-1').allowed).to.equal(true);
    clock = 60_100;
    expect(take(five, 'key-1').allowed).to.equal(false);
  });

  it('lets exactly the limit per minute through a client that never stops, after the first burst', () => {
    const five = limiter(5);
    let allowed = 0;
    for (clock = 0; clock <= 600_000; clock += 100) if (five.take('key-1').allowed) allowed += 1;
    // The burst of 5, then one every 12 s for 10 minutes.
    expect(allowed).to.equal(5 + 50);
  });

  it("applies a key's own limit instead of the default, for that key only", () => {
    const limits = limiter(5);
    expect(take(limits, 'key-own', 2)).to.include({
      allowed: true,
      limit: 2,
      remaining: 1,
      resetSeconds: 30,
    });
    expect(take(limits, 'key-own', 2)).to.include({ allowed: true, remaining: 0 });
    expect(take(limits, 'key-own', 2)).to.include({ allowed: false, limit: 2, resetSeconds: 30 });
    expect(take(limits, 'key-big', 1000)).to.include({ allowed: true, limit: 1000, remaining: 999 });
    expect(take(limits, 'user:u-1', null)).to.include({ allowed: true, limit: 5, remaining: 4 });
    expect(take(limits, 'user:u-2', 0)).to.include({ allowed: true, limit: 5, remaining: 4 });
  });

  it('keeps subjects apart', () => {
    const one = limiter(1);
    expect(take(one, 'user:a').allowed).to.equal(true);
    expect(take(one, 'user:a').allowed).to.equal(false);
    expect(take(one, 'user:b').allowed).to.equal(true);
  });

  it('allows everything and holds nothing when the limit is 0, per-key limits included', () => {
    const off = limiter(0);
    for (let i = 0; i < 10_000; i++) expect(off.take('key-1', i % 2 ? 1 : null).allowed).to.equal(true);
    expect(off.size).to.equal(0);
  });

  it('drops idle subjects as new ones arrive, so memory follows the active callers', () => {
    const five = limiter(5);
    for (let i = 0; i < 1000; i++) take(five, `old-${i}`);
    expect(five.size).to.equal(1000);
    clock += 60_000;
    for (let i = 0; i < 1000; i++) take(five, `new-${i}`);
    expect(five.size).to.equal(1000);
  });

  it('keeps an active subject while sweeping, so pruning never forgives a debt under the cap', () => {
    const two = limiter(2);
    take(two, 'busy');
    take(two, 'busy');
    for (let i = 0; i < 500; i++) {
      clock += 10;
      take(two, `passer-${i}`);
    }
    expect(take(two, 'busy').allowed).to.equal(false);
  });

  it('never holds more than maxEntries subjects', () => {
    const capped = limiter(5, 100);
    for (let i = 0; i < 1000; i++) {
      expect(take(capped, `key-${i}`).allowed).to.equal(true);
      expect(capped.size).to.be.at.most(100);
    }
    expect(capped.size).to.equal(100);
  });
});

describe('gateway rate limits', () => {
  const limitedKey = 'gaia_test_limited_0123456789abcdefghijklmn';
  const plainKey = 'gaia_test_plain_0123456789abcdefghijklmnop';
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const owner = (keyId: string, limit: number | null): Extract<ResolvedKey, { valid: true }> => ({
    valid: true,
    key_id: keyId,
    user_id: 'user-key-owner',
    scopes: [],
    rate_limit_per_minute: limit,
  });
  let upstream: EchoUpstream;
  let fakeAuth: FakeAuth;
  let gateway: TestGateway;

  before(async () => {
    upstream = await startEchoUpstream();
    fakeAuth = await startFakeAuth({
      [sha256(limitedKey)]: owner('key-limited', 1),
      [sha256(plainKey)]: owner('key-plain', null),
    });
    gateway = await startTestGateway({
      RATE_LIMIT_PER_MINUTE: '3',
      AUTH_SERVICE_URL: fakeAuth.url,
      CHAT_SERVICE_URL: upstream.url,
      ASSET_SERVICE_URL: upstream.url,
    });
  });
  after(async () => {
    await gateway.stop();
    await fakeAuth.stop();
    await upstream.stop();
  });

  const bearer = (sub: string) => ({ authorization: `Bearer ${userJwt({ sub })}` });
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { headers });
  const post = (path: string, headers: Record<string, string>) =>
    fetch(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}',
    });
  const limitHeaders = (response: Response) => ({
    limit: response.headers.get('x-ratelimit-limit'),
    remaining: response.headers.get('x-ratelimit-remaining'),
    reset: Number(response.headers.get('x-ratelimit-reset')),
  });
  const wholeSecondsUpTo = (value: string | null, max: number) => {
    expect(value).to.match(/^[1-9]\d*$/);
    expect(Number(value)).to.be.at.most(max);
  };
  /** Spends `count` requests of a JWT user, expecting each to pass. */
  const spend = async (headers: Record<string, string>, count: number) => {
    for (let i = 0; i < count; i++) expect((await get('/api/v0.2/models', headers)).status).to.equal(200);
  };

  it('sends X-RateLimit-Limit, -Remaining and -Reset on every authenticated response, counting down', async () => {
    const user = bearer('user-headers');
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const response = await get('/api/v0.2/models', user);
      expect(response.status).to.equal(200);
      seen.push(limitHeaders(response));
    }
    expect(seen.map(({ limit, remaining }) => [limit, remaining])).to.deep.equal([
      ['3', '2'],
      ['3', '1'],
      ['3', '0'],
    ]);
    for (const { reset } of seen) expect(reset).to.be.within(1, 20);
  });

  it('answers 429 with Retry-After and the detail over the limit, without reaching the service', async () => {
    const user = bearer('user-over');
    await spend(user, 3);
    const reached = upstream.requests.length;
    const refused = await get('/api/v0.2/models', user);
    expect(refused.status).to.equal(429);
    wholeSecondsUpTo(refused.headers.get('retry-after'), 20);
    expect(limitHeaders(refused)).to.include({ limit: '3', remaining: '0' });
    expect(refused.headers.get('x-ratelimit-reset')).to.equal(refused.headers.get('retry-after'));
    expect(await json(refused)).to.deep.equal({ detail: 'Rate limit exceeded: 3 per 1 minute' });
    expect(upstream.requests.length).to.equal(reached);
  });

  it('limits two users independently', async () => {
    const first = bearer('user-first');
    await spend(first, 3);
    expect((await get('/api/v0.2/models', first)).status).to.equal(429);
    const second = await get('/api/v0.2/models', bearer('user-second'));
    expect(second.status).to.equal(200);
    expect(limitHeaders(second).remaining).to.equal('2');
  });

  it('counts one user across routes, and keeps the headers on errors the service answers', async () => {
    const user = bearer('user-routes');
    expect((await get('/api/v0.2/models', user)).status).to.equal(200);
    const notFound = await get('/api/v0.2/personas/missing', {
      ...user,
      'x-test-mode': 'status',
      'x-test-status': '404',
    });
    expect(notFound.status).to.equal(404);
    expect(limitHeaders(notFound)).to.include({ limit: '3', remaining: '1' });
    expect(limitHeaders(await post('/api/v0.2/chat', user))).to.include({ remaining: '0' });
  });

  it('answers the 429 in OpenAI shape on /v1/chat/completions, and Anthropic shape on /v1/messages', async () => {
    const user = bearer('user-sdk');
    for (let i = 0; i < 3; i++) expect((await post('/v1/chat/completions', user)).status).to.equal(200);
    const openAi = await post('/v1/chat/completions', user);
    expect(openAi.status).to.equal(429);
    wholeSecondsUpTo(openAi.headers.get('retry-after'), 20);
    expect(await json(openAi)).to.deep.equal({
      error: { message: 'Rate limit exceeded: 3 per 1 minute', type: 'rate_limit_error', code: null },
    });
    const anthropic = await post('/v1/messages', user);
    expect(anthropic.status).to.equal(429);
    expect(await json(anthropic)).to.deep.equal({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Rate limit exceeded: 3 per 1 minute' },
    });
  });

  it("applies an API key's own limit, and counts keys apart from their owner's JWT", async () => {
    const first = await get('/api/v0.2/models', { 'x-api-key': limitedKey });
    expect(first.status).to.equal(200);
    expect(limitHeaders(first)).to.include({ limit: '1', remaining: '0' });
    const refused = await get('/api/v0.2/models', { 'x-api-key': limitedKey });
    expect(refused.status).to.equal(429);
    expect(await json(refused)).to.deep.equal({ detail: 'Rate limit exceeded: 1 per 1 minute' });
    wholeSecondsUpTo(refused.headers.get('retry-after'), 60);

    const plain = await get('/v1/models', { authorization: `Bearer ${plainKey}` });
    expect(limitHeaders(plain)).to.include({ limit: '3', remaining: '2' });
    const owner = await get('/api/v0.2/models', bearer('user-key-owner'));
    expect(limitHeaders(owner)).to.include({ limit: '3', remaining: '2' });
  });

  it('leaves public routes and refused credentials alone', async () => {
    for (let i = 0; i < 6; i++) {
      for (const path of ['/api/v1/assets/test', '/', '/health', '/api/v0.2']) {
        const response = await get(path);
        expect(response.status, path).to.equal(200);
        expect(response.headers.get('x-ratelimit-limit'), path).to.equal(null);
      }
    }
    const unauthenticated = await get('/api/v0.2/models');
    expect(unauthenticated.status).to.equal(401);
    expect(unauthenticated.headers.get('x-ratelimit-limit')).to.equal(null);
  });

  it('lets browsers read the headers (CORS)', async () => {
    const response = await get('/api/v0.2/models', {
      ...bearer('user-cors'),
      origin: 'http://localhost:3000',
    });
    const exposed = response.headers.get('access-control-expose-headers');
    for (const name of ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'])
      expect(exposed).to.include(name);
  });

  it('counts refusals in gaia_gateway_rate_limited_total', async () => {
    const refusals = async () => {
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      return Number(/^gaia_gateway_rate_limited_total(?:\{[^}]*\})? (\d+)$/m.exec(metrics)?.[1]);
    };
    const before = await refusals();
    const user = bearer('user-counted');
    await spend(user, 3);
    expect(await refusals()).to.equal(before);
    expect((await get('/api/v0.2/models', user)).status).to.equal(429);
    expect((await get('/api/v0.2/models', user)).status).to.equal(429);
    expect(await refusals()).to.equal(before + 2);
  });

  describe('with RATE_LIMIT_PER_MINUTE=0', () => {
    let unlimited: TestGateway;
    before(async () => {
      unlimited = await startTestGateway({
        RATE_LIMIT_PER_MINUTE: '0',
        AUTH_SERVICE_URL: fakeAuth.url,
        CHAT_SERVICE_URL: upstream.url,
      });
    });
    after(() => unlimited.stop());

    it('limits nothing and sends no rate limit headers, per-key limits included', async () => {
      for (const headers of [bearer('user-unlimited'), { 'x-api-key': limitedKey }]) {
        for (let i = 0; i < 5; i++) {
          const response = await fetch(`${unlimited.url}/api/v0.2/models`, { headers });
          expect(response.status).to.equal(200);
          expect(response.headers.get('x-ratelimit-limit')).to.equal(null);
        }
      }
    });
  });
});

describe('RATE_LIMIT_PER_MINUTE', () => {
  const load = (value?: string) =>
    loadGatewayConfig({ INTERNAL_AUTH_SECRET: INTERNAL_SECRET, RATE_LIMIT_PER_MINUTE: value });

  it('defaults to 600, and takes 0 (off) or any whole number', () => {
    expect(load().RATE_LIMIT_PER_MINUTE).to.equal(600);
    expect(load('0').RATE_LIMIT_PER_MINUTE).to.equal(0);
    expect(load('1200').RATE_LIMIT_PER_MINUTE).to.equal(1200);
  });

  it('refuses negative and fractional values', () => {
    for (const value of ['-1', '1.5', 'many']) expect(() => load(value), value).to.throw(ConfigError);
  });
});
