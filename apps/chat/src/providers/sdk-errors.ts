import { ProviderError, type ProviderId } from './provider.js';

type ErrorClass<T = object> = abstract new (...args: never[]) => T;

/**
 * The error classes the OpenAI and Anthropic SDKs share (same names, same fields, different classes):
 * pass the SDK's own module, e.g. `OpenAI` or `Anthropic`.
 */
export interface SdkErrorClasses {
  APIError: ErrorClass<{
    status: number | undefined;
    headers: Headers | undefined;
    requestID?: string | null | undefined;
    /** Anthropic's SDK keeps the body's message here (its `message` is the raw body). */
    apiMessage?: string | null | undefined;
  }>;
  APIUserAbortError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
}

/**
 * Translates an SDK error into a ProviderError once: 408, 409, 429, 5xx, error events inside a stream and
 * connection failures (also mid-stream) are retryable, other 4xx are not; Retry-After and the upstream
 * request id are kept.
 * @example throw translateSdkError('openai', error, OpenAI);
 */
export function translateSdkError(provider: ProviderId, error: unknown, sdk: SdkErrorClasses): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof sdk.APIConnectionTimeoutError) {
    return new ProviderError(provider, `${provider} did not answer in time`, {
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof sdk.APIConnectionError) {
    return new ProviderError(provider, `Could not reach ${provider}: ${message}`, {
      retryable: true,
      cause: error,
    });
  }
  if (error instanceof sdk.APIUserAbortError) {
    return new ProviderError(provider, `Request to ${provider} was cancelled`, {
      retryable: false,
      cause: error,
    });
  }
  if (error instanceof sdk.APIError) {
    const { status, headers, requestID, apiMessage } = error;
    // No status: the upstream sent an error event inside a stream that had started fine (overload, server error).
    const retryable = status === undefined || [408, 409, 429].includes(status) || status >= 500;
    const text = apiMessage ? `${status ?? ''} ${apiMessage}`.trim() : message;
    const requestId = requestID ? ` (request id ${requestID})` : '';
    return new ProviderError(provider, `${text}${requestId}`, {
      status,
      retryable,
      retryAfterMs: headers && retryAfterMs(headers),
      cause: error,
    });
  }
  // fetch reports a connection lost while reading the body as a TypeError ("terminated").
  if (error instanceof TypeError) {
    return new ProviderError(provider, `Connection to ${provider} lost: ${message}`, {
      retryable: true,
      cause: error,
    });
  }
  return new ProviderError(provider, message, { retryable: false, cause: error });
}

/**
 * How long the upstream asked us to wait: `retry-after-ms` (OpenAI), else `retry-after` in seconds or
 * as an HTTP date.
 * @example retryAfterMs(new Headers({ 'retry-after': '2' })) // 2000
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const milliseconds = Number(headers.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
