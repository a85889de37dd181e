import { HttpError } from '@gaia/platform';
import { ProviderError } from '../providers/provider.js';

/**
 * The HTTP error for a reply that failed before anything was sent: a provider's 4xx stays a 4xx
 * (the request was bad), anything else is 502 naming the provider; known HTTP errors pass as they are.
 * @example throw asHttpError(error);
 */
export function asHttpError(error: unknown): unknown {
  if (!(error instanceof ProviderError)) return error;
  if (error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429) {
    return new HttpError(400, `Provider ${error.provider} rejected the request: ${error.message}`);
  }
  return new HttpError(502, `Provider ${error.provider} failed: ${error.message}`);
}

/** The message of an error for an in-stream error event. */
export const failureMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
