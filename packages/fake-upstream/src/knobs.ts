import type { Request, RequestHandler, Response } from 'express';

/**
 * `500`, `429` and `reset` strike before the upstream sees the request. `stall`, `reset-mid-stream` and
 * `error-mid-stream` ({@link STREAM_FAULTS}) strike a token stream after its first few tokens: `stall`
 * stops sending without closing, `reset-mid-stream` resets the connection, `error-mid-stream` sends the
 * API's error event (a server error) and ends the stream; an unstreamed reply gets a 500 instead. They only affect requests that generate tokens
 * (chat completions, messages); GoTrue and listings answer normally and do not use up `faultCount`.
 */
export const FAULTS = [
  'none',
  '500',
  '429',
  'reset',
  'stall',
  'reset-mid-stream',
  'error-mid-stream',
] as const;
export type Fault = (typeof FAULTS)[number];

export const STREAM_FAULTS = [
  'stall',
  'reset-mid-stream',
  'error-mid-stream',
] as const satisfies readonly Fault[];
export type StreamFault = (typeof STREAM_FAULTS)[number];

/** How every upstream route misbehaves: delay first, then the fault; token streams are paced. */
export interface Knobs {
  /** Delay before the upstream handles the request, so before any response header. */
  latencyMs: number;
  fault: Fault;
  /**
   * How many more requests the server-wide `fault` strikes; each one struck counts down, and at 0 the
   * upstreams behave normally again. `null`: every request. Faults set by header are not counted.
   */
  faultCount: number | null;
  /** Sent as `Retry-After` with the 429 fault. */
  retryAfterSeconds: number;
  /** Time to first token: ms from the response headers (sent at once when streaming) to the first token. */
  ttftMs: number;
  /** Output tokens (words) per reply, unless the request's max tokens are fewer. */
  tokens: number;
  /** Ms between consecutive tokens. */
  gapMs: number;
}

export const DEFAULT_KNOBS: Readonly<Knobs> = {
  latencyMs: 0,
  fault: 'none',
  faultCount: null,
  retryAfterSeconds: 1,
  ttftMs: 0,
  tokens: 16,
  gapMs: 0,
};

/** Knobs that can also be given as text: request headers and command-line flags. */
export type TextKnob = Exclude<keyof Knobs, 'faultCount'>;

/** The request headers that override the server-wide knobs for a single request. */
export const KNOB_HEADERS = {
  latencyMs: 'x-fake-latency-ms',
  fault: 'x-fake-fault',
  retryAfterSeconds: 'x-fake-retry-after-seconds',
  ttftMs: 'x-fake-ttft-ms',
  tokens: 'x-fake-tokens',
  gapMs: 'x-fake-gap-ms',
} as const satisfies Record<TextKnob, string>;

/** Largest delay a Node timer honours; longer ones would fire after 1 ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** Upper bounds of the integer knobs; `tokens` is bounded so one reply stays small in memory. */
const INTEGER_KNOB_MAXIMA = {
  latencyMs: MAX_TIMER_MS,
  retryAfterSeconds: Number.MAX_SAFE_INTEGER,
  ttftMs: MAX_TIMER_MS,
  tokens: 100_000,
  gapMs: MAX_TIMER_MS,
} as const satisfies Record<Exclude<TextKnob, 'fault'>, number>;
type IntegerKnob = keyof typeof INTEGER_KNOB_MAXIMA;

/** A knob value that cannot be used; the message names the knob and the accepted values. */
export class InvalidKnobError extends Error {
  override name = 'InvalidKnobError';
}

/** Answers a request with the upstream's own error body for an injected 429 or 500. */
export type FaultResponder = (status: 429 | 500, req: Request, res: Response) => void;

/** The knobs in force for one request: the server-wide ones overridden by its `x-fake-*` headers. */
export interface RequestKnobs {
  readonly ttftMs: number;
  readonly tokens: number;
  readonly gapMs: number;
  /**
   * The stream fault this request suffers, or 'none'; call once, when its tokens start, since a
   * server-wide fault with a `faultCount` is used up by the call.
   */
  takeStreamFault(): StreamFault | 'none';
}

const requestKnobsByResponse = new WeakMap<Response, RequestKnobs>();

/**
 * Validates a JSON knob update such as the body of `POST /__control/knobs`; unknown keys are rejected.
 * @example Object.assign(knobs, parseKnobUpdate({ fault: '429', faultCount: 1, retryAfterSeconds: 2 }));
 */
export function parseKnobUpdate(input: unknown): Partial<Knobs> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidKnobError('knobs must be a JSON object');
  }
  const update: Partial<Knobs> = {};
  for (const [key, value] of Object.entries(input)) {
    if (isIntegerKnob(key)) {
      update[key] = requireInteger(key, value);
    } else if (key === 'fault') {
      update.fault = requireFault(value);
    } else if (key === 'faultCount') {
      update.faultCount = value === null ? null : requireInteger(key, value);
    } else {
      throw new InvalidKnobError(`unknown knob "${key}" (known: ${Object.keys(DEFAULT_KNOBS).join(', ')})`);
    }
  }
  return update;
}

