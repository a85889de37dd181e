import client from 'prom-client';

export type KeyResolutionResult = 'valid' | 'not_found' | 'revoked' | 'expired';
export type LoginResult = 'success' | 'failure' | 'error';

export interface AuthMetrics {
  readonly keyResolutions: client.Counter<'result'>;
  readonly logins: client.Counter<'provider' | 'result'>;
}

/**
 * The auth service's domain metrics, registered on the service's own registry.
 * @example const metrics = createAuthMetrics(http.registry); metrics.logins.inc({ provider: 'local', result: 'success' });
 */
export function createAuthMetrics(registry: client.Registry): AuthMetrics {
  return {
    keyResolutions: new client.Counter({
      name: 'gaia_auth_key_resolutions_total',
      help: 'API key look-ups by result: valid, not_found, revoked or expired',
      labelNames: ['result'],
      registers: [registry],
    }),
    logins: new client.Counter({
      name: 'gaia_auth_logins_total',
      help: 'Password logins by provider and result: success, failure (rejected) or error (provider unavailable)',
      labelNames: ['provider', 'result'],
      registers: [registry],
    }),
  };
}
