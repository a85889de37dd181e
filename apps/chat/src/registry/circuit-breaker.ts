export type CircuitState = 'closed' | 'half_open' | 'open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Error rate over the traffic window that opens the circuit, once the window has `minRequests`. */
  errorRateThreshold: number;
  minRequests: number;
  /** How long an open circuit refuses attempts before letting one probe through. */
  cooldownMs: number;
  now: () => number;
}

export interface CircuitBreaker {
  /** Current state; an open circuit turns half-open by itself once the cooldown has passed. */
  readonly state: CircuitState;
  readonly consecutiveFailures: number;
  /** Whether an attempt may start: always when closed, one probe at a time when half-open. */
  admit(): boolean;
  success(): void;
  /** `window` is the traffic window including this failure. */
  failure(window: { requests: number; errors: number }): void;
  /** An admitted attempt ended without telling anything about health (the client went away). */
  release(): void;
}

/**
 * Closed → open after `failureThreshold` consecutive failures or an error rate over the threshold;
 * open → half-open after `cooldownMs`, admitting one probe; the probe's success closes the circuit,
 * its failure opens it again for another cooldown.
 * @example const breaker = createCircuitBreaker({ failureThreshold: 5, errorRateThreshold: 0.5, minRequests: 10, cooldownMs: 30_000, now: Date.now });
 */
export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { failureThreshold, errorRateThreshold, minRequests, cooldownMs, now } = options;
  let state: CircuitState = 'closed';
  let openedAt = 0;
  let consecutiveFailures = 0;
  // When the half-open probe was admitted; a probe that never reports back stops blocking after a cooldown.
  let probeAdmittedAt: number | undefined;

  const current = (): CircuitState => {
    if (state === 'open' && now() - openedAt >= cooldownMs) {
      state = 'half_open';
      probeAdmittedAt = undefined;
    }
    return state;
  };

  return {
    get state() {
      return current();
    },
    get consecutiveFailures() {
      return consecutiveFailures;
    },
    admit() {
      const time = now();
      switch (current()) {
        case 'closed':
          return true;
        case 'open':
          return false;
        case 'half_open':
          if (probeAdmittedAt !== undefined && time - probeAdmittedAt < cooldownMs) return false;
          probeAdmittedAt = time;
          return true;
      }
    },
    success() {
      consecutiveFailures = 0;
      probeAdmittedAt = undefined;
      state = 'closed';
    },
    failure(window) {
      consecutiveFailures += 1;
      probeAdmittedAt = undefined;
      const tooManyErrors =
        window.requests >= minRequests && window.errors / window.requests >= errorRateThreshold;
      if (current() === 'half_open' || consecutiveFailures >= failureThreshold || tooManyErrors) {
        state = 'open';
        openedAt = now();
      }
    },
    release() {
      probeAdmittedAt = undefined;
    },
  };
}
