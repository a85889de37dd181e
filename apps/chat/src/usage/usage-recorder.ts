import type { Logger, PrismaClient } from '@gaia/platform';
import { z } from 'zod';
import type { UsageEntry, UsageSink } from '../chat/ports.js';

/** What one user spent on one provider and model. */
export interface UsageTotal {
  provider: string;
  model: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: bigint;
}

/** What a user's records add up to for one provider and operation. */
export interface UsageGroup {
  provider: string;
  operation: string;
  requests: number;
  /** Input and output tokens together. */
  tokens: number;
  costMicroUsd: bigint;
}

/** From `since` (inclusive) to `until` (exclusive). */
export interface UsageRange {
  since: Date;
  until: Date;
}

export interface UsageRecorder extends UsageSink {
  /** Queues an entry in memory; never waits for the database. */
  record(entry: UsageEntry): void;
  /** Writes what is queued, one INSERT per batch; on failure the entries stay queued and it rejects. */
  flush(): Promise<void>;
  /** Stops the timer and writes what is left. */
  close(): Promise<void>;
  /** A user's usage since a time (all of it without one) per provider and model, this replica's queue included. */
  totals(userId: string, options?: { since?: Date }): Promise<UsageTotal[]>;
  /** A user's usage in a range per provider and operation, this replica's queue included. */
  summary(userId: string, range: UsageRange): Promise<UsageGroup[]>;
  /** The same per UTC day (`YYYY-MM-DD`), oldest first. */
  daily(userId: string, range: UsageRange): Promise<(UsageGroup & { day: string })[]>;
  /** Stores one entry now, outside the batches, for callers that answer with its id and time. */
  log(entry: UsageEntry): Promise<{ id: string; createdAt: Date }>;
}

export interface UsageRecorderDeps {
  prisma: PrismaClient;
  logger: Logger;
  flushIntervalMs?: number;
  /** Entries per INSERT. */
  maxBatch?: number;
  /** Entries kept while the database is unreachable; past this the oldest are dropped. */
  maxPending?: number;
  now?: () => Date;
}

const INT4_MAX = 2_147_483_647;
// Durations and counts may arrive as fractions (performance.now()); the columns are integers.
const wholeNumber = z.number().transform(Math.round).pipe(z.int().min(0).max(INT4_MAX));

// One row the database refuses would fail its whole batch on every retry, so such entries are
// refused on arrival instead.
const storable = z.object({
  userId: z.string().min(1).max(255),
  apiKeyId: z.string().max(64).nullable(),
  provider: z.string().min(1).max(50),
  model: z.string().min(1).max(100),
  operation: z.string().min(1).max(32),
  inputTokens: wholeNumber,
  outputTokens: wholeNumber,
  costMicroUsd: z
    .bigint()
    .min(0n)
    .max(2n ** 63n - 1n),
  latencyMs: wholeNumber.nullable(),
  ttftMs: wholeNumber.nullable(),
  status: z.enum(['ok', 'error', 'aborted']),
  requestId: z.string().max(128).nullable(),
});
type UsageRow = z.output<typeof storable> & { createdAt: Date };

/**
 * One INSERT of column arrays: a parameter per column, whatever the batch size. Prisma's createMany
 * compiles a parameter per value and costs ~0.2 ms of CPU per row, more than the chat request itself.
 */
function insertBatch(prisma: PrismaClient, rows: UsageRow[]) {
  const column = <T>(pick: (row: UsageRow) => T) => rows.map(pick);
  return prisma.$executeRaw`
    INSERT INTO usage_records (user_id, api_key_id, provider, model, operation, input_tokens, output_tokens,
      cost_micro_usd, latency_ms, ttft_ms, status, request_id, created_at)
    SELECT * FROM unnest(
      ${column((r) => r.userId)}::varchar[], ${column((r) => r.apiKeyId)}::varchar[],
      ${column((r) => r.provider)}::varchar[], ${column((r) => r.model)}::varchar[],
      ${column((r) => r.operation)}::varchar[], ${column((r) => r.inputTokens)}::int[],
      ${column((r) => r.outputTokens)}::int[], ${column((r) => r.costMicroUsd.toString())}::bigint[],
      ${column((r) => r.latencyMs)}::int[], ${column((r) => r.ttftMs)}::int[],
      ${column((r) => r.status)}::varchar[], ${column((r) => r.requestId)}::varchar[],
      ${column((r) => r.createdAt.toISOString())}::timestamptz[])`;
}

