import type { ErrorRequestHandler, Request, Response } from 'express';
import type { FaultResponder } from './knobs.js';

const API_VERSION_HEADER = 'X-Supabase-Api-Version';
const API_VERSION_2024_01_01 = '2024-01-01';

/**
 * GoTrue's HTTPError. supabase-js reads `error_code` (legacy body) or `code` (API version 2024-01-01) as
 * `AuthApiError.code` and `msg`/`message` as its message.
 */
export class GoTrueHttpError extends Error {
  override name = 'GoTrueHttpError';

  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    /** Extra top-level body fields, e.g. `weak_password`. */
    readonly extraBody: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** GoTrue's OAuthError: always 400 with `{error, error_description}`. */
export class GoTrueOAuthError extends Error {
  override name = 'GoTrueOAuthError';

  constructor(
    readonly oauthError: string,
    readonly description: string,
  ) {
    super(`${oauthError}: ${description}`);
  }
}

/**
 * Writes an error the way GoTrue's HandleResponseError does: clients sending
 * `X-Supabase-Api-Version: 2024-01-01` or later (supabase-js v2 always does) get `{code, message}` and the
 * version echoed back; older clients get `{code: <status>, error_code, msg}`.
 * @example sendGoTrueError(req, res, new GoTrueHttpError(400, 'invalid_credentials', 'Invalid login credentials'));
 */
export function sendGoTrueError(
  req: Request,
  res: Response,
  error: GoTrueHttpError | GoTrueOAuthError,
): void {
  const versioned = requestsApiVersion2024(req);
  if (versioned) res.setHeader(API_VERSION_HEADER, API_VERSION_2024_01_01);
  if (error instanceof GoTrueOAuthError) {
    res.status(400).json({ error: error.oauthError, error_description: error.description });
    return;
  }
  res.setHeader('x-sb-error-code', error.errorCode);
  const body = versioned
    ? { code: error.errorCode, message: error.message }
    : { code: error.status, error_code: error.errorCode, msg: error.message };
  res.status(error.status).json({ ...body, ...error.extraBody });
}

/**
 * Last handler of the GoTrue router: renders thrown GoTrue errors, unparsable JSON bodies and anything
 * unexpected in GoTrue's format.
 * @example router.use(goTrueErrorHandler);
 */
export const goTrueErrorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  if (error instanceof GoTrueHttpError || error instanceof GoTrueOAuthError) {
    sendGoTrueError(req, res, error);
  } else if (error instanceof SyntaxError) {
    sendGoTrueError(
      req,
      res,
      new GoTrueHttpError(400, 'bad_json', `Could not parse request body as JSON: ${error.message}`),
    );
  } else {
    console.error('fake-upstream gotrue: unexpected error', error);
    sendGoTrueError(
      req,
      res,
      new GoTrueHttpError(
        500,
        'unexpected_failure',
        'Unexpected failure, please check server logs for more information',
      ),
    );
  }
};

/**
 * Renders injected faults as GoTrue's rate limit and internal errors.
 * @example knobsMiddleware(knobs, respondWithGoTrueFault);
 */
export const respondWithGoTrueFault: FaultResponder = (status, req, res) => {
  const error =
    status === 429
      ? new GoTrueHttpError(429, 'over_request_rate_limit', 'Request rate limit reached')
      : new GoTrueHttpError(
          500,
          'unexpected_failure',
          'Unexpected failure (fault injected by fake-upstream)',
        );
  sendGoTrueError(req, res, error);
};

function requestsApiVersion2024(req: Request): boolean {
  const version = req.get(API_VERSION_HEADER) ?? '';
  return (
    /^\d{4}-\d{2}-\d{2}$/.test(version) &&
    !Number.isNaN(Date.parse(version)) &&
    version >= API_VERSION_2024_01_01
  );
}
