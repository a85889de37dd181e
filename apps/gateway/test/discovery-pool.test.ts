import { expect } from 'chai';
import { createUpstreamPool } from '../src/discovery/upstream-pool.js';

describe('upstream pool', () => {
  type Pool = ReturnType<typeof createUpstreamPool>;
  const hostOf = (pool: Pool) => pool.pick()?.url.host;
  /** Picks and releases at once, as for requests answered one after another. */
  const takeTurn = (pool: Pool) => {
    const upstream = pool.pick()!;
    pool.release(upstream);
    return upstream.url.host;
  };

  it('has nothing to pick without endpoints', () => {
    const pool = createUpstreamPool('http://gaia-chat:8003');
    expect(pool.pick()).to.equal(undefined);
    expect(pool.size).to.equal(0);
  });

  it('takes the endpoint with the fewest in flight, and lets equal ones take turns', () => {
    const pool = createUpstreamPool('http://gaia-chat:8003', [
      '10.0.0.1:8003',
      '10.0.0.2:8003',
      '10.0.0.3:8003',
    ]);
    const first = pool.pick()!;
    const second = pool.pick()!;
    const third = pool.pick()!;
    expect(new Set([first, second, third].map((upstream) => upstream.url.host)).size).to.equal(3);
    pool.release(second);
    expect(pool.pick()).to.equal(second);
    for (const upstream of [first, second, third]) pool.release(upstream);
    const turns = Array.from({ length: 6 }, () => takeTurn(pool));
    expect(turns.slice(0, 3)).to.have.members(['10.0.0.1:8003', '10.0.0.2:8003', '10.0.0.3:8003']);
    expect(turns.slice(3)).to.deep.equal(turns.slice(0, 3));
  });

  it('keeps the scheme and base path of the service URL, and in-flight counts across updates', () => {
    const pool = createUpstreamPool('https://gaia-chat:8443/base', ['10.0.0.1:8443']);
    const busy = pool.pick()!;
    expect(busy.url.href).to.equal('https://10.0.0.1:8443/base');
    expect(pool.protocol).to.equal('https:');

    pool.update(['10.0.0.2:8443', '10.0.0.1:8443', '10.0.0.2:8443']);
    expect(pool.size).to.equal(2);
    expect(hostOf(pool)).to.equal('10.0.0.2:8443');
    expect(hostOf(pool), 'both have one in flight now').to.be.oneOf(['10.0.0.1:8443', '10.0.0.2:8443']);

    pool.update(['10.0.0.3:8443']);
    pool.release(busy);
    expect(busy.inFlight).to.equal(0);
    expect(hostOf(pool)).to.equal('10.0.0.3:8443');
  });
});
