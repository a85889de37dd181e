import type { PrismaClient } from '@gaia/platform';
import { hashSecret } from '../hash-secret.js';
import { keyPrefix } from './raw-key.js';

const BOOTSTRAP_KEY_NAME = 'Bootstrap key (API_KEY)';

/**
 * Makes the operator's `API_KEY` a working key of the admin user, creating the user when missing.
 * Idempotent, and safe when replicas start together: both writes are single statements that tolerate
 * the row already being there. A key an admin has revoked stays revoked across restarts.
 * @example await ensureBootstrapKey({ prisma, rawKey: config.API_KEY, adminEmail: config.BOOTSTRAP_ADMIN_EMAIL });
 */
export async function ensureBootstrapKey({
  prisma,
  rawKey,
  adminEmail,
}: {
  prisma: PrismaClient;
  rawKey: string;
  adminEmail: string;
}): Promise<void> {
  const email = adminEmail.toLowerCase();
  const admin = await prisma.user.upsert({
    where: { email },
    create: { email, isAdmin: true },
    update: { isAdmin: true },
  });
  // INSERT … ON CONFLICT DO NOTHING: an upsert with nothing to update would be a read, then an insert
  // that fails when another replica inserted in between.
  await prisma.apiKey.createMany({
    data: [
      {
        userId: admin.id,
        keyHash: hashSecret(rawKey),
        keyPrefix: keyPrefix(rawKey),
        name: BOOTSTRAP_KEY_NAME,
      },
    ],
    skipDuplicates: true,
  });
}
