import express, { type ErrorRequestHandler, type Router } from 'express';
import { InvalidKnobError, parseKnobUpdate, type Knobs } from './knobs.js';
import type { RequestLog } from './request-log.js';
import type { Upstream } from './upstream.js';

/**
 * `POST /knobs` merges a JSON knob update into the server-wide knobs and answers with the result;
 * `GET /state` shows the knobs, the request log and each upstream's state. Mounted outside the knobs, so
 * a fake that is told to fail can still be told to stop.
 * @example app.use('/__control', controlRouter({ knobs, requests, upstreams: [gotrue] }));
 */
export function controlRouter(input: {
  knobs: Knobs;
  requests: RequestLog;
  upstreams: readonly Upstream[];
}): Router {
  const { knobs, requests, upstreams } = input;
  const router = express.Router();
  router.use(express.json());
  router.post('/knobs', (req, res) => {
    Object.assign(knobs, parseKnobUpdate(req.body));
    res.json(knobs);
  });
  router.get('/state', (_req, res) => {
    res.json({
      knobs,
      requests,
      upstreams: Object.fromEntries(upstreams.map((upstream) => [upstream.name, upstream.describeState()])),
    });
  });
  router.use(controlErrorHandler);
  return router;
}

const controlErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (error instanceof InvalidKnobError) {
    res.status(400).json({ message: error.message });
  } else if (error instanceof SyntaxError) {
    res.status(400).json({ message: `body is not valid JSON: ${error.message}` });
  } else {
    next(error);
  }
};
