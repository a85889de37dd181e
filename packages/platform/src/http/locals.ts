import type { Identity } from '@gaia/contracts';
import type { Logger } from '../logging/logger.js';
import type { ErrorBodyShape } from './errors.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares Locals in this namespace
  namespace Express {
    interface Locals {
      /** Id of this request, from `X-Request-Id` or generated; echoed in the response and every log line. */
      requestId: string;
      /** Logger carrying the request id. */
      logger: Logger;
      /** Set by SDK-compatible routes so errors answer in the SDK's shape. */
      errorShape?: ErrorBodyShape;
      /** Caller identity verified from the gateway's signed header. */
      identity?: Identity;
    }
  }
}
