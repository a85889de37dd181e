import type { ErrorRequestHandler, Response } from 'express';
import { randomId } from './ids.js';
import { isBodyParseError } from './json-body.js';
import type { FaultResponder } from './knobs.js';

/** Anthropic's error type for each status the fake answers with; other 4xx are invalid requests. */
const ERROR_TYPES: Readonly<Record<number, string>> = {
  401: 'authentication_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
};

/** An Anthropic API error; rendered as `{"type": "error", "error": {"type", "message"}, "request_id"}`. */
export class AnthropicError extends Error {
  override name = 'AnthropicError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  get type(): string {
    return ERROR_TYPES[this.status] ?? (this.status < 500 ? 'invalid_request_error' : 'api_error');
  }
}

/**
 * Gives the response Anthropic's `request-id` (kept if already set), which the SDK exposes as `requestID`.
 * @example router.use((_req, res, next) => { setAnthropicRequestId(res); next(); });
 */
export function setAnthropicRequestId(res: Response): string {
  const existing = res.getHeader('request-id');
  if (typeof existing === 'string') return existing;
  const requestId = randomId('req_011C', 22);
  res.setHeader('request-id', requestId);
  return requestId;
}

/**
 * Writes an error in Anthropic's format.
 * @example sendAnthropicError(res, new AnthropicError(404, 'model: claude-unknown'));
 */
export function sendAnthropicError(res: Response, error: AnthropicError): void {
  const requestId = setAnthropicRequestId(res);
  res.status(error.status).json({
    type: 'error',
    error: { type: error.type, message: error.message },
    request_id: requestId,
  });
}

/**
 * Last handler of the Anthropic router: renders thrown Anthropic errors, unparsable bodies and anything
 * unexpected in Anthropic's format.
 * @example router.use(anthropicErrorHandler);
 */
export const anthropicErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (error instanceof AnthropicError) {
    sendAnthropicError(res, error);
  } else if (isBodyParseError(error)) {
    sendAnthropicError(res, new AnthropicError(error.status, `Invalid request body: ${error.message}`));
  } else {
    console.error('fake-upstream anthropic: unexpected error', error);
    sendAnthropicError(res, new AnthropicError(500, 'Internal server error'));
  }
};

/**
 * Renders injected faults as Anthropic's rate limit and API errors.
 * @example knobsMiddleware(knobs, respondWithAnthropicFault);
 */
export const respondWithAnthropicFault: FaultResponder = (status, _req, res) => {
  const message =
    status === 429
      ? 'Number of requests has exceeded your rate limit (fault injected by fake-upstream).'
      : 'Internal server error (fault injected by fake-upstream)';
  sendAnthropicError(res, new AnthropicError(status, message));
};
