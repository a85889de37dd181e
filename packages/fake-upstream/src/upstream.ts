import type { Router } from 'express';
import type { FaultResponder } from './knobs.js';

/**
 * One faked external API. The server mounts `router` under `basePath`, behind request recording and the
 * latency/fault knobs, so an upstream module only implements the API's own wire protocol.
 */
export interface Upstream {
  /** Key under which the upstream's state appears in `GET /__control/state`. */
  readonly name: string;
  /** Path prefix of the real API, e.g. `/auth/v1`. */
  readonly basePath: string;
  readonly router: Router;
  /** Renders injected 429/500 faults the way the real API reports them. */
  readonly respondWithFault: FaultResponder;
  /** JSON-safe summary of the in-memory state. */
  describeState(): unknown;
}
