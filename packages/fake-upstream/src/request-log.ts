import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/auth/v1/token`. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
}

/** What the upstreams received, including requests later failed by a fault; control routes excluded. */
export interface RequestLog {
  /** Keyed by `METHOD /path`, e.g. `POST /auth/v1/token`. */
  countsByRoute: Record<string, number>;
  last: RecordedRequest | undefined;
}

/**
 * An empty request log.
 * @example const log = createRequestLog(); app.use('/auth/v1', recordRequests(log), router);
 */
export function createRequestLog(): RequestLog {
  return { countsByRoute: {}, last: undefined };
}

/**
 * Counts each request by route and remembers the latest one.
 * @example app.use('/auth/v1', recordRequests(state.requests), router);
 */
export function recordRequests(log: RequestLog): RequestHandler {
  return (req, _res, next) => {
    const [path = '', query = ''] = req.originalUrl.split('?', 2);
    const route = `${req.method} ${path}`;
    log.countsByRoute[route] = (log.countsByRoute[route] ?? 0) + 1;
    log.last = { method: req.method, path, query, headers: { ...req.headers } };
    next();
  };
}
