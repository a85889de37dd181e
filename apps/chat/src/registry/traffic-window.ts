/** Recent traffic of one provider or model, as health reports it. */
export interface TrafficSnapshot {
  /** Attempts that ended (success or error) within the window. */
  requests: number;
  errors: number;
  /** errors / requests within the window; 0 without traffic. */
  errorRate: number;
  /** Moving averages over recent successful attempts; null until one succeeded. */
  timeToFirstTokenMs: number | null;
  durationMs: number | null;
  lastRequestAt: number | null;
  lastError: { message: string; at: number } | null;
}

export interface TrafficWindow {
  success(sample: { durationMs: number; timeToFirstTokenMs?: number | undefined }): void;
  error(message: string): void;
  snapshot(): TrafficSnapshot;
}

const SLICES = 10;
// Weight of the newest sample in the moving averages: recent enough to notice a slowdown in a few requests.
const EWMA_WEIGHT = 0.3;

const ewma = (previous: number | null, sample: number) =>
  previous === null ? sample : previous + EWMA_WEIGHT * (sample - previous);

/**
 * Success and error counts over the last `windowMs` (kept in ten time slices, so memory stays constant)
 * plus moving averages of latency and time to first token.
 * @example const traffic = createTrafficWindow({ windowMs: 300_000, now: Date.now }); traffic.error('502 Bad Gateway');
 */
export function createTrafficWindow({
  windowMs,
  now,
}: {
  windowMs: number;
  now: () => number;
}): TrafficWindow {
  const sliceMs = windowMs / SLICES;
  const slices: { start: number; requests: number; errors: number }[] = [];
  let timeToFirstTokenMs: number | null = null;
  let durationMs: number | null = null;
  let lastRequestAt: number | null = null;
  let lastError: TrafficSnapshot['lastError'] = null;

  const prune = (time: number) => {
    while (slices.length > 0 && slices[0]!.start <= time - windowMs) slices.shift();
  };
  const count = (failed: boolean) => {
    const time = now();
    prune(time);
    const start = Math.floor(time / sliceMs) * sliceMs;
    let slice = slices.at(-1);
    if (slice?.start !== start) {
      slice = { start, requests: 0, errors: 0 };
      slices.push(slice);
    }
    slice.requests += 1;
    if (failed) slice.errors += 1;
    lastRequestAt = time;
    return time;
  };

  return {
    success(sample) {
      count(false);
      durationMs = ewma(durationMs, sample.durationMs);
      if (sample.timeToFirstTokenMs !== undefined) {
        timeToFirstTokenMs = ewma(timeToFirstTokenMs, sample.timeToFirstTokenMs);
      }
    },
    error(message) {
      lastError = { message, at: count(true) };
    },
    snapshot() {
      prune(now());
      const requests = slices.reduce((sum, slice) => sum + slice.requests, 0);
      const errors = slices.reduce((sum, slice) => sum + slice.errors, 0);
      return {
        requests,
        errors,
        errorRate: requests === 0 ? 0 : errors / requests,
        timeToFirstTokenMs,
        durationMs,
        lastRequestAt,
        lastError,
      };
    },
  };
}
