import type { EventContract, EventPayload } from '@gaia/contracts';
import type { Logger } from '../logging/logger.js';
import {
  checkPayload,
  subjectMatches,
  type Bus,
  type EventHandler,
  type Subscription,
  type WorkQueue,
} from './bus.js';

interface Listener {
  pattern: string;
  queue?: string | undefined;
  deliver: (subject: string, data: string) => void;
}

interface StoredMessage {
  subject: string;
  data: string;
}

interface Consumer {
  filter: string;
  pending: StoredMessage[];
  workers: ((message: StoredMessage) => Promise<boolean>)[];
  next: number;
  busy: boolean;
}

interface Stream {
  subjects: string[];
  consumers: Map<string, Consumer>;
  /** Messages stored before any consumer matched them, handed to the first consumer that does. */
  unclaimed: StoredMessage[];
}

const REDELIVERY_DELAY_MS = 50;

/**
 * The bus inside one process, with the same semantics as the NATS bus: asynchronous delivery,
 * queue groups, JSON encoding, durable work queues with redelivery on failure.
 * @example const bus = createMemoryBus(logger);
 */
export function createMemoryBus(logger: Logger): Bus {
  const listeners = new Set<Listener>();
  const streams = new Map<string, Stream>();
  const queueTurn = new Map<string, number>();
  let closed = false;

  const ensureOpen = () => {
    if (closed) throw new Error('bus is closed');
  };

  const receive = async <E extends EventContract>(
    event: E,
    handler: EventHandler<E>,
    subject: string,
    data: string,
  ) => {
    const parsed = event.schema.safeParse(JSON.parse(data));
    if (!parsed.success) {
      logger.warn('dropped event that breaks its contract', { subject, issues: parsed.error.message });
      return;
    }
    await handler(parsed.data as EventPayload<E>, subject);
  };

  const drain = (consumer: Consumer) => {
    if (consumer.busy || closed || consumer.workers.length === 0) return;
    const message = consumer.pending.shift();
    if (!message) return;
    consumer.busy = true;
    const worker = consumer.workers[consumer.next++ % consumer.workers.length]!;
    setImmediate(() => {
      void worker(message).then((acked) => {
        consumer.busy = false;
        if (!acked)
          setTimeout(() => (consumer.pending.unshift(message), drain(consumer)), REDELIVERY_DELAY_MS);
        drain(consumer);
      });
    });
  };

  return {
    kind: 'memory',

    async publish(event, payload) {
      ensureOpen();
      const data = JSON.stringify(checkPayload(event, payload));
      const byQueue = new Map<string, Listener[]>();
      for (const listener of listeners) {
        if (!subjectMatches(listener.pattern, event.subject)) continue;
        if (listener.queue === undefined) {
          setImmediate(() => listener.deliver(event.subject, data));
        } else {
          const key = `${listener.pattern}|${listener.queue}`;
          byQueue.set(key, [...(byQueue.get(key) ?? []), listener]);
        }
      }
      for (const [key, members] of byQueue) {
        const turn = queueTurn.get(key) ?? 0;
        queueTurn.set(key, turn + 1);
        const member = members[turn % members.length]!;
        setImmediate(() => member.deliver(event.subject, data));
      }
    },

    async subscribe(event, handler, options = {}) {
      ensureOpen();
      const listener: Listener = {
        pattern: event.subject,
        queue: options.queue,
        deliver: (subject, data) => {
          receive(event, handler, subject, data).catch((error: unknown) =>
            logger.error('event handler failed', { subject, error: String(error) }),
          );
        },
      };
      listeners.add(listener);
      return { unsubscribe: async () => void listeners.delete(listener) };
    },

    async ensureStream(name, subjects) {
      ensureOpen();
      const existing = streams.get(name);
      if (existing) existing.subjects = subjects;
      else streams.set(name, { subjects, consumers: new Map(), unclaimed: [] });
    },

    async publishDurable(event, payload) {
      ensureOpen();
      const data = JSON.stringify(checkPayload(event, payload));
      const stream = [...streams.values()].find((s) =>
        s.subjects.some((p) => subjectMatches(p, event.subject)),
      );
      if (!stream) throw new Error(`no stream holds subject ${event.subject}`);
      const message = { subject: event.subject, data };
      const consumer = [...stream.consumers.values()].find((c) => subjectMatches(c.filter, event.subject));
      if (!consumer) {
        stream.unclaimed.push(message);
        return;
      }
      consumer.pending.push(message);
      drain(consumer);
    },

    async consume(queue: WorkQueue, event, handler): Promise<Subscription> {
      ensureOpen();
      const stream = streams.get(queue.stream);
      if (!stream) throw new Error(`stream ${queue.stream} does not exist`);
      let consumer = stream.consumers.get(queue.durable);
      if (!consumer) {
        const claimed = stream.unclaimed.filter((m) => subjectMatches(event.subject, m.subject));
        stream.unclaimed = stream.unclaimed.filter((m) => !claimed.includes(m));
        consumer = { filter: event.subject, pending: claimed, workers: [], next: 0, busy: false };
        stream.consumers.set(queue.durable, consumer);
      }
      const worker = (message: StoredMessage) =>
        receive(event, handler, message.subject, message.data).then(
          () => true,
          (error: unknown) => {
            logger.warn('work handler failed, will redeliver', {
              subject: message.subject,
              error: String(error),
            });
            return false;
          },
        );
      consumer.workers.push(worker);
      const owner = consumer;
      drain(owner);
      return {
        unsubscribe: async () => {
          owner.workers = owner.workers.filter((w) => w !== worker);
        },
      };
    },

    async ping() {
      ensureOpen();
    },

    async close() {
      closed = true;
      listeners.clear();
    },
  };
}