/**
 * Usage records (one per provider call) written in batches off the request path: entries queue in
 * memory and a timer flushes them; while the database is down they wait, up to `maxPending`.
 * @example const usage = createUsageRecorder({ prisma: database.prisma, logger }); usage.record(entry); await usage.close();
 */
export function createUsageRecorder({
  prisma,
  logger,
  flushIntervalMs = 1000,
  maxBatch = 200,
  maxPending = 50_000,
  now = () => new Date(),
}: UsageRecorderDeps): UsageRecorder {
  let pending: UsageRow[] = [];
  // Flushes run one after another, in call order; `queued` counts those not yet finished.
  let flushes: Promise<void> = Promise.resolve();
  let queued = 0;

  const keepWithinCap = () => {
    const excess = pending.length - maxPending;
    if (excess <= 0) return;
    pending = pending.slice(excess);
    logger.warn('usage records dropped: the database has been unavailable too long', { dropped: excess });
  };

  const writePending = async () => {
    while (pending.length > 0) {
      const batch = pending.splice(0, maxBatch);
      try {
        await insertBatch(prisma, batch);
      } catch (error) {
        pending.unshift(...batch);
        keepWithinCap();
        throw error;
      }
    }
  };

  const flush = () => {
    queued += 1;
    const run = flushes.then(writePending).finally(() => (queued -= 1));
    flushes = run.catch(() => undefined);
    return run;
  };

  const timer = setInterval(() => {
    // While a flush waits on a slow database, ticks add nothing: retries stay one at a time.
    if (queued > 0 || pending.length === 0) return;
    flush().catch((error: unknown) =>
      logger.warn('usage records not written yet; will retry', {
        pending: pending.length,
        error: String(error),
      }),
    );
  }, flushIntervalMs);
  timer.unref();

  return {
    record(entry) {
      const parsed = storable.safeParse(entry);
      if (!parsed.success) {
        logger.warn('usage entry refused', {
          request_id: entry.requestId,
          error: z.prettifyError(parsed.error),
        });
        return;
      }
      pending.push({ ...parsed.data, createdAt: now() });
      keepWithinCap();
    },

    flush,

    async close() {
      clearInterval(timer);
      await flush().catch((error: unknown) =>
        logger.error('usage records lost at shutdown', { lost: pending.length, error: String(error) }),
      );
    },

    async totals(userId, { since } = {}) {
      await flush();
      const groups = await prisma.usageRecord.groupBy({
        by: ['provider', 'model'],
        where: { userId, createdAt: since ? { gte: since } : undefined },
        _count: { _all: true },
        _sum: { inputTokens: true, outputTokens: true, costMicroUsd: true },
        orderBy: [{ provider: 'asc' }, { model: 'asc' }],
      });
      return groups.map((group) => ({
        provider: group.provider,
        model: group.model,
        requests: group._count._all,
        inputTokens: group._sum.inputTokens ?? 0,
        outputTokens: group._sum.outputTokens ?? 0,
        costMicroUsd: group._sum.costMicroUsd ?? 0n,
      }));
    },

    async summary(userId, { since, until }) {
      await flush();
      const groups = await prisma.usageRecord.groupBy({
        by: ['provider', 'operation'],
        where: { userId, createdAt: { gte: since, lt: until } },
        _count: { _all: true },
        _sum: { inputTokens: true, outputTokens: true, costMicroUsd: true },
        orderBy: [{ provider: 'asc' }, { operation: 'asc' }],
      });
      return groups.map((group) => ({
        provider: group.provider,
        operation: group.operation,
        requests: group._count._all,
        tokens: (group._sum.inputTokens ?? 0) + (group._sum.outputTokens ?? 0),
        costMicroUsd: group._sum.costMicroUsd ?? 0n,
      }));
    },

    async daily(userId, { since, until }) {
      await flush();
      // groupBy cannot group by a computed day, hence SQL; the (user_id, created_at) index serves it.
      const rows = await prisma.$queryRaw<
        { day: string; provider: string; operation: string; requests: number; tokens: bigint; cost: bigint }[]
      >`
        SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, provider, operation,
               count(*)::int AS requests,
               sum(input_tokens::bigint + output_tokens)::bigint AS tokens,
               sum(cost_micro_usd)::bigint AS cost
        FROM usage_records
        WHERE user_id = ${userId} AND created_at >= ${since} AND created_at < ${until}
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3`;
      return rows.map(({ tokens, cost, ...row }) => ({ ...row, tokens: Number(tokens), costMicroUsd: cost }));
    },

    async log(entry) {
      const data = storable.parse(entry);
      return prisma.usageRecord.create({
        data: { ...data, createdAt: now() },
        select: { id: true, createdAt: true },
      });
    },
  };
}
