import type { Identity } from '@gaia/contracts';
import client from 'prom-client';
import type { Caller } from './caller.js';
import type { KeyLookup } from './key-lookup.js';

export type KeyIdentity = Extract<Identity, { auth_type: 'user_api_key' }>;

export interface ApiKeyCache {
  /**
   * The owner of the key with this SHA-256 hash, with the key's own rate limit (rate limited by key
   * id), null when the key is unknown, revoked or expired. Rejects with a 503 when the auth service
   * cannot answer.
   */
  resolve(keyHash: string): Promise<Caller<KeyIdentity> | null>;
  /** Forgets a key at once (its revocation arrived on the bus). */
  evict(keyHash: string): void;
}

export interface ApiKeyCacheOptions {
  lookup: KeyLookup;
  /** How long a valid key is trusted (`KEY_CACHE_TTL_SECONDS`). */
  ttlMs: number;
  /** How long an invalid key is remembered, so a retrying client does not hammer the auth service. */
  negativeTtlMs?: number;
  /** Entries kept per kind (valid, invalid), oldest dropped first. */
  maxEntries?: number;
  registry: client.Registry;
  now?: () => number;
}

interface Entry {
  caller: Caller<KeyIdentity> | null;
  /** From here on a hit also asks the auth service again, in the background (valid keys only). */
  refreshAt: number;
  expiresAt: number;
}

// Share of the TTL after which a valid key is looked up again ahead of its expiry, so busy keys never
// expire under traffic and no request waits for the auth service once a key is known.
const REFRESH_AHEAD = 0.8;
// Share of the TTL between two refresh attempts, so a failing auth service is not asked on every request.
const REFRESH_PAUSE = 0.05;

/** Only a positive whole number is a limit of the key's own; anything else leaves the default. */
const ownLimit = (perMinute: number | null) =>
  perMinute !== null && Number.isSafeInteger(perMinute) && perMinute > 0 ? perMinute : null;

/**
 * API keys resolved by the auth service, kept for a short time so an authenticated request needs no
 * network call. Concurrent misses for one key share a single lookup, and a valid key in use is looked
 * up again in the background before it expires, so its requests never wait for the auth service. Valid
 * and invalid keys are kept apart so a client spraying random keys cannot push valid keys out.
 * @example const keys = createApiKeyCache({ lookup, ttlMs: 60_000, registry }); await bus.subscribe(authKeyRevoked, (e) => keys.evict(e.key_hash));
 */
export function createApiKeyCache({
  lookup,
  ttlMs,
  negativeTtlMs = 5000,
  maxEntries = 10_000,
  registry,
  now = Date.now,
}: ApiKeyCacheOptions): ApiKeyCache {
  const valid = new Map<string, Entry>();
  const invalid = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Caller<KeyIdentity> | null>>();

  const lookups = new client.Counter({
    name: 'gaia_gateway_key_cache_total',
    help: 'API key resolutions by the gateway, by result: hit (answered from the cache) or miss (asked the auth service)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const hit = { result: 'hit' };
  const miss = { result: 'miss' };
  new client.Gauge({
    name: 'gaia_gateway_key_cache_entries',
    help: 'API keys held in the gateway cache, by kind: valid or invalid',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.set({ kind: 'valid' }, valid.size);
      this.set({ kind: 'invalid' }, invalid.size);
    },
  });
  const revocations = new client.Counter({
    name: 'gaia_gateway_key_revocations_total',
    help: 'API key revocations received from the bus',
    registers: [registry],
  });

  const remember = (keyHash: string, caller: Caller<KeyIdentity> | null) => {
    // A refresh may find a once valid key revoked or expired: it must not stay in the other map.
    valid.delete(keyHash);
    invalid.delete(keyHash);
    const entries = caller ? valid : invalid;
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    const at = now();
    entries.set(
      keyHash,
      caller
        ? { caller, refreshAt: at + ttlMs * REFRESH_AHEAD, expiresAt: at + ttlMs }
        : { caller, refreshAt: Infinity, expiresAt: at + negativeTtlMs },
    );
  };

  const ask = (keyHash: string) => {
    const pending: Promise<Caller<KeyIdentity> | null> = lookup(keyHash).then(
      (answer) => {
        const caller: Caller<KeyIdentity> | null = answer.valid
          ? {
              identity: {
                auth_type: 'user_api_key',
                user_id: answer.user_id,
                key_id: answer.key_id,
                scopes: answer.scopes,
              },
              subject: answer.key_id,
              rateLimitPerMinute: ownLimit(answer.rate_limit_per_minute),
            }
          : null;
        // A revocation that arrived while the lookup was running removed it from `inFlight`; keep nothing then.
        if (inFlight.get(keyHash) === pending) {
          inFlight.delete(keyHash);
          remember(keyHash, caller);
        }
        return caller;
      },
      (error: unknown) => {
        if (inFlight.get(keyHash) === pending) inFlight.delete(keyHash);
        throw error;
      },
    );
    inFlight.set(keyHash, pending);
    return pending;
  };

  return {
    resolve(keyHash) {
      const entry = valid.get(keyHash) ?? invalid.get(keyHash);
      if (entry) {
        const at = now();
        if (entry.expiresAt > at) {
          lookups.inc(hit);
          if (entry.refreshAt <= at && !inFlight.has(keyHash)) {
            // A success replaces the entry; after a failure (logged by the lookup) it serves until it expires.
            entry.refreshAt = at + ttlMs * REFRESH_PAUSE;
            ask(keyHash).catch(() => undefined);
          }
          return Promise.resolve(entry.caller);
        }
        (entry.caller ? valid : invalid).delete(keyHash);
      }
      lookups.inc(miss);
      return inFlight.get(keyHash) ?? ask(keyHash);
    },

    evict(keyHash) {
      revocations.inc();
      valid.delete(keyHash);
      invalid.delete(keyHash);
      inFlight.delete(keyHash);
    },
  };
}
