import type { ResolvedKey } from '@gaia/contracts';
import { UnavailableError } from '@gaia/platform';
import { expect } from 'chai';
import client from 'prom-client';
import { createApiKeyCache } from '../src/auth/api-key-cache.js';

const valid = (keyId: string, rateLimitPerMinute: number | null = null): ResolvedKey => ({
  valid: true,
  key_id: keyId,
  user_id: 'user-1',
  scopes: [],
  rate_limit_per_minute: rateLimitPerMinute,
});

describe('API key cache', () => {
  let clock: number;
  let asked: string[];
  let answers: Record<string, ResolvedKey>;

  const cache = (options: { maxEntries?: number; lookup?: (hash: string) => Promise<ResolvedKey> } = {}) =>
    createApiKeyCache({
      lookup:
        options.lookup ??
        (async (hash) => {
          asked.push(hash);
          return answers[hash] ?? { valid: false };
        }),
      ttlMs: 60_000,
      negativeTtlMs: 5_000,
      maxEntries: options.maxEntries ?? 100,
      registry: new client.Registry(),
      now: () => clock,
    });

  beforeEach(() => {
    clock = 0;
    asked = [];
    answers = { good: valid('k1') };
  });

  it('keeps a valid key for the TTL, then asks again', async () => {
    const keys = cache();
    expect(await keys.resolve('good')).to.deep.equal({
      identity: { auth_type: 'user_api_key', user_id: 'user-1', key_id: 'k1', scopes: [] },
      subject: 'k1',
      rateLimitPerMinute: null,
    });
    clock = 47_999;
    await keys.resolve('good');
    expect(asked).to.deep.equal(['good']);
    clock = 60_000;
    await keys.resolve('good');
    expect(asked).to.deep.equal(['good', 'good']);
  });

  it('looks a key in use up again in the background from 80 % of the TTL, once, and keeps it longer', async () => {
    let finish: (answer: ResolvedKey) => void = () => undefined;
    const keys = cache({
      lookup: (hash) => {
        asked.push(hash);
        return asked.length === 1
          ? Promise.resolve(valid('k1'))
          : new Promise((resolve) => (finish = resolve));
      },
    });
    const first = await keys.resolve('good');
    clock = 48_000;
    // Answered from the cache while the refresh is still running, and only one refresh at a time.
    expect(await keys.resolve('good')).to.equal(first);
    expect(await keys.resolve('good')).to.equal(first);
    expect(asked).to.deep.equal(['good', 'good']);
    finish(valid('k1', 7));
    await new Promise(setImmediate);
    // Past the first answer's expiry, before the refreshed one's refresh point.
    clock = 95_000;
    expect(await keys.resolve('good')).to.include({ rateLimitPerMinute: 7 });
    expect(asked).to.have.length(2);
  });

  it('drops a key its refresh finds revoked, and serves a key whose refresh failed until it expires, retrying after a pause', async () => {
    let failing = false;
    const keys = cache({
      lookup: async (hash) => {
        asked.push(hash);
        if (failing) throw new UnavailableError('Service auth unavailable');
        return answers[hash] ?? { valid: false };
      },
    });
    await keys.resolve('good');
    answers = {};
    clock = 50_000;
    await keys.resolve('good');
    await new Promise(setImmediate);
    expect(await keys.resolve('good')).to.equal(null);
    expect(asked).to.have.length(2);

    answers = { other: valid('k9') };
    await keys.resolve('other');
    failing = true;
    clock = 99_000;
    expect((await keys.resolve('other'))?.subject).to.equal('k9');
    await new Promise(setImmediate);
    const asks = asked.length;
    // The next attempt comes after a pause of 5 % of the TTL, not with every request.
    clock = 101_999;
    await keys.resolve('other');
    expect(asked).to.have.length(asks);
    clock = 102_000;
    await keys.resolve('other');
    await new Promise(setImmediate);
    expect(asked).to.have.length(asks + 1);
    clock = 109_999;
    expect((await keys.resolve('other'))?.subject).to.equal('k9');
    clock = 110_000;
    let error: unknown;
    await keys.resolve('other').catch((caught: unknown) => (error = caught));
    expect(error).to.be.instanceOf(UnavailableError);
  });

  it('remembers an invalid key for a few seconds only', async () => {
    const keys = cache();
    expect(await keys.resolve('bad')).to.equal(null);
    clock = 4_999;
    expect(await keys.resolve('bad')).to.equal(null);
    expect(asked).to.have.length(1);
    answers.bad = valid('k2');
    clock = 5_000;
    expect((await keys.resolve('bad'))?.identity).to.include({ key_id: 'k2' });
  });

  it('shares one lookup between concurrent misses of the same key', async () => {
    const keys = cache();
    await Promise.all([keys.resolve('good'), keys.resolve('good'), keys.resolve('good')]);
    expect(asked).to.deep.equal(['good']);
  });

  it('drops the oldest entries beyond its size, and keeps invalid keys from pushing out valid ones', async () => {
    answers = { a: valid('a'), b: valid('b'), c: valid('c') };
    const keys = cache({ maxEntries: 2 });
    for (const hash of ['a', 'b', 'x', 'y', 'z', 'c']) await keys.resolve(hash);
    asked = [];
    await keys.resolve('b');
    await keys.resolve('c');
    expect(asked).to.deep.equal([]);
    await keys.resolve('a');
    expect(asked).to.deep.equal(['a']);
  });

  it('forgets an evicted key, even when its lookup was still running', async () => {
    let finish: (answer: ResolvedKey) => void = () => undefined;
    let lookups = 0;
    const keys = cache({
      lookup: () => {
        lookups += 1;
        return new Promise((resolve) => (finish = resolve));
      },
    });
    const pending = keys.resolve('good');
    keys.evict('good');
    finish(valid('k1'));
    await pending;
    const again = keys.resolve('good');
    finish({ valid: false });
    expect(await again).to.equal(null);
    expect(lookups).to.equal(2);
  });

  it('does not cache a failed lookup', async () => {
    let fail = true;
    const keys = cache({
      lookup: async () => {
        if (fail) throw new UnavailableError('Service auth unavailable');
        return valid('k1');
      },
    });
    let error: unknown;
    await keys.resolve('good').catch((caught: unknown) => (error = caught));
    expect(error).to.be.instanceOf(UnavailableError);
    fail = false;
    expect((await keys.resolve('good'))?.identity).to.include({ key_id: 'k1' });
  });

  it("carries the key's own rate limit next to its identity, and only a positive whole number", async () => {
    answers = {
      limited: valid('k3', 42),
      zero: valid('k4', 0),
      fraction: valid('k5', 2.5),
    };
    const keys = cache();
    const limited = await keys.resolve('limited');
    expect(limited).to.include({ subject: 'k3', rateLimitPerMinute: 42 });
    expect(limited?.identity).to.not.have.property('rate_limit_per_minute');
    expect(await keys.resolve('limited')).to.equal(limited);
    expect(await keys.resolve('zero')).to.include({ rateLimitPerMinute: null });
    expect(await keys.resolve('fraction')).to.include({ rateLimitPerMinute: null });
  });
});
