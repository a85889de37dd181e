import type { z } from 'zod';

/**
 * A bus event: its NATS subject and the zod schema of its payload, defined once and shared by
 * publishers and subscribers.
 * @example export const keyRevoked = defineEvent('gaia.auth.key.revoked', z.object({ key_hash: z.string() }));
 */
export interface EventContract<Schema extends z.ZodType = z.ZodType> {
  readonly subject: string;
  readonly schema: Schema;
}

export type EventPayload<E extends EventContract> = z.infer<E['schema']>;

export function defineEvent<Schema extends z.ZodType>(
  subject: string,
  schema: Schema,
): EventContract<Schema> {
  return { subject, schema };
}

/**
 * A family of events whose subject carries a parameter, such as `gaia.chat.<conversation>.completed`.
 * `at(param)` gives the concrete event to publish; `any` is the wildcard event to subscribe to.
 * @example chatCompleted.at(conversationId)
 */
export interface EventFamily<Schema extends z.ZodType = z.ZodType> {
  at(param: string): EventContract<Schema>;
  readonly any: EventContract<Schema>;
}

export function defineEventFamily<Schema extends z.ZodType>(
  subject: (param: string) => string,
  schema: Schema,
): EventFamily<Schema> {
  return { at: (param) => defineEvent(subject(param), schema), any: defineEvent(subject('*'), schema) };
}
