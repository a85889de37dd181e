import type { ErrorRequestHandler, Response } from 'express';
import type { FaultResponder } from './knobs.js';
import { randomId } from './ids.js';
import { isBodyParseError } from './json-body.js';

/** An OpenAI API error; rendered as `{"error": {"message", "type", "param", "code"}}`. */
export class OpenAiError extends Error {
  override name = 'OpenAiError';

  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/**
 * Gives the response OpenAI's `x-request-id` (kept if already set), which the SDK exposes as `requestID`.
 * @example router.use((_req, res, next) => { setOpenAiRequestId(res); next(); });
 */
export function setOpenAiRequestId(res: Response): string {
  const existing = res.getHeader('x-request-id');
  if (typeof existing === 'string') return existing;
  const requestId = randomId('req_', 32);
  res.setHeader('x-request-id', requestId);
  return requestId;
}

/**
 * Writes an error in OpenAI's format.
 * @example sendOpenAiError(res, new OpenAiError(404, 'The model `x` does not exist ...', 'invalid_request_error', null, 'model_not_found'));
 */
export function sendOpenAiError(res: Response, error: OpenAiError): void {
  setOpenAiRequestId(res);
  res.status(error.status).json({
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  });
}

/**
 * Last handler of the OpenAI router: renders thrown OpenAI errors, unparsable bodies and anything
 * unexpected in OpenAI's format.
 * @example router.use(openAiErrorHandler);
 */
export const openAiErrorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  if (error instanceof OpenAiError) {
    sendOpenAiError(res, error);
  } else if (error instanceof SyntaxError) {
    // body-parser's SyntaxError for unparsable JSON.
    sendOpenAiError(
      res,
      new OpenAiError(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your " +
          'HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)',
      ),
    );
  } else if (isBodyParseError(error)) {
    sendOpenAiError(res, new OpenAiError(error.status, error.message));
  } else {
    console.error('fake-upstream openai: unexpected error', error);
    sendOpenAiError(
      res,
      new OpenAiError(
        500,
        'The server had an error while processing your request. Sorry about that!',
        'server_error',
      ),
    );
  }
};

/**
 * Renders injected faults as OpenAI's rate limit and server errors.
 * @example knobsMiddleware(knobs, respondWithOpenAiFault);
 */
export const respondWithOpenAiFault: FaultResponder = (status, _req, res) => {
  const error =
    status === 429
      ? new OpenAiError(
          429,
          'Rate limit reached for requests (fault injected by fake-upstream).',
          'requests',
          null,
          'rate_limit_exceeded',
        )
      : new OpenAiError(
          500,
          'The server had an error while processing your request. Sorry about that! (fault injected by fake-upstream)',
          'server_error',
        );
  sendOpenAiError(res, error);
};
