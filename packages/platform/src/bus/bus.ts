import type { EventContract, EventPayload } from '@gaia/contracts';

export type EventHandler<E extends EventContract> = (
  payload: EventPayload<E>,
  subject: string,
) => void | Promise<void>;

export interface Subscription {
  unsubscribe(): Promise<void>;
}

/** A durable work queue: a JetStream stream and a named consumer whose workers share its messages. */
export interface WorkQueue {
  stream: string;
  durable: string;
}

/**
 * The service bus. Every payload is checked against its event's schema on publish and on receipt,
 * and encoded as JSON exactly once. Two implementations pass one contract suite: NATS (across
 * processes and pods) and in-process (one process, used when `NATS_URL` is unset).
 */
export interface Bus {
  readonly kind: 'nats' | 'memory';
  /** Fire-and-forget fan-out to every current subscriber (core NATS). */
  publish<E extends EventContract>(event: E, payload: EventPayload<E>): Promise<void>;
  /**
   * Resolves once the subscription is active. With `queue`, each message goes to one member of the group.
   * @example await bus.subscribe(authKeyRevoked, (event) => cache.evict(event.key_hash));
   */
  subscribe<E extends EventContract>(
    event: E,
    handler: EventHandler<E>,
    options?: { queue?: string },
  ): Promise<Subscription>;
  /** Creates or updates a work-queue stream holding the given subjects. */
  ensureStream(name: string, subjects: string[]): Promise<void>;
  /** Resolves only once the message is stored, so it survives a crash of any consumer. */
  publishDurable<E extends EventContract>(event: E, payload: EventPayload<E>): Promise<void>;
  /**
   * Delivers each stored message to one worker; a message is acknowledged (and confirmed by the server)
   * only after the handler resolves, and redelivered when it throws. Handlers must be idempotent.
   */
  consume<E extends EventContract>(
    queue: WorkQueue,
    event: E,
    handler: EventHandler<E>,
  ): Promise<Subscription>;
  /** Rejects when the bus cannot be used right now (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Thrown when a payload does not match its event's schema. */
export class ContractViolation extends Error {
  constructor(subject: string, issues: string) {
    super(`payload for ${subject} does not match its contract: ${issues}`);
    this.name = 'ContractViolation';
  }
}

/** Validates a payload for publishing; returns the parsed value (defaults applied). */
export function checkPayload<E extends EventContract>(event: E, payload: unknown): EventPayload<E> {
  const result = event.schema.safeParse(payload);
  if (!result.success) throw new ContractViolation(event.subject, result.error.message);
  return result.data as EventPayload<E>;
}

/**
 * Whether a concrete subject matches a NATS pattern (`*` one token, `>` the rest).
 * @example subjectMatches('gaia.chat.*.completed', 'gaia.chat.c1.completed') // true
 */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const got = subject.split('.');
  for (let i = 0; i < want.length; i += 1) {
    if (want[i] === '>') return got.length > i;
    if (i >= got.length || (want[i] !== '*' && want[i] !== got[i])) return false;
  }
  return want.length === got.length;
}
