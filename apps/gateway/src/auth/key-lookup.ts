import { IDENTITY_HEADER, resolvedKey, type Identity, type ResolvedKey } from '@gaia/contracts';
import { UnavailableError, type IdentitySigner, type Logger } from '@gaia/platform';

/** Asks the auth service who owns an API key hash; rejects with a 503 when it cannot answer. */
export type KeyLookup = (keyHash: string) => Promise<ResolvedKey>;

export interface KeyLookupOptions {
  /** `AUTH_SERVICE_URL`; unset means no API key can be resolved. */
  authUrl: string | undefined;
  signer: IdentitySigner;
  timeoutMs: number;
  logger: Logger;
}

const GATEWAY: Identity = { auth_type: 'service', service: 'gateway' };

/**
 * Resolves key hashes with `POST <auth>/internal/keys/resolve`, calling as the gateway service.
 * @example const lookup = createKeyLookup({ authUrl: config.AUTH_SERVICE_URL, signer, timeoutMs: 5000, logger });
 */
export function createKeyLookup({ authUrl, signer, timeoutMs, logger }: KeyLookupOptions): KeyLookup {
  const unavailable = (reason: string, details: Record<string, unknown> = {}) => {
    logger.warn('API key lookup failed', { reason, ...details });
    return new UnavailableError('Service auth unavailable');
  };
  if (!authUrl) return () => Promise.reject(unavailable('AUTH_SERVICE_URL is not set'));
  const endpoint = `${authUrl.replace(/\/+$/, '')}/internal/keys/resolve`;

  return async (keyHash) => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signer.sign(GATEWAY) },
        body: JSON.stringify({ key_hash: keyHash }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw unavailable('unreachable', { error: String(error) });
    }
    const body: unknown = await response.json().catch(() => undefined);
    const parsed = resolvedKey.safeParse(body);
    if (!response.ok || !parsed.success) throw unavailable('unexpected answer', { status: response.status });
    return parsed.data;
  };
}
