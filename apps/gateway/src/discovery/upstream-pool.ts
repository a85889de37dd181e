/** One endpoint of a service and the requests it is serving for this gateway. */
export interface Upstream {
  readonly url: URL;
  inFlight: number;
}

export interface UpstreamPool {
  /** The service URL's scheme, `http:` or `https:`. */
  readonly protocol: string;
  /** Ready endpoints right now. */
  readonly size: number;
  /**
   * The endpoint with the fewest requests in flight (ties take turns), counted as one more in flight;
   * undefined when none is ready. Every picked endpoint must be released exactly once.
   */
  pick(): Upstream | undefined;
  /** The request sent to `upstream` is over (answered, failed or abandoned by the client). */
  release(upstream: Upstream): void;
  /** Replaces the ready endpoints (`host:port`); endpoints that stay keep their in-flight counts. */
  update(hosts: readonly string[]): void;
}

/**
 * The ready endpoints of one service, balanced by least in-flight requests. Endpoint URLs are the
 * service URL with its host replaced, so scheme and base path carry over.
 * @example const pool = createUpstreamPool('http://gaia-chat:8003', ['10.0.0.7:8003']); const upstream = pool.pick();
 */
export function createUpstreamPool(serviceUrl: string, hosts: readonly string[] = []): UpstreamPool {
  let upstreams: Upstream[] = [];
  let cursor = 0;

  const pool: UpstreamPool = {
    protocol: new URL(serviceUrl).protocol,
    get size() {
      return upstreams.length;
    },
    pick() {
      const count = upstreams.length;
      if (count === 0) return undefined;
      if (cursor >= count) cursor = 0;
      // Scanning from a rotating start makes equal endpoints take turns; an idle one ends the scan.
      let best = upstreams[cursor]!;
      for (let offset = 1; offset < count && best.inFlight > 0; offset++) {
        const candidate = upstreams[(cursor + offset) % count]!;
        if (candidate.inFlight < best.inFlight) best = candidate;
      }
      cursor++;
      best.inFlight++;
      return best;
    },
    release(upstream) {
      upstream.inFlight--;
    },
    update(next) {
      const known = new Map(upstreams.map((upstream) => [upstream.url.host, upstream]));
      upstreams = [...new Set(next)].map((host) => {
        const url = new URL(serviceUrl);
        url.host = host;
        return known.get(url.host) ?? { url, inFlight: 0 };
      });
    },
  };
  pool.update(hosts);
  return pool;
}
