import { createHash } from 'node:crypto';

/**
 * SHA-256 as lowercase hex: the only form in which API keys and refresh tokens are stored or published.
 * @example hashSecret('gaia_dev_…') // '9f86d0…'
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
