import {
  authKeyCreated,
  authKeyRevoked,
  type ApiKeyView,
  type createdKey,
  type createKeyBody,
  type ResolvedKey,
} from '@gaia/contracts';
import { BadRequestError, NotFoundError, type Logger, type Prisma, type PrismaClient } from '@gaia/platform';
import { z } from 'zod';
import type { PublishEvent } from '../event-publisher.js';
import type { AuthMetrics, KeyResolutionResult } from '../auth-metrics.js';
import { hashSecret } from '../hash-secret.js';
import { generateRawKey, keyPrefix } from './raw-key.js';

export type CreateKeyInput = z.output<typeof createKeyBody>;
export type CreatedKey = z.output<typeof createdKey>;

export interface ApiKeys {
  /** Creates a key for its owner; the raw key is in this answer only. */
  create(userId: string, input: CreateKeyInput): Promise<CreatedKey>;
  /** The owner's keys, newest first, revoked ones included; never hashes. */
  list(userId: string): Promise<ApiKeyView[]>;
  /** Deactivates one of the owner's keys and tells every gateway to forget it; 404 for anyone else's. */
  revoke(userId: string, keyId: string): Promise<ApiKeyView>;
  /** Who a key hash belongs to, if the key is active, not revoked and not expired. */
  resolve(keyHash: string): Promise<ResolvedKey>;
}

export interface ApiKeysDeps {
  prisma: PrismaClient;
  publish: PublishEvent;
  metrics: AuthMetrics;
  logger: Logger;
  /** Goes into every generated key: `gaia_<environment>_…`. */
  environment: string;
  now?: () => Date;
}

// Writing last_used_at on every look-up would turn each authenticated request into a database write.
const LAST_USED_RESOLUTION_MS = 60_000;

const isUuid = (value: string) => z.uuid().safeParse(value).success;

// Users of an external provider (Supabase) get a row only to own their keys; the email column is unique
// and the provider owns the real address, so the row gets one under `.invalid` (RFC 2606), which no
// real address can collide with.
const externalUserEmail = (userId: string) => `${userId}@external.invalid`;

const iso = (date: Date | null) => date?.toISOString() ?? null;

function toView(row: Prisma.ApiKeyModel): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.keyPrefix,
    scopes: row.scopes,
    is_active: row.isActive,
    rate_limit_per_minute: row.rateLimitPerMinute,
    expires_at: iso(row.expiresAt),
    last_used_at: iso(row.lastUsedAt),
    revoked_at: iso(row.revokedAt),
    created_at: row.createdAt.toISOString(),
  };
}

function resultOf(row: Prisma.ApiKeyModel | null, now: Date): KeyResolutionResult {
  if (!row) return 'not_found';
  if (!row.isActive || row.revokedAt) return 'revoked';
  if (row.expiresAt && row.expiresAt <= now) return 'expired';
  return 'valid';
}

/**
 * API keys: created for and managed by their owner, stored only as SHA-256 hashes, resolved by hash.
 * @example const keys = createApiKeys({ prisma, publish, metrics, logger, environment: 'dev' }); await keys.create(userId, { name: 'unity', scopes: [] });
 */
export function createApiKeys({
  prisma,
  publish,
  metrics,
  logger,
  environment,
  now = () => new Date(),
}: ApiKeysDeps): ApiKeys {
  const announce = (event: typeof authKeyCreated, row: Prisma.ApiKeyModel) =>
    publish(event, {
      key_id: row.id,
      key_hash: row.keyHash,
      user_id: row.userId,
      timestamp: now().toISOString(),
    });

  const recordUse = async (row: Prisma.ApiKeyModel, time: Date) => {
    const stale = new Date(time.getTime() - LAST_USED_RESOLUTION_MS);
    if (row.lastUsedAt && row.lastUsedAt > stale) return;
    // The condition is repeated in the query so replicas resolving the same key write it once between them.
    await prisma.apiKey
      .updateMany({
        where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: stale } }] },
        data: { lastUsedAt: time },
      })
      .catch((error: unknown) =>
        logger.warn('last_used_at not recorded', { key_id: row.id, error: String(error) }),
      );
  };

  return {
    async create(userId, input) {
      const expiresAt = input.expires_at ? new Date(input.expires_at) : null;
      if (expiresAt && expiresAt <= now()) throw new BadRequestError('expires_at must be in the future');
      const rawKey = generateRawKey(environment);
      // INSERT … ON CONFLICT DO NOTHING, so two first keys of a new external user cannot collide.
      await prisma.user.createMany({
        data: [{ id: userId, email: externalUserEmail(userId) }],
        skipDuplicates: true,
      });
      const row = await prisma.apiKey.create({
        data: {
          userId,
          keyHash: hashSecret(rawKey),
          keyPrefix: keyPrefix(rawKey),
          name: input.name,
          scopes: input.scopes,
          rateLimitPerMinute: input.rate_limit_per_minute ?? null,
          expiresAt,
        },
      });
      announce(authKeyCreated, row);
      return { ...toView(row), key: rawKey };
    },

    async list(userId) {
      const rows = await prisma.apiKey.findMany({ where: { userId }, orderBy: { createdAt: 'desc' } });
      return rows.map(toView);
    },

    async revoke(userId, keyId) {
      const row = isUuid(keyId) ? await prisma.apiKey.findFirst({ where: { id: keyId, userId } }) : null;
      if (!row) throw new NotFoundError(`API key not found: ${keyId}`);
      if (row.revokedAt) return toView(row);
      const revoked = await prisma.apiKey.update({
        where: { id: row.id },
        data: { isActive: false, revokedAt: now() },
      });
      announce(authKeyRevoked, revoked);
      return toView(revoked);
    },

    async resolve(keyHash) {
      const row = await prisma.apiKey.findUnique({ where: { keyHash } });
      const time = now();
      const result = resultOf(row, time);
      metrics.keyResolutions.inc({ result });
      if (!row || result !== 'valid') return { valid: false };
      await recordUse(row, time);
      return {
        valid: true,
        key_id: row.id,
        user_id: row.userId,
        scopes: row.scopes,
        rate_limit_per_minute: row.rateLimitPerMinute,
      };
    },
  };
}
