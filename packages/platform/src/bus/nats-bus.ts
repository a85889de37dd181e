import type { EventContract, EventPayload } from '@gaia/contracts';
import type { z } from 'zod';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import client from 'prom-client';
import type { Logger } from '../logging/logger.js';
import { checkPayload, type Bus, type Subscription } from './bus.js';

export interface NatsBusOptions {
  url: string;
  name: string;
  logger: Logger;
  /** Registry for `gaia_bus_connected`; omitted in tests that do not look at metrics. */
  registry?: client.Registry;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ACK_WAIT_NS = 30_000_000_000;
const MAX_DELIVER = 10;
const FLUSH_TIMEOUT_MS = 1500;

/**
 * The bus on NATS. Connecting never blocks start-up and never gives up: while the server is away
 * `ping` rejects (so `/ready` says not ready), publishes are buffered by the client, and
 * subscriptions and consumers resume when it returns.
 * @example const bus = createNatsBus({ url: config.NATS_URL, name: 'gateway', logger });
 */
export function createNatsBus({ url, name, logger, registry }: NatsBusOptions): Bus {
  const connected = new client.Gauge({
    name: 'gaia_bus_connected',
    help: '1 while the NATS connection is up, 0 otherwise',
    registers: registry ? [registry] : [],
  });
  connected.set(0);
  let closing = false;

  const connection: Promise<NatsConnection> = connect({
    servers: url,
    name,
    waitOnFirstConnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 5000,
  });
  connection.then(
    async (nc) => {
      connected.set(1);
      logger.info('bus connected', { server: nc.getServer() });
      for await (const status of nc.status()) {
        const type = String(status.type);
        if (type === 'disconnect') connected.set(0);
        if (type === 'reconnect') connected.set(1);
        if (type === 'disconnect' || type === 'reconnect')
          logger.warn(`bus ${type}`, { server: status.data });
      }
    },
    (error: unknown) => logger.error('bus connection failed', { error: String(error) }),
  );
  // Start-up must not wait for NATS: calls that need the connection await it.
  connection.catch(() => undefined);

  const decode = <E extends EventContract>(event: E, subject: string, data: Uint8Array) => {
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(data));
    } catch {
      logger.warn('dropped event that is not JSON', { subject });
      return { success: false } as z.ZodSafeParseResult<EventPayload<E>>;
    }
    const parsed = event.schema.safeParse(value);
    if (!parsed.success)
      logger.warn('dropped event that breaks its contract', { subject, issues: parsed.error.message });
    return parsed as z.ZodSafeParseResult<EventPayload<E>>;
  };

  const withDeadline = async <T>(work: Promise<T>, ms: number, what: string): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work,
        new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)),
        ),
      ]);
    } finally {
      clearTimeout(timer);
    }
  };

  // Publishes made in one turn of the event loop go out together: nats.js writes to the socket once
  // per batch handed to it, and a socket write costs more than the rest of a publish.
  let outgoing: { subject: string; data: Uint8Array }[] = [];
  let sending: Promise<void> | undefined;
  const sendOutgoing = async () => {
    const batch = outgoing;
    outgoing = [];
    sending = undefined;
    const nc = await connection;
    for (const { subject, data } of batch) nc.publish(subject, data);
  };

  return {
    kind: 'nats',

    async publish(event, payload) {
      const data = encoder.encode(JSON.stringify(checkPayload(event, payload)));
      outgoing.push({ subject: event.subject, data });
      sending ??= new Promise<void>((resolve) => setImmediate(resolve)).then(sendOutgoing);
      return sending;
    },

    async subscribe(event, handler, options = {}) {
      const nc = await connection;
      const sub = nc.subscribe(event.subject, options.queue ? { queue: options.queue } : {});
      void (async () => {
        for await (const message of sub) {
          try {
            const parsed = decode(event, message.subject, message.data);
            if (parsed.success) await handler(parsed.data, message.subject);
          } catch (error) {
            logger.error('event handler failed', { subject: message.subject, error: String(error) });
          }
        }
      })();
      await nc.flush();
      return { unsubscribe: async () => sub.unsubscribe() };
    },

    async ensureStream(stream, subjects) {
      const jsm = await (await connection).jetstreamManager();
      const config = {
        name: stream,
        subjects,
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
      };
      try {
        await jsm.streams.info(stream);
        await jsm.streams.update(stream, { subjects });
      } catch {
        await jsm.streams.add(config);
      }
    },

    async publishDurable(event, payload) {
      const data = encoder.encode(JSON.stringify(checkPayload(event, payload)));
      await (await connection).jetstream().publish(event.subject, data);
    },

    async consume(queue, event, handler): Promise<Subscription> {
      const nc = await connection;
      const jsm = await nc.jetstreamManager();
      await jsm.consumers.add(queue.stream, {
        durable_name: queue.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        filter_subject: event.subject,
        ack_wait: ACK_WAIT_NS,
        max_deliver: MAX_DELIVER,
      });
      const consumer = await nc.jetstream().consumers.get(queue.stream, queue.durable);
      const messages = await consumer.consume({ max_messages: 16 });
      const work = async (message: JsMsg) => {
        const parsed = decode(event, message.subject, message.data);
        if (!parsed.success) return message.term();
        try {
          await handler(parsed.data, message.subject);
        } catch (error) {
          logger.warn('work handler failed, will redeliver', {
            subject: message.subject,
            error: String(error),
          });
          return message.nak(250);
        }
        // ackAck waits for the server to confirm, so a crash right after cannot lose the ack silently.
        await message
          .ackAck()
          .catch((error: unknown) => logger.warn('ack not confirmed', { error: String(error) }));
      };
      void (async () => {
        for await (const message of messages) await work(message);
      })();
      return { unsubscribe: async () => void (await messages.close()) };
    },

    async ping() {
      const nc = await withDeadline(connection, FLUSH_TIMEOUT_MS, 'connect');
      if (nc.isClosed()) throw new Error('connection closed');
      await withDeadline(nc.flush(), FLUSH_TIMEOUT_MS, 'flush');
    },

    async close() {
      if (closing) return;
      closing = true;
      await sending?.catch(() => undefined);
      const nc = await withDeadline(connection, 500, 'connect').catch(() => undefined);
      if (nc && !nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
