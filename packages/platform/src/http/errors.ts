import type { ErrorRequestHandler, Request } from 'express';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';

/**
 * Gaia's error vocabulary. Throw these anywhere in a request; the error middleware turns them into a
 * status and a FastAPI-shaped `{"detail": …}` body.
 * @example throw new NotFoundError(`Persona not found: ${id}`);
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(detail: string) {
    super(400, detail);
  }
}
export class UnauthorizedError extends HttpError {
  constructor(detail = 'Not authenticated. Provide a valid JWT or API Key.') {
    super(401, detail);
  }
}
export class ForbiddenError extends HttpError {
  constructor(detail = 'Could not validate credentials') {
    super(403, detail);
  }
}
export class NotFoundError extends HttpError {
  constructor(detail = 'Not Found') {
    super(404, detail);
  }
}
export class ConflictError extends HttpError {
  constructor(detail: string) {
    super(409, detail);
  }
}
export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, `Request body is larger than the limit of ${limitBytes} bytes`);
  }
}
export class TooManyRequestsError extends HttpError {
  constructor(detail: string, retryAfterSeconds: number) {
    super(429, detail, { 'Retry-After': String(retryAfterSeconds) });
  }
}
export class UnavailableError extends HttpError {
  constructor(detail: string) {
    super(503, detail);
  }
}

/** One entry of a FastAPI 422 body. */
export interface FieldError {
  type: string;
  loc: (string | number)[];
  msg: string;
  input?: unknown;
}

/** 422 with FastAPI's field list, e.g. `{"detail": [{"type": "missing", "loc": ["body", "email"], …}]}`. */
export class ValidationError extends HttpError {
  constructor(readonly fields: FieldError[]) {
    super(422, fields);
  }

  /** @example throw ValidationError.fromZod(result.error, 'query'); */
  static fromZod(error: z.ZodError, location: 'body' | 'query' | 'path' = 'body'): ValidationError {
    return new ValidationError(
      error.issues.map((issue) => {
        // Needs the issue's input, which zod reports only when parsing with `reportInput: true`.
        const missing = issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined;
        return {
          type: missing ? 'missing' : issue.code,
          loc: [location, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
          msg: missing ? 'Field required' : issue.message,
        };
      }),
    );
  }
}

/**
 * Parses input with a contract schema or throws the 422 that names every bad field.
 * @example const body = parseInput(credentialsBody, req.body);
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  location: 'body' | 'query' | 'path' = 'body',
): z.infer<S> {
  const result = schema.safeParse(input ?? (location === 'body' ? undefined : {}), { reportInput: true });
  if (!result.success) throw ValidationError.fromZod(result.error, location);
  return result.data;
}

/** The body an error is sent with: `{detail}` by default, the SDKs' own shapes on SDK-compatible routes. */
export type ErrorBodyShape = (status: number, detail: unknown) => unknown;

export const fastApiErrorBody: ErrorBodyShape = (_status, detail) => ({ detail });

const openAiTypes: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};
const messageOf = (detail: unknown) => (typeof detail === 'string' ? detail : JSON.stringify(detail));

export const openAiErrorBody: ErrorBodyShape = (status, detail) => ({
  error: { message: messageOf(detail), type: openAiTypes[status] ?? 'api_error', code: null },
});

export const anthropicErrorBody: ErrorBodyShape = (status, detail) => ({
  type: 'error',
  error: {
    type: status === 503 ? 'overloaded_error' : (openAiTypes[status] ?? 'api_error'),
    message: messageOf(detail),
  },
});

/** Chooses the error shape for the rest of this request (set by SDK-compatible routes). */
export function useErrorShape(req: Request, shape: ErrorBodyShape): void {
  req.res!.locals.errorShape = shape;
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message: string;
}

function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof z.ZodError) return ValidationError.fromZod(error);
  // Express's router throws this for a path parameter that is not valid percent-encoding (`/x/%E0%A4`).
  if (error instanceof URIError) return new BadRequestError(error.message);
  const parserError = error as BodyParserError;
  switch (parserError?.type) {
    case 'entity.too.large':
      return new PayloadTooLargeError(parserError.limit ?? 0);
    case 'entity.parse.failed':
      return new BadRequestError(`Invalid JSON body: ${parserError.message}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, parserError.message);
    case 'request.aborted':
      return new BadRequestError('Request aborted');
  }
  return undefined;
}

/**
 * The one place errors become HTTP: known errors get their status and detail, anything else is a 500
 * logged with the request id. A response whose headers are already sent (a stream) is left alone.
 * @example app.use(errorMiddleware(logger));
 */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      logger.warn('error after response started', { request_id: res.locals.requestId, error: String(error) });
      next(error);
      return;
    }
    const known = toHttpError(error);
    const status = known?.status ?? 500;
    if (!known) {
      logger.error('unhandled error', {
        request_id: res.locals.requestId,
        method: req.method,
        path: req.path,
        error: error instanceof Error ? error.stack : String(error),
      });
    }
    const shape: ErrorBodyShape = res.locals.errorShape ?? fastApiErrorBody;
    res
      .set(known?.headers ?? {})
      .status(status)
      .json(shape(status, known ? known.detail : 'Internal server error'));
  };
}
