import { randomUUID } from 'node:crypto';
import {
  currentBilling,
  currentUsage,
  monthlyReport,
  usageHistory,
  usageLimits,
  usageLogged,
  type Identity,
} from '@gaia/contracts';
import { createDatabase, createMetrics, type Database } from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import { loadModelCatalog } from '../src/registry/model-catalog.js';
import { createModelRegistry } from '../src/registry/model-registry.js';
import { usageRoutes } from '../src/routes/usage.js';
import { createUsageRecorder, type UsageRecorder } from '../src/usage/usage-recorder.js';
import {
  asUser,
  quietLogger,
  startRouteServer,
  type CallOptions,
  type RouteServer,
} from './support/route-server.js';

const BASE = '/api/v0.2/usage';
const DAY_MS = 86_400_000;
const BUDGET_USD = 1;
const REQUEST_LIMIT = 4;

interface Row {
  provider?: string;
  model?: string;
  operation?: string;
  inputTokens?: number;
  outputTokens?: number;
  costMicroUsd: bigint;
  createdAt?: Date;
}

const isoDay = (time: number | Date) => new Date(time).toISOString().slice(0, 10);

describe('usage routes over HTTP', () => {
  let testDb: TestDatabase;
  let db: Database;
  let usage: UsageRecorder;
  let server: RouteServer;

  const newUser = () => `user-${randomUUID()}`;

  /** Calls as `user` (a new user unless named), or as `identity` when given. */
  const call = (method: string, path: string, { user, ...options }: CallOptions & { user?: string } = {}) =>
    server.call(method, path, { identity: asUser(user), ...options });

  /** Stores usage rows for a user directly, so their time can be in the past. */
  async function seed(userId: string, rows: Row[]) {
    await db.prisma.usageRecord.createMany({
      data: rows.map((row) => ({
        userId,
        provider: row.provider ?? 'anthropic',
        model: row.model ?? 'claude-3-haiku-20240307',
        operation: row.operation ?? 'chat',
        inputTokens: row.inputTokens ?? 0,
        outputTokens: row.outputTokens ?? 0,
        costMicroUsd: row.costMicroUsd,
        status: 'ok',
        createdAt: row.createdAt ?? new Date(),
      })),
    });
  }

  before(async () => {
    testDb = await createTestDatabase();
    db = createDatabase({ url: testDb.url, poolSize: 4 });
    usage = createUsageRecorder({ prisma: db.prisma, logger: quietLogger, flushIntervalMs: 60_000 });
    const metrics = createMetrics('chat-test');
    const registry = createModelRegistry({
      catalog: loadModelCatalog(),
      available: ['anthropic', 'openai', 'offline'],
      metricsRegistry: metrics.registry,
    });
    server = await startRouteServer(
      (router) =>
        usageRoutes(router, {
          usage,
          registry,
          config: { USAGE_MONTHLY_BUDGET_USD: BUDGET_USD, USAGE_MONTHLY_REQUEST_LIMIT: REQUEST_LIMIT },
        }),
      metrics,
    );
  });
  after(async () => {
    await server.stop(1000);
    await usage.close();
    await db.close();
    await testDb.drop();
  });

  it('refuses calls without the gateway identity, and service callers, with 401', async () => {
    expect((await call('GET', `${BASE}/current`, { identity: null })).status).to.equal(401);
    const service = await call('GET', `${BASE}/current`, {
      identity: { auth_type: 'service', service: 'web' },
    });
    expect(service.status).to.equal(401);
  });

  describe('GET /usage/current', () => {
    it("adds up this month's records of the caller only, per provider, in USD from micro-USD", async () => {
      const user = newUser();
      const now = new Date();
      const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - DAY_MS);
      await seed(user, [
        { costMicroUsd: 1_500n, inputTokens: 100, outputTokens: 20 },
        { costMicroUsd: 2_500n, inputTokens: 300, outputTokens: 80 },
        { provider: 'openai', model: 'gpt-4o-mini', costMicroUsd: 250n, inputTokens: 10, outputTokens: 5 },
        { provider: 'stability', model: 'sdxl', operation: 'image_generation', costMicroUsd: 20_000n },
        { provider: 'meshy', model: 'meshy-4', operation: 'text_to_3d', costMicroUsd: 150_000n },
        { costMicroUsd: 9_000_000n, createdAt: lastMonth },
      ]);
      await seed(newUser(), [{ costMicroUsd: 7_000_000n }]);

      const reply = await call('GET', `${BASE}/current`, { user });
      expect(reply.status).to.equal(200);
      const body = currentUsage.strict().parse(reply.body);
      expect(body).to.deep.include({
        total_cost: 0.17425,
        total_requests: 5,
        total_tokens: 515,
        total_images: 1,
        total_3d_models: 1,
      });
      expect(body.providers).to.deep.equal({
        anthropic: { cost: 0.004, requests: 2, tokens: 500, images: 0, models: 0 },
        meshy: { cost: 0.15, requests: 1, tokens: 0, images: 0, models: 1 },
        openai: { cost: 0.00025, requests: 1, tokens: 15, images: 0, models: 0 },
        stability: { cost: 0.02, requests: 1, tokens: 0, images: 1, models: 0 },
      });
      const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
      const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1) - DAY_MS);
      expect(body.billing_period).to.deep.equal({ start: isoDay(start), end: isoDay(end) });
      expect(Date.now() - Date.parse(body.as_of)).to.be.within(0, 10_000);
      expect(body).not.to.have.property('filtered_provider');
    });

    it('counts chat replies the recorder still holds in its queue', async () => {
      const user = newUser();
      usage.record({
        userId: user,
        apiKeyId: null,
        provider: 'openai',
        model: 'gpt-4o-mini',
        operation: 'chat',
        inputTokens: 12,
        outputTokens: 30,
        costMicroUsd: 20n,
        latencyMs: 900,
        ttftMs: 120,
        status: 'ok',
        requestId: null,
      });
      const reply = await call('GET', `${BASE}/current`, { user });
      expect(reply.body.providers).to.deep.equal({
        openai: { cost: 0.00002, requests: 1, tokens: 42, images: 0, models: 0 },
      });
    });

    it('filters by provider, taking the claude alias for anthropic', async () => {
      const user = newUser();
      await seed(user, [{ costMicroUsd: 3_000n, inputTokens: 7 }]);
      const reply = await call('GET', `${BASE}/current?provider=claude`, { user });
      expect(reply.status).to.equal(200);
      expect(reply.body.filtered_provider).to.equal('anthropic');
      expect(reply.body.provider_usage).to.deep.equal({
        cost: 0.003,
        requests: 1,
        tokens: 7,
        images: 0,
        models: 0,
      });
    });

    it('answers a registry provider without usage with zeros, an unknown one with 404 naming it', async () => {
      const quiet = await call('GET', `${BASE}/current?provider=openai`);
      expect(quiet.status).to.equal(200);
      expect(quiet.body.provider_usage).to.deep.equal({
        cost: 0,
        requests: 0,
        tokens: 0,
        images: 0,
        models: 0,
      });
      const unknown = await call('GET', `${BASE}/current?provider=nosuch`);
      expect(unknown.status).to.equal(404);
      expect(unknown.body).to.deep.equal({ detail: 'No usage data for provider: nosuch' });
    });
  });

  describe('GET /usage/history', () => {
    it('answers one entry per UTC day, today last, with the days that had usage filled in', async () => {
      const user = newUser();
      const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
      await seed(user, [
        { costMicroUsd: 1_000_000n, inputTokens: 40, createdAt: twoDaysAgo },
        { provider: 'openai', model: 'gpt-4o', costMicroUsd: 500_000n, createdAt: twoDaysAgo },
        { costMicroUsd: 250_000n, outputTokens: 9 },
        { costMicroUsd: 4_000_000n, createdAt: new Date(Date.now() - 8 * DAY_MS) },
      ]);
      const reply = await call('GET', `${BASE}/history?days=7`, { user });
      expect(reply.status).to.equal(200);
      const body = usageHistory.strict().parse(reply.body);
      const today = isoDay(Date.now());
      expect(body.period).to.deep.equal({
        start_date: isoDay(Date.now() - 6 * DAY_MS),
        end_date: today,
        days: 7,
      });
      expect(body.usage_history.map((d) => d.date)).to.deep.equal(
        Array.from({ length: 7 }, (_, i) => isoDay(Date.now() - (6 - i) * DAY_MS)),
      );
      const peak = body.usage_history.find((d) => d.date === isoDay(twoDaysAgo))!;
      expect(peak).to.deep.include({ total_cost: 1.5, total_requests: 2, total_tokens: 40, total_images: 0 });
      expect(peak.breakdown).to.deep.equal({
        anthropic: { cost: 1, requests: 1 },
        openai: { cost: 0.5, requests: 1 },
      });
      expect(body.usage_history.at(-1)).to.deep.include({ total_cost: 0.25, total_tokens: 9 });
      expect(body.usage_history[0]).to.deep.include({ total_cost: 0, total_requests: 0, breakdown: {} });
      expect(body.summary).to.deep.equal({
        total_cost: 1.75,
        total_requests: 3,
        average_daily_cost: 0.25,
        peak_cost_day: isoDay(twoDaysAgo),
      });
    });

    it('defaults to 30 days and adds the history of one provider when asked (alias accepted)', async () => {
      const user = newUser();
      await seed(user, [{ costMicroUsd: 2_000n }]);
      const reply = await call('GET', `${BASE}/history?provider=claude`, { user });
      expect(reply.status).to.equal(200);
      expect(reply.body.usage_history).to.have.length(30);
      expect(reply.body.filtered_provider).to.equal('anthropic');
      expect(reply.body.provider_history).to.have.length(30);
      expect(reply.body.provider_history.at(-1)).to.deep.equal({
        date: isoDay(Date.now()),
        provider: 'anthropic',
        cost: 0.002,
        requests: 1,
      });
      expect(reply.body.provider_history[0]).to.deep.include({ cost: 0, requests: 0 });
    });

    it('has no peak day while nothing cost anything', async () => {
      const reply = await call('GET', `${BASE}/history?days=3`);
      expect(reply.body.summary).to.deep.equal({
        total_cost: 0,
        total_requests: 0,
        average_daily_cost: 0,
        peak_cost_day: null,
      });
    });

    it('answers days=0, days=366 and days=abc with 422 naming the field, not 500 (Q38)', async () => {
      for (const days of ['0', '366', 'abc', '-1', '1.5']) {
        const reply = await call('GET', `${BASE}/history?days=${days}`);
        expect(reply.status, `days=${days}`).to.equal(422);
        expect(reply.body.detail[0].loc).to.deep.equal(['query', 'days']);
      }
    });
  });

  describe('POST /usage/log', () => {
    it("stores the entry as a usage record of the caller and answers the record's id", async () => {
      const user = newUser();
      const keyId = randomUUID();
      const identity: Identity = { auth_type: 'user_api_key', user_id: user, key_id: keyId, scopes: [] };
      const reply = await call('POST', `${BASE}/log`, {
        identity,
        json: {
          provider: 'claude',
          operation: 'text_completion',
          cost: 0.012345,
          tokens: 321,
          images: 0,
          quality: 'standard',
          model: 'claude-3-haiku',
          request_id: 'req-42',
        },
      });
      expect(reply.status).to.equal(200);
      const body = usageLogged.strict().parse(reply.body);
      expect(body.message).to.equal('Usage logged successfully');
      expect(body.cost_logged).to.equal(0.012345);
      const row = await db.prisma.usageRecord.findUniqueOrThrow({ where: { id: body.log_id } });
      expect(row).to.deep.include({
        userId: user,
        apiKeyId: keyId,
        provider: 'anthropic',
        model: 'claude-3-haiku-20240307',
        operation: 'text_completion',
        inputTokens: 321,
        outputTokens: 0,
        costMicroUsd: 12_345n,
        status: 'ok',
        requestId: 'req-42',
      });
      expect(row.createdAt.toISOString()).to.equal(body.timestamp);

      const current = await call('GET', `${BASE}/current`, { user });
      expect(current.body.providers.anthropic).to.deep.equal({
        cost: 0.012345,
        requests: 1,
        tokens: 321,
        images: 0,
        models: 0,
      });
    });

    it('accepts the minimal body, a numeric string cost, and names no model as unspecified', async () => {
      const user = newUser();
      const reply = await call('POST', `${BASE}/log`, {
        user,
        json: { provider: 'Stability', operation: 'image_generation', cost: '0.04' },
      });
      expect(reply.status).to.equal(200);
      expect(reply.body.cost_logged).to.equal(0.04);
      const row = await db.prisma.usageRecord.findUniqueOrThrow({ where: { id: reply.body.log_id } });
      expect(row).to.deep.include({ provider: 'stability', model: 'unspecified', costMicroUsd: 40_000n });
      const current = await call('GET', `${BASE}/current`, { user });
      expect(current.body.total_images).to.equal(1);
    });

    it('answers missing or invalid fields with 422 listing them, and stores nothing', async () => {
      const user = newUser();
      const missing = await call('POST', `${BASE}/log`, { user, json: { provider: 'openai' } });
      expect(missing.status).to.equal(422);
      expect(
        missing.body.detail.map((f: { loc: string[]; type: string }) => [f.loc.join('.'), f.type]),
      ).to.deep.equal([
        ['body.operation', 'missing'],
        ['body.cost', 'missing'],
      ]);
      for (const cost of [-1, 'cheap', null, 2_000_000]) {
        const reply = await call('POST', `${BASE}/log`, {
          user,
          json: { provider: 'openai', operation: 'chat', cost },
        });
        expect(reply.status, `cost ${String(cost)}`).to.equal(422);
        expect(reply.body.detail[0].loc).to.deep.equal(['body', 'cost']);
      }
      const tooLong = await call('POST', `${BASE}/log`, {
        user,
        json: { provider: 'x'.repeat(51), operation: 'chat', cost: 1 },
      });
      expect(tooLong.status).to.equal(422);
      expect(await db.prisma.usageRecord.count({ where: { userId: user } })).to.equal(0);
    });
  });

  describe('GET /usage/limits', () => {
    it('reports requests per provider against the monthly limit and spending against the budget, with warnings above 80 %', async () => {
      const user = newUser();
      await seed(user, [
        ...Array.from({ length: 4 }, () => ({ costMicroUsd: 200_000n, inputTokens: 10 })),
        { provider: 'openai', model: 'gpt-4o', costMicroUsd: 50_000n },
      ]);
      const reply = await call('GET', `${BASE}/limits`, { user });
      expect(reply.status).to.equal(200);
      const body = usageLimits.strict().parse(reply.body);
      expect(Object.keys(body.limits)).to.have.members(['anthropic', 'openai', 'offline']);
      expect(body.limits.anthropic).to.deep.equal({
        monthly_limit: REQUEST_LIMIT,
        used_this_month: 4,
        remaining: 0,
        tokens_used: 40,
        cost_this_month: 0.8,
      });
      expect(body.limits.offline).to.deep.include({ used_this_month: 0, remaining: REQUEST_LIMIT });
      expect(body.monthly_budget).to.deep.equal({
        budget: 1,
        spent: 0.85,
        remaining: 0.15,
        usage_percentage: 85,
      });
      expect(body.warnings).to.deep.equal([
        {
          provider: 'anthropic',
          type: 'high_usage',
          message: 'anthropic usage at 100.0% of monthly limit',
          usage_percentage: 100,
        },
        {
          provider: null,
          type: 'high_usage',
          message: 'Spending at 85.0% of the monthly budget of $1',
          usage_percentage: 85,
        },
      ]);
    });

    it('filters one provider by any of its names, and answers null for an unknown one as the original', async () => {
      const claude = await call('GET', `${BASE}/limits?provider=claude`);
      expect(claude.status).to.equal(200);
      expect(Object.keys(claude.body.limits)).to.deep.equal(['anthropic']);
      expect(claude.body.warnings).to.deep.equal([]);
      const unknown = await call('GET', `${BASE}/limits?provider=nosuch`);
      expect(unknown.status).to.equal(200);
      expect(unknown.body.limits).to.deep.equal({ nosuch: null });
    });
  });

  describe('GET /usage/billing/current', () => {
    it('charges this month up to the budget as usage and the rest as overage, with a critical alert', async () => {
      const user = newUser();
      await seed(user, [{ costMicroUsd: 1_200_000n }, { provider: 'openai', costMicroUsd: 300_000n }]);
      const reply = await call('GET', `${BASE}/billing/current`, { user });
      expect(reply.status).to.equal(200);
      const body = currentBilling.strict().parse(reply.body);
      expect(body.current_charges).to.deep.equal({
        subscription_fees: 0,
        usage_charges: 1,
        overage_charges: 0.5,
        total: 1.5,
      });
      const now = new Date();
      const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
      expect(body.billing_period.start_date).to.equal(
        isoDay(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
      );
      expect(body.billing_period.end_date).to.equal(isoDay(next.getTime() - DAY_MS));
      expect(body.billing_period.days_remaining).to.equal(
        Math.round((next.getTime() - DAY_MS - Date.parse(isoDay(now))) / DAY_MS),
      );
      expect(body.next_billing_date).to.equal(isoDay(next));
      expect(body.payment_method).to.equal(null);
      expect(body.estimated_next_bill).to.be.at.least(1.5);
      expect(body.billing_alerts).to.deep.equal([
        {
          type: 'limit_exceeded',
          message: 'Spending at 150.0% of the monthly budget of $1',
          severity: 'critical',
        },
      ]);
    });

    it('has no charges and no alerts for a user without usage', async () => {
      const body = (await call('GET', `${BASE}/billing/current`)).body;
      expect(body.current_charges).to.deep.equal({
        subscription_fees: 0,
        usage_charges: 0,
        overage_charges: 0,
        total: 0,
      });
      expect(body.estimated_next_bill).to.equal(0);
      expect(body.billing_alerts).to.deep.equal([]);
    });
  });

  describe('GET /usage/reports/monthly', () => {
    it("reports the given month's records: totals, providers, operations by cost", async () => {
      const user = newUser();
      const march = (day: number) => new Date(Date.UTC(2024, 2, day, 12));
      await seed(user, [
        { costMicroUsd: 100_000n, inputTokens: 50, outputTokens: 50, createdAt: march(1) },
        { costMicroUsd: 100_000n, inputTokens: 10, createdAt: march(31) },
        {
          provider: 'stability',
          operation: 'image_generation',
          costMicroUsd: 400_000n,
          createdAt: march(15),
        },
        { provider: 'meshy', operation: 'text_to_3d', costMicroUsd: 900_000n, createdAt: march(15) },
        { costMicroUsd: 5_000_000n, createdAt: new Date(Date.UTC(2024, 3, 1)) },
      ]);
      const reply = await call('GET', `${BASE}/reports/monthly?month=2024-03`, { user });
      expect(reply.status).to.equal(200);
      const body = monthlyReport.strict().parse(reply.body);
      expect(body.report_period).to.equal('2024-03');
      expect(body.summary).to.deep.equal({
        total_cost: 1.5,
        total_requests: 4,
        total_tokens: 110,
        total_images: 1,
        total_3d_models: 1,
        unique_operations: 3,
      });
      expect(Object.keys(body.provider_breakdown)).to.have.members(['anthropic', 'stability', 'meshy']);
      expect(body.cost_categories).to.deep.equal({
        subscription_fees: 0,
        per_use_charges: 1,
        overage_charges: 0.5,
      });
      expect(body.top_operations).to.deep.equal([
        { operation: 'text_to_3d', cost: 0.9, count: 1 },
        { operation: 'image_generation', cost: 0.4, count: 1 },
        { operation: 'chat', cost: 0.2, count: 2 },
      ]);
      expect(body.cost_optimization_suggestions).to.deep.equal([]);
    });

    it('defaults to the current month and answers a month without usage with zeros', async () => {
      const now = new Date();
      const reply = await call('GET', `${BASE}/reports/monthly`);
      expect(reply.status).to.equal(200);
      expect(reply.body.report_period).to.equal(now.toISOString().slice(0, 7));
      const future = await call('GET', `${BASE}/reports/monthly?month=2999-12`);
      expect(future.body.summary.total_requests).to.equal(0);
      expect(future.body.top_operations).to.deep.equal([]);
    });

    it('answers a malformed month with 422 and the original message, not 500 (Q11)', async () => {
      for (const month of ['2024-13', '2024-3', 'March', '2024-00']) {
        const reply = await call('GET', `${BASE}/reports/monthly?month=${month}`);
        expect(reply.status, month).to.equal(422);
        expect(reply.body.detail[0]).to.deep.include({
          loc: ['query', 'month'],
          msg: 'Invalid month format. Use YYYY-MM',
        });
      }
    });
  });
});
