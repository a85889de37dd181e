import type { Logger } from '@gaia/platform';

export interface RetriedTask {
  /** Settles after the first attempt, whether it worked or not. */
  readonly firstAttempt: Promise<void>;
  /** Readiness check: rejects until the task has succeeded once. */
  readonly check: () => Promise<void>;
  /** No further attempts. */
  readonly stop: () => Promise<void>;
}

/**
 * Runs a start-up task until it succeeds, waiting longer after each failure, so a service that starts
 * while its database is down reports not-ready and recovers instead of crashing.
 * @example const bootstrap = keepTrying('bootstrap key', () => ensureBootstrapKey(...), logger); await bootstrap.firstAttempt;
 */
export function keepTrying(
  what: string,
  task: () => Promise<void>,
  logger: Logger,
  { firstDelayMs = 500, maxDelayMs = 30_000 } = {},
): RetriedTask {
  let done = false;
  let stopped = false;
  let problem = 'first attempt still running';
  let timer: NodeJS.Timeout | undefined;

  const attempt = async (delayMs: number): Promise<void> => {
    try {
      await task();
      done = true;
    } catch (error) {
      problem = String(error);
      if (stopped) return;
      logger.warn(`${what} failed, will retry`, { error: problem, retry_in_ms: delayMs });
      timer = setTimeout(() => void attempt(Math.min(delayMs * 2, maxDelayMs)), delayMs);
    }
  };

  return {
    firstAttempt: attempt(firstDelayMs),
    check: async () => {
      if (!done) throw new Error(`${what} not done yet: ${problem}`);
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
