import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt cost (N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per hash). The parameters are
// stored in each hash, so raising them later keeps existing passwords working.
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, { N, r, p }: typeof COST): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default ceiling of 32 MiB is exactly that, so leave headroom.
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/**
 * A salted scrypt hash, `scrypt$N$r$p$<salt>$<hash>` (base64url).
 * @example const passwordHash = await hashPassword('correct horse');
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `password` matches a hash made by `hashPassword`, compared in constant time.
 * @example if (!(await verifyPassword(password, user.passwordHash))) throw new AuthProviderError('Invalid login credentials');
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), {
    N: Number(N),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
