import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logging/logger.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * Gives every request an id (the caller's `X-Request-Id` when well-formed) and a logger that carries it.
 * @example app.use(requestContext(logger));
 */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.headers['x-request-id'] = requestId;
    res.locals.requestId = requestId;
    res.locals.logger = logger.child({ request_id: requestId });
    res.setHeader('X-Request-Id', requestId);
    next();
  };
}
