/** One reading and when it was taken (ms since the epoch). */
export interface Sample<T> {
  at: number;
  value: T;
}

export interface Sampler<T> {
  /** Takes a reading now, besides the timer's. */
  take(): void;
  /** The newest reading taken at or before `time`; undefined when none is that old. */
  before(time: number): Sample<T> | undefined;
  /** Readings taken at or after `time`, oldest first. */
  since(time: number): Sample<T>[];
}

/**
 * Takes a reading at once and then every `intervalMs` (on an unref'd timer), keeping `keepMs` of them
 * plus the one just older, so that `before(now - keepMs)` still answers.
 * @example const requests = createSampler({ read: () => registry.stats().summary.requests, intervalMs: 60_000, keepMs: 86_400_000 });
 */
export function createSampler<T>({
  read,
  intervalMs,
  keepMs,
  now = Date.now,
}: {
  read: () => T;
  intervalMs: number;
  keepMs: number;
  now?: () => number;
}): Sampler<T> {
  const samples: Sample<T>[] = [];
  const take = () => {
    const at = now();
    samples.push({ at, value: read() });
    while (samples.length > 1 && samples[1]!.at <= at - keepMs) samples.shift();
  };
  take();
  setInterval(take, intervalMs).unref();
  return {
    take,
    before: (time) => samples.findLast((sample) => sample.at <= time),
    since: (time) => samples.filter((sample) => sample.at >= time),
  };
}
