import { randomUUID } from 'node:crypto';
import { defineEvent, defineEventFamily } from '@gaia/contracts';
import { expect } from 'chai';
import { z } from 'zod';
import type { Bus } from '../src/index.js';

/** Resolves with the values `collect` received once `count` arrived, or rejects after `ms`. */
export function waitFor<T>(received: T[], count: number, ms = 3000): Promise<T[]> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (received.length >= count) return resolve(received);
      if (Date.now() > until) return reject(new Error(`got ${received.length} of ${count} messages`));
      setTimeout(check, 5);
    };
    check();
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The behaviour every Bus implementation must have; run once per implementation.
 * Subjects are unique per run so parallel runs on a shared NATS server never collide.
 */
export function busContractSuite(
  name: string,
  open: () => Promise<{ a: Bus; b: Bus; close: () => Promise<void> }>,
) {
  describe(`bus contract: ${name}`, () => {
    let a: Bus;
    let b: Bus;
    let close: () => Promise<void>;
    const run = `t${randomUUID().slice(0, 8)}`;
    const greeting = defineEvent(`gaia.test.${run}.greeting`, z.object({ text: z.string(), n: z.number() }));
    const family = defineEventFamily(
      (id) => `gaia.test.${run}.room.${id}.said`,
      z.object({ text: z.string() }),
    );

    beforeEach(async () => ({ a, b, close } = await open()));
    afterEach(() => close());

    it('delivers a published event to every subscriber, decoded and validated', async () => {
      const first: unknown[] = [];
      const second: unknown[] = [];
      await a.subscribe(greeting, (payload) => void first.push(payload));
      await b.subscribe(greeting, (payload) => void second.push(payload));
      await a.publish(greeting, { text: 'hi', n: 1 });
      expect(await waitFor(first, 1)).to.deep.equal([{ text: 'hi', n: 1 }]);
      expect(await waitFor(second, 1)).to.deep.equal([{ text: 'hi', n: 1 }]);
    });

    it('matches wildcard subscriptions of an event family and passes the concrete subject', async () => {
      const seen: string[] = [];
      await b.subscribe(family.any, (payload, subject) => void seen.push(`${subject}:${payload.text}`));
      await a.publish(family.at('r1'), { text: 'one' });
      await a.publish(family.at('r2'), { text: 'two' });
      expect((await waitFor(seen, 2)).sort()).to.deep.equal([
        `gaia.test.${run}.room.r1.said:one`,
        `gaia.test.${run}.room.r2.said:two`,
      ]);
    });

    it('delivers events published without waiting in the order they were published, and flushes them on close', async () => {
      const seen: number[] = [];
      await b.subscribe(greeting, (payload) => void seen.push(payload.n));
      const sent = Array.from({ length: 50 }, (_, n) => a.publish(greeting, { text: 'burst', n }));
      await a.close();
      await Promise.all(sent);
      expect(await waitFor(seen, 50)).to.deep.equal(Array.from({ length: 50 }, (_, n) => n));
    });

    it('gives each message to one member of a queue group', async () => {
      const got: string[] = [];
      await a.subscribe(greeting, () => void got.push('a'), { queue: 'workers' });
      await b.subscribe(greeting, () => void got.push('b'), { queue: 'workers' });
      for (let n = 0; n < 10; n += 1) await a.publish(greeting, { text: 'x', n });
      await waitFor(got, 10);
      await sleep(100);
      expect(got).to.have.length(10);
    });

    it('refuses to publish a payload that breaks the contract', async () => {
      let error: unknown;
      try {
        await a.publish(greeting, { text: 'hi', n: 'one' } as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(Error);
      expect(String(error)).to.match(/does not match its contract/);
    });

    it('stops delivering after unsubscribe', async () => {
      const got: unknown[] = [];
      const sub = await b.subscribe(greeting, (payload) => void got.push(payload));
      await a.publish(greeting, { text: 'before', n: 1 });
      await waitFor(got, 1);
      await sub.unsubscribe();
      await a.publish(greeting, { text: 'after', n: 2 });
      await sleep(150);
      expect(got).to.have.length(1);
    });

    it('keeps durable messages until a worker consumes them, each exactly once across workers', async () => {
      const job = defineEvent(`gaia.test.${run}.jobs.created`, z.object({ id: z.number() }));
      const queue = { stream: `TEST_${run}`, durable: 'workers' };
      await a.ensureStream(queue.stream, [`gaia.test.${run}.jobs.>`]);
      await a.publishDurable(job, { id: 0 });
      const done: number[] = [];
      await a.consume(queue, job, (payload) => void done.push(payload.id));
      await b.consume(queue, job, (payload) => void done.push(payload.id));
      for (let id = 1; id < 6; id += 1) await b.publishDurable(job, { id });
      await waitFor(done, 6);
      await sleep(200);
      expect([...done].sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    });

    it('redelivers a durable message whose handler failed', async () => {
      const job = defineEvent(`gaia.test.${run}.retry.created`, z.object({ id: z.number() }));
      const queue = { stream: `RETRY_${run}`, durable: 'workers' };
      await a.ensureStream(queue.stream, [`gaia.test.${run}.retry.>`]);
      const attempts: number[] = [];
      await a.consume(queue, job, (payload) => {
        attempts.push(payload.id);
        if (attempts.length === 1) throw new Error('transient');
      });
      await a.publishDurable(job, { id: 7 });
      expect(await waitFor(attempts, 2, 5000)).to.deep.equal([7, 7]);
    });

    it('answers ping while connected and rejects once closed', async () => {
      await a.ping();
      await a.close();
      let failed = false;
      await a.ping().catch(() => (failed = true));
      expect(failed).to.equal(true);
    });
  });
}
