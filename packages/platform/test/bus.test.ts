import { defineEvent } from '@gaia/contracts';
import { startNatsServer, type NatsServer } from '@gaia/testkit';
import { expect } from 'chai';
import { z } from 'zod';
import { createLogger, createMemoryBus, createNatsBus, subjectMatches, type Bus } from '../src/index.js';
import { busContractSuite, sleep, waitFor } from './bus-contract.js';

const logger = createLogger({ service: 'test', level: 'error', format: 'json' });
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

busContractSuite('in-process', () => {
  const bus = createMemoryBus(logger);
  return Promise.resolve({ a: bus, b: bus, close: () => bus.close() });
});

busContractSuite('NATS', () => {
  const a = createNatsBus({ url: natsUrl, name: 'test-a', logger });
  const b = createNatsBus({ url: natsUrl, name: 'test-b', logger });
  return Promise.resolve({ a, b, close: async () => void (await Promise.all([a.close(), b.close()])) });
});

describe('subjectMatches', () => {
  it('follows NATS wildcard rules', () => {
    expect(subjectMatches('a.*.c', 'a.b.c')).to.equal(true);
    expect(subjectMatches('a.*', 'a.b.c')).to.equal(false);
    expect(subjectMatches('a.>', 'a.b.c')).to.equal(true);
    expect(subjectMatches('a.>', 'a')).to.equal(false);
    expect(subjectMatches('a.b', 'a.b')).to.equal(true);
    expect(subjectMatches('a.b', 'a.c')).to.equal(false);
  });
});

/** Resolves once the bus answers ping again (the client reconnects by itself). */
async function untilReady(bus: Bus, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await bus.ping();
    } catch (error) {
      if (Date.now() > until) throw error;
      await sleep(100);
    }
  }
}

describe('NATS bus across a server crash', function () {
  this.timeout(30_000);
  let nats: NatsServer;
  before(async () => (nats = await startNatsServer()));
  after(() => nats.stop());

  it('survives kill -9 of the server: ping fails while it is away, then delivery resumes', async () => {
    const event = defineEvent('gaia.test.crash.ping', z.object({ n: z.number() }));
    const bus = createNatsBus({ url: nats.url, name: 'crash-test', logger });
    const got: number[] = [];
    await bus.subscribe(event, (payload) => void got.push(payload.n));
    await bus.publish(event, { n: 1 });
    await waitFor(got, 1);

    await nats.kill9();
    let unavailable = false;
    await bus.ping().catch(() => (unavailable = true));
    expect(unavailable, 'ping while the server is down').to.equal(true);

    await nats.restart();
    await untilReady(bus);
    await bus.publish(event, { n: 2 });
    expect(await waitFor(got, 2, 5000)).to.deep.equal([1, 2]);
    await bus.close();
  });

  it('starts without a reachable server and becomes usable when it appears', async () => {
    await nats.kill9();
    const bus = createNatsBus({ url: nats.url, name: 'late-start', logger });
    let unavailable = false;
    await bus.ping().catch(() => (unavailable = true));
    expect(unavailable).to.equal(true);
    await nats.restart();
    await untilReady(bus);
    await bus.close();
  });
});
