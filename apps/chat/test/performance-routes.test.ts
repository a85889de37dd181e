import { createMetrics } from '@gaia/platform';
import { expect } from 'chai';
import { createChatMetrics, type ChatMetrics } from '../src/chat/chat-metrics.js';
import { ProviderError, type ProviderId } from '../src/providers/provider.js';
import { loadModelCatalog } from '../src/registry/model-catalog.js';
import { createModelRegistry, type ModelRegistry } from '../src/registry/model-registry.js';
import { createPerformanceMonitor } from '../src/performance/performance-monitor.js';
import { performanceRoutes } from '../src/routes/performance.js';
import { startRouteServer, type RouteServer } from './support/route-server.js';

const BASE = '/api/v0.2/performance';

describe('performance routes over HTTP', () => {
  const catalog = loadModelCatalog();
  let registry: ModelRegistry;
  let chatMetrics: ChatMetrics;
  let server: RouteServer;

  const model = (id: string) => catalog.models.find((m) => m.id === id)!;
  const haiku = model('claude-3-haiku-20240307');
  const mini = model('gpt-4o-mini');

  const call = (method: string, path: string, signed = true) =>
    server.call(method, path, signed ? {} : { identity: null });

  /** A successful streamed attempt: `firstMs` to the first token, then chunks `gapsMs` apart. */
  function succeed(m = haiku, durationMs = 1000, firstMs = 200, gapsMs = [50, 50]) {
    registry.record({
      model: m,
      outcome: 'success',
      durationMs,
      timeToFirstTokenMs: firstMs,
      interTokenGapsMs: gapsMs,
      inputTokens: 1000,
      outputTokens: 100,
    });
  }
  function fail(m = mini, durationMs = 300) {
    registry.record({
      model: m,
      outcome: 'error',
      durationMs,
      inputTokens: 0,
      outputTokens: 0,
      error: new ProviderError(m.provider, '502 Bad Gateway', { status: 502, retryable: true }),
    });
  }

  async function start(available: ProviderId[]) {
    const metrics = createMetrics('chat-test');
    registry = createModelRegistry({ catalog, available, metricsRegistry: metrics.registry });
    chatMetrics = createChatMetrics(metrics.registry);
    server = await startRouteServer(
      (router) => performanceRoutes(router, { registry, metricsRegistry: metrics.registry }),
      metrics,
    );
  }
  const restart = async (available: ProviderId[]) => {
    await server.stop(1000);
    await start(available);
  };

  beforeEach(() => start(['anthropic', 'openai', 'offline']));
  afterEach(() => server.stop(1000));

  it('refuses calls without the gateway identity with 401', async () => {
    for (const path of ['summary', 'providers', 'stages', 'live', 'health']) {
      expect((await call('GET', `${BASE}/${path}`, false)).status).to.equal(401);
    }
    expect((await call('DELETE', `${BASE}/reset`, false)).status).to.equal(401);
  });

  describe('GET /performance/summary', () => {
    it('reports no traffic as zero requests, unmeasured times as null, and healthy', async () => {
      const { status, body } = await call('GET', `${BASE}/summary`);
      expect(status).to.equal(200);
      expect(body.summary).to.deep.equal({
        total_requests: 0,
        average_response_time: null,
        min_response_time: null,
        max_response_time: null,
        requests_last_hour: 0,
        requests_last_24h: 0,
        active_requests: 0,
      });
      expect(body.providers).to.deep.equal({});
      expect(body.health_status).to.equal('healthy');
      expect(Date.now() - Date.parse(body.data_since)).to.be.within(0, 10_000);
    });

    it("adds up the registry's attempts per provider, with cost at catalog prices and error rates in %", async () => {
      succeed(haiku, 1000);
      succeed(haiku, 3000);
      fail(mini, 500);
      chatMetrics.streamsInFlight.inc(2);
      const { body } = await call('GET', `${BASE}/summary`);
      expect(body.summary).to.deep.include({
        total_requests: 3,
        average_response_time: 1.5,
        requests_last_hour: 3,
        requests_last_24h: 3,
        active_requests: 2,
      });
      expect(Object.keys(body.providers)).to.have.members(['anthropic', 'openai']);
      const haikuCost = (2 * (1000 * 0.25 + 100 * 1.25)) / 1e6;
      expect(body.providers.anthropic).to.deep.include({
        total_requests: 2,
        average_response_time: 2,
        total_tokens: 2200,
        total_cost: haikuCost,
        error_count: 0,
        error_rate: 0,
      });
      expect(Date.now() - Date.parse(body.providers.anthropic.last_request)).to.be.within(0, 10_000);
      expect(body.providers.openai).to.deep.include({ total_requests: 1, error_count: 1, error_rate: 100 });
      // One error in three attempts over the last five minutes is above the 5 % threshold.
      expect(body.health_status).to.equal('critical');
    });
  });

  describe('GET /performance/providers', () => {
    it('lists every catalog provider with live status, figures and models', async () => {
      succeed(haiku, 2000);
      fail(mini);
      const { status, body } = await call('GET', `${BASE}/providers`);
      expect(status).to.equal(200);
      expect(Object.keys(body.providers)).to.have.members(['anthropic', 'openai', 'offline']);
      expect(body.providers.anthropic).to.deep.include({
        status: 'healthy',
        average_response_time: 2,
        min_response_time: null,
        max_response_time: null,
        total_requests: 1,
        total_tokens: 1100,
        tokens_per_second: 50,
        error_rate: 0,
        uptime_percentage: 100,
        last_error: null,
        health_score: 100,
        circuit_state: 'closed',
      });
      expect(body.providers.anthropic.available_models).to.deep.equal([
        'claude-3-haiku-20240307',
        'claude-3-5-haiku-20241022',
        'claude-3-5-sonnet-20241022',
      ]);
      expect(body.providers.openai).to.deep.include({
        status: 'warning',
        total_requests: 1,
        error_rate: 100,
        health_score: 0,
        last_error_message: '502 Bad Gateway',
      });
      expect(Date.now() - Date.parse(body.providers.openai.last_error)).to.be.within(0, 10_000);
      expect(body.providers.offline).to.deep.include({ total_requests: 0, average_response_time: null });
      expect(body.overall_health).to.equal('warning');
    });

    it('reports a provider whose circuit opened as critical with a zero health score', async () => {
      for (let i = 0; i < 5; i++) fail(mini);
      const { body } = await call('GET', `${BASE}/providers`);
      expect(body.providers.openai).to.deep.include({
        status: 'critical',
        circuit_state: 'open',
        health_score: 0,
      });
      expect(body.overall_health).to.equal('warning');
    });

    it('lists an unconfigured provider as unavailable, without models or uptime', async () => {
      await restart(['anthropic']);
      const { body } = await call('GET', `${BASE}/providers`);
      expect(body.providers.openai).to.deep.include({
        status: 'unavailable',
        available_models: [],
        uptime_percentage: null,
        health_score: 0,
      });
      expect(body.overall_health).to.equal('healthy');
    });
  });

  describe('GET /performance/stages', () => {
    it('splits the measured provider calls into waiting for the first token and streaming the rest', async () => {
      succeed(haiku, 1000, 200, [50, 50]);
      succeed(haiku, 1000, 400, [100]);
      fail(mini);
      const { status, body } = await call('GET', `${BASE}/stages?limit=5`);
      expect(status).to.equal(200);
      expect(body.stage_timings).to.deep.equal({
        time_to_first_token: {
          average_duration: 0.3,
          min_duration: null,
          max_duration: null,
          samples: 2,
          percentage_of_total: 75,
        },
        token_streaming: {
          average_duration: 0.1,
          min_duration: null,
          max_duration: null,
          samples: 2,
          percentage_of_total: 25,
        },
      });
      expect(body.analysis).to.deep.equal({
        total_average_request_time: 0.4,
        slowest_stages: [
          { stage: 'time_to_first_token', average_duration: 0.3, percentage: 75 },
          { stage: 'token_streaming', average_duration: 0.1, percentage: 25 },
        ],
        bottleneck_threshold: 1,
        recommendations: [],
      });
      expect(body.limit_applied).to.equal(5);
    });

    it('reports nothing measured before any text arrived, and names a stage above the bottleneck threshold', async () => {
      const empty = (await call('GET', `${BASE}/stages`)).body;
      expect(empty.stage_timings.time_to_first_token).to.deep.include({ average_duration: null, samples: 0 });
      expect(empty.analysis).to.deep.include({ total_average_request_time: null, slowest_stages: [] });
      expect(empty.limit_applied).to.equal(100);
      succeed(haiku, 3000, 2500, [10]);
      const slow = (await call('GET', `${BASE}/stages`)).body;
      expect(slow.analysis.recommendations).to.deep.equal([
        'time_to_first_token averages 2.500s, above the 1s bottleneck threshold',
      ]);
    });

    it('answers a bad limit with 422', async () => {
      for (const limit of ['0', 'many']) {
        const reply = await call('GET', `${BASE}/stages?limit=${limit}`);
        expect(reply.status).to.equal(422);
        expect(reply.body.detail[0].loc).to.deep.equal(['query', 'limit']);
      }
    });
  });

  describe('GET /performance/live', () => {
    it('counts chat replies in flight from the streams gauge and this request among the connections', async () => {
      chatMetrics.streamsInFlight.inc(3);
      succeed();
      const { status, body } = await call('GET', `${BASE}/live`);
      expect(status).to.equal(200);
      expect(body.active_requests).to.deep.equal({ count: 3, requests: [], total_active_time: null });
      expect(body.system_metrics.requests_per_minute).to.equal(1);
      expect(body.system_metrics.active_connections).to.be.at.least(1);
      expect(body.system_metrics.memory_usage_mb).to.be.within(1, 1_000_000);
      expect(body.system_metrics.memory_usage_mb).to.be.closeTo(process.memoryUsage().rss / 1_048_576, 64);
      expect(body.system_metrics.cpu_usage_percent).to.be.at.least(0);
    });
  });

  describe('GET /performance/health', () => {
    it('is healthy without traffic, with the original thresholds and no alerts', async () => {
      const { status, body } = await call('GET', `${BASE}/health`);
      expect(status).to.equal(200);
      expect(body).to.deep.include({
        health_status: 'healthy',
        health_score: 95,
        alerts: [],
        recommendations: [],
      });
      expect(body.metrics).to.deep.equal({
        average_response_time: 0,
        slow_requests_count: null,
        error_rate_percent: 0,
        active_requests: 0,
        requests_analyzed: 0,
      });
      expect(body.thresholds).to.deep.equal({
        healthy_response_time: '< 2.0s',
        warning_response_time: '< 5.0s',
        critical_response_time: '>= 5.0s',
        healthy_error_rate: '< 1.0%',
        warning_error_rate: '< 5.0%',
        critical_error_rate: '>= 5.0%',
      });
    });

    it('warns about slow replies', async () => {
      succeed(haiku, 3000);
      const { body } = await call('GET', `${BASE}/health`);
      expect(body).to.deep.include({ health_status: 'warning', health_score: 75 });
      expect(body.metrics).to.deep.include({ average_response_time: 3, requests_analyzed: 1 });
      expect(body.alerts).to.deep.equal([
        {
          level: 'warning',
          message: 'Elevated response time: 3.00s',
          threshold: '2.0s',
          recommendation: 'Monitor provider response times',
        },
      ]);
      expect(body.recommendations).to.deep.equal(['Monitor provider response times']);
    });

    it('is critical with a high error rate and an open circuit, each with an alert', async () => {
      for (let i = 0; i < 5; i++) fail(mini);
      succeed(haiku, 500);
      const { body } = await call('GET', `${BASE}/health`);
      expect(body).to.deep.include({ health_status: 'critical', health_score: 40 });
      expect(body.metrics).to.deep.include({ error_rate_percent: 83.33, requests_analyzed: 6 });
      expect(body.alerts.map((a: { level: string; message: string }) => [a.level, a.message])).to.deep.equal([
        ['critical', 'High error rate: 83.3%'],
        ['critical', 'Circuit open for provider openai: its requests go to other providers'],
      ]);
    });

    it('counts an open circuit as at least a warning, and as critical when no configured provider is left', async () => {
      for (let i = 0; i < 600; i++) succeed(haiku, 500);
      for (let i = 0; i < 5; i++) fail(mini);
      const oneOpen = (await call('GET', `${BASE}/health`)).body;
      expect(oneOpen.metrics.error_rate_percent).to.be.below(1);
      expect(oneOpen.health_status).to.equal('warning');

      await restart(['openai']);
      for (let i = 0; i < 200; i++) succeed(mini, 500);
      for (let i = 0; i < 5; i++) fail(mini);
      const allOpen = (await call('GET', `${BASE}/health`)).body;
      expect(allOpen.metrics.error_rate_percent).to.be.below(5);
      expect(allOpen.health_status).to.equal('critical');
    });
  });

  describe('DELETE /performance/reset', () => {
    it('answers what the ended period held and starts counting again, leaving the registry untouched', async () => {
      succeed(haiku);
      fail(mini);
      const before = (await call('GET', `${BASE}/summary`)).body;
      const { status, body } = await call('DELETE', `${BASE}/reset`);
      expect(status).to.equal(200);
      expect(body).to.deep.include({ status: 'success', message: 'Performance metrics have been reset' });
      expect(body.previous_data_summary).to.deep.include({
        total_requests: 2,
        total_providers: 2,
        active_requests: 0,
      });
      expect(body.previous_data_summary.data_collection_period).to.deep.include({
        start: before.data_since,
        end: body.reset_timestamp,
      });

      const after = (await call('GET', `${BASE}/summary`)).body;
      expect(after.data_since).to.equal(body.reset_timestamp);
      expect(after.summary).to.deep.include({
        total_requests: 0,
        requests_last_hour: 0,
        average_response_time: null,
      });
      expect(after.providers).to.deep.equal({});
      expect((await call('GET', `${BASE}/stages`)).body.stage_timings.time_to_first_token.samples).to.equal(
        0,
      );

      succeed(haiku, 4000);
      const later = (await call('GET', `${BASE}/summary`)).body;
      expect(later.summary).to.deep.include({
        total_requests: 1,
        requests_last_hour: 1,
        average_response_time: 4,
      });
      expect(registry.stats().summary.requests).to.equal(3);
    });
  });

  describe('hourly and daily counts', () => {
    it('count the attempts since the newest sample older than the window, at the sampling resolution', async () => {
      let time = Date.parse('2025-01-01T00:00:00Z');
      const now = () => time;
      const metrics = createMetrics('chat-test');
      registry = createModelRegistry({
        catalog,
        available: ['anthropic'],
        metricsRegistry: metrics.registry,
        now,
      });
      const monitor = createPerformanceMonitor({
        registry,
        metricsRegistry: metrics.registry,
        now,
        sampleIntervalMs: 10,
      });
      const sampled = () => new Promise((resolve) => setTimeout(resolve, 40));
      succeed();
      succeed();
      await sampled();
      time += 2 * 3_600_000;
      succeed();
      await sampled();
      const { summary } = await monitor.summary();
      expect(summary).to.deep.include({ total_requests: 3, requests_last_hour: 1, requests_last_24h: 3 });
    });
  });
});
