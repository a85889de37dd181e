import { randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_LENGTH = 32;
const PREFIX_LENGTH = 12;

/**
 * A new raw API key, `gaia_<environment>_<32 random [A-Za-z0-9]>`, as the original platform generated them.
 * @example generateRawKey('dev') // 'gaia_dev_3fQ…'
 */
export function generateRawKey(environment: string): string {
  // randomInt draws without modulo bias, so every character is equally likely.
  const random = Array.from({ length: RANDOM_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `gaia_${environment}_${random}`;
}

/**
 * The part of a key a person may see to recognise it: the first 12 characters, but never more than a
 * third of the key, so a short bootstrap key is not mostly given away.
 * @example keyPrefix('gaia_dev_3fQx…') // 'gaia_dev_3fQ'
 */
export function keyPrefix(rawKey: string): string {
  return rawKey.slice(0, Math.min(PREFIX_LENGTH, Math.floor(rawKey.length / 3)));
}
