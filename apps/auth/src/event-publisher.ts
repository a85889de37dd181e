import type { EventContract, EventPayload } from '@gaia/contracts';
import type { Bus, Logger } from '@gaia/platform';

/** Publishes an event without making the caller wait for the bus. */
export type PublishEvent = <E extends EventContract>(event: E, payload: EventPayload<E>) => void;

/**
 * The database is the source of truth and events only tell other services about it, so a request must
 * not hang or fail while NATS is away: publishing happens in the background and failures are logged.
 * @example const publish = createEventPublisher(bus, logger); publish(authKeyRevoked, payload);
 */
export function createEventPublisher(bus: Bus, logger: Logger): PublishEvent {
  return (event, payload) => {
    bus
      .publish(event, payload)
      .catch((error: unknown) =>
        logger.error('event not published', { subject: event.subject, error: String(error) }),
      );
  };
}
