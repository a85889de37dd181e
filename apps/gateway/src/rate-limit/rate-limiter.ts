/** What one request got from the limiter. */
export interface RateLimitDecision {
  /** False when the request is over the limit and must be refused. */
  allowed: boolean;
  /** Requests per minute that applied to this request. */
  limit: number;
  /** Requests the subject may still send at once. */
  remaining: number;
  /**
   * Whole seconds (at least 1) until the window frees one more request; for a refused request, how
   * long to wait before retrying (`Retry-After`).
   */
  resetSeconds: number;
}

export interface RateLimiter {
  /**
   * Counts one request against `subject` (an API key id or `user:<id>`), at `limitPerMinute` when the
   * subject has a (positive) limit of its own, the default otherwise. With the limiter off every
   * request is allowed (limit 0). The decision object is reused by the next call, so read it at once.
   */
  take(subject: string, limitPerMinute?: number | null): Readonly<RateLimitDecision>;
  /** Subjects currently held (for tests and metrics). */
  readonly size: number;
}

export interface RateLimiterOptions {
  /** Requests per minute for subjects without a limit of their own; 0 turns the limiter off (`RATE_LIMIT_PER_MINUTE`). */
  limitPerMinute: number;
  /** Subjects held at most; at the cap a new subject pushes out the next one the sweep reaches (its debt is forgiven). */
  maxEntries?: number;
  /** Monotonic milliseconds; tests pass a fake clock. */
  now?: () => number;
}

interface Bucket {
  /** GCRA's theoretical arrival time, in whole microseconds of `now()`. */
  tat: number;
}

const WINDOW_US = 60_000_000;
const US_PER_SECOND = 1_000_000;
/** Held subjects examined each time a new one arrives: more than one, so the sweep outpaces arrivals. */
const SWEEP_STEPS = 2;

/**
 * Requests per minute per API key or user, in memory: **each gateway replica counts on its own**, so
 * with N replicas behind a load balancer a subject can get up to N times its limit.
 *
 * The algorithm is GCRA (a token bucket kept as one timestamp): a burst of up to `limit` requests is
 * allowed, then one more every `60 s / limit`, with no edge where a fixed window would let twice the
 * limit through. Each request is O(1) and allocates nothing for a subject already held. Time is
 * counted in whole microseconds, so the arithmetic is exact. A subject whose bucket is full again
 * holds no state worth keeping: each new subject advances a sweep over the held ones by two, dropping
 * the idle ones, so the map follows the callers active in the last minute; `maxEntries` caps it outright.
 * @example const limiter = createRateLimiter({ limitPerMinute: config.RATE_LIMIT_PER_MINUTE }); if (!limiter.take(keyId).allowed) throw ...;
 */
export function createRateLimiter({
  limitPerMinute,
  maxEntries = 100_000,
  now = performance.now.bind(performance),
}: RateLimiterOptions): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const decision: RateLimitDecision = { allowed: true, limit: 0, remaining: 0, resetSeconds: 1 };
  const unlimited: Readonly<RateLimitDecision> = Object.freeze({ ...decision });
  const seconds = (us: number) => Math.max(1, Math.ceil(us / US_PER_SECOND));

  // A clock sweep: a cursor that keeps its place in the map across calls, so each step is O(1).
  let cursor = buckets.keys();
  /** Makes room for a new subject: examines the next few held ones, dropping the idle (and one at the cap). */
  const sweep = (t: number) => {
    for (let steps = SWEEP_STEPS; steps > 0; steps--) {
      let next = cursor.next();
      if (next.done) {
        cursor = buckets.keys();
        next = cursor.next();
        if (next.done) return;
      }
      // An idle bucket is full again, the same as no bucket; at the cap an active one is forgiven.
      if (buckets.get(next.value)!.tat <= t || buckets.size >= maxEntries) buckets.delete(next.value);
    }
  };

  return {
    take(subject, own) {
      if (limitPerMinute <= 0) return unlimited;
      const limit = own !== undefined && own !== null && own > 0 ? own : limitPerMinute;
      // Each request takes `interval` of the window; rounding up keeps a burst at exactly `limit`.
      const interval = Math.ceil(WINDOW_US / limit);
      const capacity = limit * interval;
      const t = Math.floor(now() * 1000);
      let bucket = buckets.get(subject);
      const start = bucket !== undefined && bucket.tat > t ? bucket.tat : t;
      const used = start - t + interval;
      if (used > capacity) {
        // Refused requests take nothing, so a client retrying in a loop does not push its wait further.
        decision.allowed = false;
        decision.limit = limit;
        decision.remaining = 0;
        decision.resetSeconds = seconds(used - capacity);
        return decision;
      }
      if (bucket === undefined) {
        sweep(t);
        bucket = { tat: 0 };
        buckets.set(subject, bucket);
      }
      bucket.tat = start + interval;
      const remaining = Math.floor((capacity - used) / interval);
      decision.allowed = true;
      decision.limit = limit;
      decision.remaining = remaining;
      decision.resetSeconds = seconds(used - capacity + (remaining + 1) * interval);
      return decision;
    },
    get size() {
      return buckets.size;
    },
  };
}
