import type { Request, RequestHandler, Response } from 'express';

export const FAULTS = ['none', '500', '429', 'reset'] as const;
export type Fault = (typeof FAULTS)[number];

/** How every upstream route misbehaves: delay first, then the fault. */
export interface Knobs {
  latencyMs: number;
  fault: Fault;
  /** Sent as `Retry-After` with the 429 fault. */
  retryAfterSeconds: number;
}

export const DEFAULT_KNOBS: Readonly<Knobs> = { latencyMs: 0, fault: 'none', retryAfterSeconds: 1 };

/** The request headers that override the server-wide knobs for a single request. */
export const KNOB_HEADERS = {
  latencyMs: 'x-fake-latency-ms',
  fault: 'x-fake-fault',
  retryAfterSeconds: 'x-fake-retry-after-seconds',
} as const satisfies Record<keyof Knobs, string>;

/** A knob value that cannot be used; the message names the knob and the accepted values. */
export class InvalidKnobError extends Error {
  override name = 'InvalidKnobError';
}

/** Answers a request with the upstream's own error body for an injected 429 or 500. */
export type FaultResponder = (status: 429 | 500, req: Request, res: Response) => void;

/**
 * Validates a JSON knob update such as the body of `POST /__control/knobs`; unknown keys are rejected.
 * @example Object.assign(knobs, parseKnobUpdate({ fault: '429', retryAfterSeconds: 2 }));
 */
export function parseKnobUpdate(input: unknown): Partial<Knobs> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidKnobError('knobs must be a JSON object');
  }
  const update: Partial<Knobs> = {};
  for (const [key, value] of Object.entries(input)) {
    switch (key) {
      case 'latencyMs':
      case 'retryAfterSeconds':
        update[key] = requireNonNegativeInteger(key, value);
        break;
      case 'fault':
        update.fault = requireFault(value);
        break;
      default:
        throw new InvalidKnobError(`unknown knob "${key}" (known: latencyMs, fault, retryAfterSeconds)`);
    }
  }
  return update;
}

/**
 * Validates knob values given as text (request headers, command-line flags); absent ones are skipped.
 * @example parseKnobStrings({ latencyMs: '250', fault: 'reset' }) // { latencyMs: 250, fault: 'reset' }
 */
export function parseKnobStrings(raw: { [K in keyof Knobs]?: string | undefined }): Partial<Knobs> {
  const update: Partial<Knobs> = {};
  if (raw.latencyMs !== undefined) update.latencyMs = parseNonNegativeInteger('latencyMs', raw.latencyMs);
  if (raw.retryAfterSeconds !== undefined) {
    update.retryAfterSeconds = parseNonNegativeInteger('retryAfterSeconds', raw.retryAfterSeconds);
  }
  if (raw.fault !== undefined) update.fault = requireFault(raw.fault);
  return update;
}

/**
 * Applies latency and faults to every request of an upstream. The server-wide `knobs` object is read per
 * request, so changing it takes effect at once; `x-fake-*` request headers override it for one request.
 * An invalid header is answered with 400 so a misconfigured test fails loudly.
 * @example app.use('/auth/v1', knobsMiddleware(knobs, respondWithGoTrueFault), gotrue.router);
 */
export function knobsMiddleware(knobs: Knobs, respondWithFault: FaultResponder): RequestHandler {
  return (req, res, next) => {
    let effective: Knobs;
    try {
      effective = { ...knobs, ...parseKnobStrings(knobHeaderValues(req)) };
    } catch (error) {
      if (!(error instanceof InvalidKnobError)) throw error;
      res.status(400).json({ message: error.message });
      return;
    }
    const applyFault = () => {
      switch (effective.fault) {
        case 'none':
          next();
          return;
        case 'reset':
          req.socket.resetAndDestroy();
          return;
        case '429':
          res.setHeader('Retry-After', String(effective.retryAfterSeconds));
          respondWithFault(429, req, res);
          return;
        case '500':
          respondWithFault(500, req, res);
          return;
      }
    };
    if (effective.latencyMs === 0) {
      applyFault();
      return;
    }
    const timer = setTimeout(applyFault, effective.latencyMs);
    // Nothing has been sent yet, so 'close' here means the client or close() dropped the connection.
    res.once('close', () => clearTimeout(timer));
  };
}

function knobHeaderValues(req: Request): { [K in keyof Knobs]: string | undefined } {
  return {
    latencyMs: req.get(KNOB_HEADERS.latencyMs),
    fault: req.get(KNOB_HEADERS.fault),
    retryAfterSeconds: req.get(KNOB_HEADERS.retryAfterSeconds),
  };
}

function requireFault(value: unknown): Fault {
  if (typeof value === 'string' && (FAULTS as readonly string[]).includes(value)) return value as Fault;
  throw new InvalidKnobError(`fault must be one of ${FAULTS.join(', ')} (got ${JSON.stringify(value)})`);
}

function requireNonNegativeInteger(name: string, value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  throw new InvalidKnobError(`${name} must be a non-negative integer (got ${JSON.stringify(value)})`);
}

function parseNonNegativeInteger(name: string, text: string): number {
  if (!/^\d+$/.test(text.trim())) {
    throw new InvalidKnobError(`${name} must be a non-negative integer (got ${JSON.stringify(text)})`);
  }
  return requireNonNegativeInteger(name, Number(text));
}
