import express, { type RequestHandler } from 'express';

/**
 * Parses JSON bodies up to the providers' request size limit (32 MB), far above express's default 100 kB
 * that long prompts would exceed.
 * @example router.use(parseJsonBody());
 */
export function parseJsonBody(): RequestHandler {
  return express.json({ limit: '32mb' });
}

/**
 * Whether `error` is one of the body parser's client errors (unparsable JSON, too large, bad charset).
 * @example if (isBodyParseError(error)) sendError(res, error.status, error.message);
 */
export function isBodyParseError(error: unknown): error is Error & { status: number } {
  const status = (error as { status?: unknown } | null)?.status;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Whether a parsed JSON value is an object (not an array or null).
 * @example const body = isJsonObject(req.body) ? req.body : {};
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