/**
 * Validates knob values given as text (request headers, command-line flags); absent ones are skipped.
 * @example parseKnobStrings({ latencyMs: '250', fault: 'reset' }) // { latencyMs: 250, fault: 'reset' }
 */
export function parseKnobStrings(raw: { [K in TextKnob]?: string | undefined }): Partial<Knobs> {
  const update: Partial<Knobs> = {};
  for (const key of Object.keys(INTEGER_KNOB_MAXIMA) as IntegerKnob[]) {
    const text = raw[key];
    if (text === undefined) continue;
    if (!/^\d+$/.test(text.trim())) {
      throw new InvalidKnobError(`${key} must be a non-negative integer (got ${JSON.stringify(text)})`);
    }
    update[key] = requireInteger(key, Number(text));
  }
  if (raw.fault !== undefined) update.fault = requireFault(raw.fault);
  return update;
}

/**
 * Applies latency and faults to every request of an upstream and leaves the rest of the request's
 * knobs for the upstream ({@link requestKnobs}). The server-wide `knobs` object is read per request, so
 * changing it takes effect at once; `x-fake-*` request headers override it for one request. An invalid
 * header is answered with 400 so a misconfigured test fails loudly.
 * @example app.use('/auth/v1', knobsMiddleware(knobs, respondWithGoTrueFault), gotrue.router);
 */
export function knobsMiddleware(knobs: Knobs, respondWithFault: FaultResponder): RequestHandler {
  return (req, res, next) => {
    let overrides: Partial<Knobs>;
    try {
      overrides = parseKnobStrings(knobHeaderValues(req));
    } catch (error) {
      if (!(error instanceof InvalidKnobError)) throw error;
      res.status(400).json({ message: error.message });
      return;
    }
    const effective: Knobs = { ...knobs, ...overrides };
    const fromHeader = overrides.fault !== undefined;
    const fault = faultOnArrival(knobs, effective.fault, fromHeader);
    requestKnobsByResponse.set(res, {
      ttftMs: effective.ttftMs,
      tokens: effective.tokens,
      gapMs: effective.gapMs,
      takeStreamFault: () => (isStreamFault(fault) && (fromHeader || useUpFault(knobs)) ? fault : 'none'),
    });
    const applyFault = () => {
      switch (fault) {
        case 'none':
        case 'stall':
        case 'reset-mid-stream':
        case 'error-mid-stream':
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

/**
 * The knobs in force for a request that passed {@link knobsMiddleware}.
 * @example const { ttftMs, tokens, gapMs } = requestKnobs(res);
 */
export function requestKnobs(res: Response): RequestKnobs {
  const knobs = requestKnobsByResponse.get(res);
  if (!knobs) throw new Error('requestKnobs: knobsMiddleware did not run for this request');
  return knobs;
}

/**
 * The fault a request meets, decided as it arrives so concurrent requests cannot overdraw a fault count.
 * Stream faults are counted later, by `takeStreamFault`, since not every request generates tokens.
 */
function faultOnArrival(knobs: Knobs, fault: Fault, fromHeader: boolean): Fault {
  if (fault === 'none' || fromHeader || isStreamFault(fault)) return fault;
  return useUpFault(knobs) ? fault : 'none';
}

/** Counts one request against a server-wide `faultCount`; false once the count is spent. */
function useUpFault(knobs: Knobs): boolean {
  if (knobs.faultCount === null) return true;
  if (knobs.faultCount === 0) return false;
  knobs.faultCount -= 1;
  return true;
}

function isStreamFault(fault: Fault): fault is StreamFault {
  return (STREAM_FAULTS as readonly Fault[]).includes(fault);
}

function isIntegerKnob(key: string): key is IntegerKnob {
  return Object.hasOwn(INTEGER_KNOB_MAXIMA, key);
}

function knobHeaderValues(req: Request): { [K in TextKnob]: string | undefined } {
  return {
    latencyMs: req.get(KNOB_HEADERS.latencyMs),
    fault: req.get(KNOB_HEADERS.fault),
    retryAfterSeconds: req.get(KNOB_HEADERS.retryAfterSeconds),
    ttftMs: req.get(KNOB_HEADERS.ttftMs),
    tokens: req.get(KNOB_HEADERS.tokens),
    gapMs: req.get(KNOB_HEADERS.gapMs),
  };
}

function requireFault(value: unknown): Fault {
  if (typeof value === 'string' && (FAULTS as readonly string[]).includes(value)) return value as Fault;
  throw new InvalidKnobError(`fault must be one of ${FAULTS.join(', ')} (got ${JSON.stringify(value)})`);
}

function requireInteger(name: IntegerKnob | 'faultCount', value: unknown): number {
  const max = name === 'faultCount' ? Number.MAX_SAFE_INTEGER : INTEGER_KNOB_MAXIMA[name];
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max) return value;
  throw new InvalidKnobError(`${name} must be an integer from 0 to ${max} (got ${JSON.stringify(value)})`);
}
