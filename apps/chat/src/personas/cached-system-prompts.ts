import { personasChanged } from '@gaia/contracts';
import type { Bus, Logger } from '@gaia/platform';
import type { PersonaStore } from './persona-store.js';

export interface CachedSystemPromptsOptions {
  bus: Bus;
  logger: Logger;
  /** How long a prompt is trusted without an event: the bound on staleness while the bus is down. */
  ttlMs?: number;
  /** Users kept, oldest dropped first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  prompt: Promise<string>;
  /** From here on a hit also reads the prompt again, in the background. */
  refreshAt: number;
  expiresAt: number;
}

// Share of the TTL after which a prompt in use is read again ahead of its expiry, so a busy user's
// requests never wait for the database.
const REFRESH_AHEAD = 0.8;
// Share of the TTL between two refresh attempts, so a failing database is not asked on every request.
const REFRESH_PAUSE = 0.05;

/**
 * The persona store with each user's system prompt kept in memory, so a chat request costs no
 * database round trip for it. Every change that can alter a prompt drops the affected entries here at
 * once and, through `gaia.personas.changed`, on every other replica; concurrent misses for one user
 * share a single lookup, and a prompt in use is read again in the background before it expires.
 * @example const personas = await cacheSystemPrompts(createPersonaStore(prisma), { bus, logger });
 */
export async function cacheSystemPrompts(
  store: PersonaStore,
  { bus, logger, ttlMs = 60_000, maxEntries = 10_000, now = Date.now }: CachedSystemPromptsOptions,
): Promise<PersonaStore> {
  const prompts = new Map<string, Entry>();
  const forget = (userId: string | null) => {
    if (userId === null) prompts.clear();
    else prompts.delete(userId);
  };
  await bus.subscribe(personasChanged, (event) => forget(event.user_id));

  const changed = async (userId: string | null) => {
    forget(userId);
    await bus
      .publish(personasChanged, { user_id: userId, timestamp: new Date().toISOString() })
      .catch((error: unknown) => logger.warn('persona change not published', { error: String(error) }));
  };

  const read = (userId: string): Entry => {
    const at = now();
    return {
      prompt: store.systemPromptFor(userId),
      refreshAt: at + ttlMs * REFRESH_AHEAD,
      expiresAt: at + ttlMs,
    };
  };

  /** Replaces the entry once the new read succeeds, unless a change dropped it meanwhile. */
  const refresh = (userId: string, current: Entry) => {
    current.refreshAt = now() + ttlMs * REFRESH_PAUSE;
    const next = read(userId);
    next.prompt.then(
      () => {
        if (prompts.get(userId) === current) prompts.set(userId, next);
      },
      (error: unknown) => logger.warn('system prompt not refreshed', { error: String(error) }),
    );
  };

  const systemPromptFor = (userId: string): Promise<string> => {
    const cached = prompts.get(userId);
    const at = now();
    if (cached && cached.expiresAt > at) {
      if (cached.refreshAt <= at) refresh(userId, cached);
      return cached.prompt;
    }
    if (prompts.size >= maxEntries) prompts.delete(prompts.keys().next().value!);
    const entry = read(userId);
    prompts.set(userId, entry);
    entry.prompt.catch(() => {
      if (prompts.get(userId) === entry) prompts.delete(userId);
    });
    return entry.prompt;
  };

  return {
    ...store,
    systemPromptFor,
    async update(id, changes) {
      const persona = await store.update(id, changes);
      await changed(null);
      return persona;
    },
    async delete(id) {
      await store.delete(id);
      await changed(null);
    },
    async setCurrent(userId, personaId) {
      const persona = await store.setCurrent(userId, personaId);
      await changed(userId);
      return persona;
    },
    async initializeDefault() {
      const result = await store.initializeDefault();
      if (result.wasCreated) await changed(null);
      return result;
    },
  };
}
