import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.js';

export type { PrismaClient } from './generated/client.js';
export { Prisma } from './generated/client.js';

export interface Database {
  readonly prisma: PrismaClient;
  /** Rejects when PostgreSQL does not answer (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Prisma Client 7 over the `pg` driver adapter (no native query engine).
 * @example const db = createDatabase({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
 */
export function createDatabase({ url, poolSize }: { url: string; poolSize: number }): Database {
  const adapter = new PrismaPg({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000 });
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
  };
}
