import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { createDatabase, createLogger, type Database, type PrismaClient } from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import {
  createUsageRecorder,
  type UsageRecorder,
  type UsageRecorderDeps,
} from '../src/usage/usage-recorder.js';

type UsageEntry = Parameters<UsageRecorder['record']>[0];

describe('usage recorder', () => {
  let testDb: TestDatabase;
  let db: Database;
  const open: UsageRecorder[] = [];
  let logLines: { level: string; message: string; [key: string]: unknown }[] = [];
  const logger = createLogger({
    service: 'chat-test',
    level: 'warn',
    format: 'json',
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()));
        done();
      },
    }),
  });

  const entry = (overrides: Partial<UsageEntry> = {}): UsageEntry => ({
    userId: 'user-1',
    apiKeyId: null,
    provider: 'openai',
    model: 'gpt-4o-mini',
    operation: 'chat',
    inputTokens: 10,
    outputTokens: 5,
    costMicroUsd: 125n,
    latencyMs: 300,
    ttftMs: 40,
    status: 'ok',
    requestId: randomUUID(),
    ...overrides,
  });
  const recorder = (options: Partial<UsageRecorderDeps> = {}) => {
    const created = createUsageRecorder({ prisma: db.prisma, logger, flushIntervalMs: 60_000, ...options });
    open.push(created);
    return created;
  };
  const rowsOf = (userId: string) =>
    // Entries recorded in the same millisecond share created_at.
    db.prisma.usageRecord.findMany({
      where: { userId },
      orderBy: [{ createdAt: 'asc' }, { inputTokens: 'asc' }],
    });
  const setTableOnline = (online: boolean) =>
    db.prisma.$executeRawUnsafe(
      online
        ? 'ALTER TABLE usage_records_offline RENAME TO usage_records'
        : 'ALTER TABLE usage_records RENAME TO usage_records_offline',
    );

  before(async () => {
    testDb = await createTestDatabase();
    db = createDatabase({ url: testDb.url, poolSize: 4 });
  });
  beforeEach(() => (logLines = []));
  after(async () => {
    await Promise.all(open.map((r) => r.close()));
    await db.close();
    await testDb.drop();
  });

  it('records without touching the database, then writes one INSERT per batch on flush', async () => {
    const batches: number[] = [];
    const counting = {
      // The batch is one INSERT of column arrays; the first array holds a user id per row.
      $executeRaw: (sql: TemplateStringsArray, ...columns: unknown[][]) => {
        batches.push(columns[0]!.length);
        return db.prisma.$executeRaw(sql, ...columns);
      },
    } as unknown as PrismaClient;
    const usage = recorder({ prisma: counting, maxBatch: 3 });
    for (let i = 0; i < 7; i++) usage.record(entry({ userId: 'batched', inputTokens: i }));
    expect(batches).to.deep.equal([]);
    await usage.flush();
    expect(batches).to.deep.equal([3, 3, 1]);
    const rows = await rowsOf('batched');
    expect(rows.map((r) => r.inputTokens)).to.deep.equal([0, 1, 2, 3, 4, 5, 6]);
    await usage.flush();
    expect(batches).to.deep.equal([3, 3, 1]);
  });

  it('stores every field, cost as an integer of micro-USD and durations rounded to whole ms', async () => {
    const usage = recorder();
    const before = Date.now();
    usage.record(
      entry({
        userId: 'fields',
        apiKeyId: 'key-1',
        costMicroUsd: 9_007_199_254_740_993n,
        latencyMs: 123.6,
        ttftMs: null,
        status: 'aborted',
        requestId: 'req-1',
      }),
    );
    await usage.flush();
    const [row] = await rowsOf('fields');
    expect(row).to.deep.include({
      apiKeyId: 'key-1',
      provider: 'openai',
      model: 'gpt-4o-mini',
      operation: 'chat',
      inputTokens: 10,
      outputTokens: 5,
      costMicroUsd: 9_007_199_254_740_993n,
      latencyMs: 124,
      ttftMs: null,
      status: 'aborted',
      requestId: 'req-1',
    });
    expect(row!.createdAt.getTime()).to.be.within(before, Date.now());
  });

  it('flushes on its timer', async () => {
    const usage = recorder({ flushIntervalMs: 20 });
    usage.record(entry({ userId: 'timer' }));
    for (let waited = 0; (await rowsOf('timer')).length === 0; waited += 20) {
      if (waited > 2000) throw new Error('the timer never flushed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });

  it('writes what is left when closed', async () => {
    const usage = createUsageRecorder({ prisma: db.prisma, logger, flushIntervalMs: 60_000 });
    usage.record(entry({ userId: 'closing' }));
    usage.record(entry({ userId: 'closing' }));
    await usage.close();
    expect(await rowsOf('closing')).to.have.length(2);
  });

  it('keeps entries through a database outage and writes them once it recovers', async () => {
    const usage = recorder({ maxBatch: 2 });
    for (let i = 0; i < 3; i++) usage.record(entry({ userId: 'outage', inputTokens: i }));
    await setTableOnline(false);
    try {
      let failure: unknown;
      await usage.flush().catch((error: unknown) => (failure = error));
      expect(failure).to.be.instanceOf(Error);
      usage.record(entry({ userId: 'outage', inputTokens: 3 }));
      await usage.flush().catch(() => undefined);
    } finally {
      await setTableOnline(true);
    }
    await usage.flush();
    expect((await rowsOf('outage')).map((r) => r.inputTokens)).to.deep.equal([0, 1, 2, 3]);
  });

  it('drops the oldest entries with a warning once an outage has queued more than maxPending', async () => {
    const usage = recorder({ maxPending: 3 });
    await setTableOnline(false);
    try {
      for (let i = 0; i < 5; i++) usage.record(entry({ userId: 'capped', inputTokens: i }));
      await usage.flush().catch(() => undefined);
    } finally {
      await setTableOnline(true);
    }
    await usage.flush();
    expect((await rowsOf('capped')).map((r) => r.inputTokens)).to.deep.equal([2, 3, 4]);
    const dropped = logLines.filter((line) => /dropped/.test(line.message));
    expect(dropped.reduce((sum, line) => sum + (line.dropped as number), 0)).to.equal(2);
  });

  it('refuses an entry the database could not store, with a warning, without holding up the others', async () => {
    const usage = recorder();
    usage.record(entry({ userId: 'refused', model: 'm'.repeat(101) }));
    usage.record(entry({ userId: 'refused', inputTokens: -1 }));
    usage.record(entry({ userId: 'refused', inputTokens: 7 }));
    await usage.flush();
    expect((await rowsOf('refused')).map((r) => r.inputTokens)).to.deep.equal([7]);
    expect(logLines.filter((line) => line.message === 'usage entry refused')).to.have.length(2);
  });

  it("totals a user's usage per provider and model, since a time, including entries not yet written", async () => {
    const usage = recorder();
    const userId = `totals-${randomUUID()}`;
    usage.record(entry({ userId, provider: 'openai', model: 'gpt-4o', costMicroUsd: 1_000n }));
    usage.record(
      entry({ userId, provider: 'openai', model: 'gpt-4o', inputTokens: 1, costMicroUsd: 2_500n }),
    );
    usage.record(
      entry({ userId, provider: 'anthropic', model: 'claude-haiku', outputTokens: 9, costMicroUsd: 7n }),
    );
    usage.record(entry({ userId: 'someone-else', provider: 'openai', model: 'gpt-4o' }));
    expect(await usage.totals(userId)).to.deep.equal([
      {
        provider: 'anthropic',
        model: 'claude-haiku',
        requests: 1,
        inputTokens: 10,
        outputTokens: 9,
        costMicroUsd: 7n,
      },
      {
        provider: 'openai',
        model: 'gpt-4o',
        requests: 2,
        inputTokens: 11,
        outputTokens: 10,
        costMicroUsd: 3_500n,
      },
    ]);
    expect(await usage.totals(userId, { since: new Date(Date.now() + 60_000) })).to.deep.equal([]);
  });
});
