import { expect } from 'chai';
import client from 'prom-client';
import { ProviderError, type ProviderId } from '../src/providers/provider.js';
import { loadModelCatalog } from '../src/registry/model-catalog.js';
import { createModelRegistry, type AttemptOutcome } from '../src/registry/model-registry.js';

const catalog = loadModelCatalog();
const model = (id: string) => catalog.models.find((m) => m.id === id)!;

function setup(available: ProviderId[] = ['openai', 'anthropic', 'offline']) {
  const clock = { now: 1_750_000_000_000 };
  const metricsRegistry = new client.Registry();
  const registry = createModelRegistry({ catalog, available, metricsRegistry, now: () => clock.now });
  const attempt = (overrides: Partial<AttemptOutcome> & { model: AttemptOutcome['model'] }): void =>
    registry.record({ outcome: 'success', durationMs: 400, inputTokens: 10, outputTokens: 20, ...overrides });
  const fail = (id: string, status = 500) =>
    attempt({
      model: model(id),
      outcome: 'error',
      error: new ProviderError(model(id).provider, `${status} upstream failed`, {
        status,
        retryable: status >= 500,
      }),
    });
  return { clock, registry, metricsRegistry, attempt, fail };
}

const metricValue = async (registry: client.Registry, name: string, labels: Record<string, string>) => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value;
};

describe('model registry health', () => {
  it('reports a provider healthy before any traffic, and unavailable when not configured', () => {
    const { registry } = setup(['openai', 'offline']);
    expect(registry.health('openai')).to.deep.include({
      status: 'healthy',
      available: true,
      circuit: 'closed',
      requests: 0,
      errorRate: 0,
      timeToFirstTokenMs: null,
      lastRequestAt: null,
    });
    expect(registry.health('anthropic')).to.deep.include({ status: 'unavailable', available: false });
  });

  it('measures requests, errors and time to first token from recorded attempts', () => {
    const { registry, attempt, fail, clock } = setup();
    attempt({ model: model('gpt-4o-mini'), timeToFirstTokenMs: 100 });
    attempt({ model: model('gpt-4o'), timeToFirstTokenMs: 200 });
    clock.now += 1000;
    fail('gpt-4o');
    const health = registry.health('openai');
    expect(health).to.deep.include({
      requests: 3,
      errors: 1,
      lastRequestAt: clock.now,
      consecutiveFailures: 1,
    });
    expect(health.errorRate).to.be.closeTo(1 / 3, 1e-9);
    // Moving average: the newer sample moves it 30 % of the way.
    expect(health.timeToFirstTokenMs).to.be.closeTo(130, 1e-9);
    expect(health.lastError?.message).to.equal('500 upstream failed');
    expect(health.status).to.equal('degraded');
  });

  it('forgets traffic older than the window', () => {
    const { registry, fail, attempt, clock } = setup();
    fail('gpt-4o');
    clock.now += 6 * 60_000;
    attempt({ model: model('gpt-4o') });
    expect(registry.health('openai')).to.deep.include({ requests: 1, errors: 0, status: 'healthy' });
  });

  it('does not blame the provider for rejected requests (400) or for clients that went away', () => {
    const { registry, fail, attempt } = setup();
    for (let i = 0; i < 6; i++) fail('claude-3-haiku-20240307', 400);
    attempt({ model: model('claude-3-haiku-20240307'), outcome: 'aborted' });
    expect(registry.health('anthropic')).to.deep.include({ status: 'healthy', circuit: 'closed', errors: 0 });
    expect(registry.stats().providers.anthropic).to.deep.include({ requests: 7, errors: 6, aborted: 1 });
  });
});

describe('model registry circuit breaker', () => {
  it('opens after five consecutive failures and refuses attempts', () => {
    const { registry, fail } = setup();
    for (let i = 0; i < 4; i++) fail('gpt-4o-mini');
    expect(registry.health('openai').circuit).to.equal('closed');
    expect(registry.admit('openai')).to.equal(true);
    fail('gpt-4o-mini');
    expect(registry.health('openai')).to.deep.include({ circuit: 'open', status: 'unhealthy' });
    expect(registry.admit('openai')).to.equal(false);
    expect(registry.admit('anthropic')).to.equal(true);
  });

  it('opens when half the requests in the window fail, even without a streak', () => {
    const { registry, fail, attempt } = setup();
    for (let i = 0; i < 5; i++) {
      attempt({ model: model('gpt-4o-mini') });
      fail('gpt-4o-mini');
    }
    expect(registry.health('openai').circuit).to.equal('open');
  });

  it('lets one probe through after the cooldown, and closes on its success', () => {
    const { registry, fail, attempt, clock } = setup();
    for (let i = 0; i < 5; i++) fail('gpt-4o-mini');
    clock.now += 29_000;
    expect(registry.admit('openai')).to.equal(false);
    clock.now += 1_000;
    expect(registry.health('openai').circuit).to.equal('half_open');
    expect(registry.admit('openai')).to.equal(true);
    expect(registry.admit('openai')).to.equal(false);
    attempt({ model: model('gpt-4o-mini') });
    expect(registry.health('openai')).to.deep.include({ circuit: 'closed', consecutiveFailures: 0 });
    expect(registry.admit('openai')).to.equal(true);
  });

  it('opens again for another cooldown when the probe fails', () => {
    const { registry, fail, clock } = setup();
    for (let i = 0; i < 5; i++) fail('gpt-4o-mini');
    clock.now += 30_000;
    expect(registry.admit('openai')).to.equal(true);
    fail('gpt-4o-mini');
    expect(registry.health('openai').circuit).to.equal('open');
    clock.now += 29_000;
    expect(registry.admit('openai')).to.equal(false);
  });

  it('admits another probe when an aborted probe says nothing about health', () => {
    const { registry, fail, attempt, clock } = setup();
    for (let i = 0; i < 5; i++) fail('gpt-4o-mini');
    clock.now += 30_000;
    expect(registry.admit('openai')).to.equal(true);
    attempt({ model: model('gpt-4o-mini'), outcome: 'aborted' });
    expect(registry.health('openai').circuit).to.equal('half_open');
    expect(registry.admit('openai')).to.equal(true);
  });
});

describe('model registry stats and metrics', () => {
  it('adds up requests, tokens and cost at catalog prices per model, provider and in total', () => {
    const { registry, attempt, clock } = setup();
    attempt({
      model: model('claude-3-haiku-20240307'),
      inputTokens: 1_000_000,
      outputTokens: 200_000,
      durationMs: 300,
    });
    clock.now += 5;
    attempt({ model: model('gpt-4o'), inputTokens: 1000, outputTokens: 500, durationMs: 500 });
    const stats = registry.stats();
    // 1M input at $0.25 + 200k output at $1.25 per million = $0.50.
    expect(stats.providers.anthropic?.models['claude-3-haiku-20240307']).to.deep.include({
      requests: 1,
      inputTokens: 1_000_000,
      outputTokens: 200_000,
      costMicroUsd: 500_000,
      avgDurationMs: 300,
    });
    // 1000 × 2.5 + 500 × 10 micro-USD.
    expect(stats.providers.openai).to.deep.include({
      requests: 1,
      costMicroUsd: 7500,
      lastRequestAt: clock.now,
    });
    expect(stats.summary).to.deep.include({
      requests: 2,
      inputTokens: 1_001_000,
      outputTokens: 200_500,
      costMicroUsd: 507_500,
      avgDurationMs: 400,
    });
    expect(stats.providers.offline).to.deep.include({
      requests: 0,
      avgDurationMs: null,
      lastRequestAt: null,
    });
  });

  it('keeps cost exact over many tiny requests instead of rounding each one away', () => {
    const { registry, attempt } = setup();
    for (let i = 0; i < 1000; i++) attempt({ model: model('gpt-4o-mini'), inputTokens: 1, outputTokens: 0 });
    // 1000 tokens at $0.15 per million = 150 micro-USD (each request alone would round to 0).
    expect(registry.stats().providers.openai?.costMicroUsd).to.equal(150);
  });

  it('exports requests, tokens, cost, circuit state and latency histograms to Prometheus', async () => {
    const { metricsRegistry, attempt, fail } = setup();
    attempt({
      model: model('gpt-4o-mini'),
      inputTokens: 1000,
      outputTokens: 2000,
      timeToFirstTokenMs: 120,
      interTokenGapsMs: [10, 12, 30],
    });
    for (let i = 0; i < 5; i++) fail('claude-3-haiku-20240307');
    const labels = { provider: 'openai', model: 'gpt-4o-mini' };
    expect(
      await metricValue(metricsRegistry, 'gaia_chat_provider_requests_total', {
        ...labels,
        outcome: 'success',
      }),
    ).to.equal(1);
    expect(
      await metricValue(metricsRegistry, 'gaia_chat_provider_requests_total', {
        provider: 'anthropic',
        outcome: 'error',
      }),
    ).to.equal(5);
    expect(
      await metricValue(metricsRegistry, 'gaia_chat_tokens_total', { ...labels, direction: 'output' }),
    ).to.equal(2000);
    expect(await metricValue(metricsRegistry, 'gaia_chat_cost_usd_total', labels)).to.be.closeTo(
      0.00135,
      1e-12,
    );
    expect(
      await metricValue(metricsRegistry, 'gaia_chat_provider_circuit_state', { provider: 'anthropic' }),
    ).to.equal(2);
    expect(
      await metricValue(metricsRegistry, 'gaia_chat_provider_circuit_state', { provider: 'openai' }),
    ).to.equal(0);
    const text = await metricsRegistry.metrics();
    expect(text).to.include(
      'gaia_chat_time_to_first_token_seconds_count{provider="openai",model="gpt-4o-mini"} 1',
    );
    expect(text).to.include(
      'gaia_chat_inter_token_gap_seconds_count{provider="openai",model="gpt-4o-mini"} 3',
    );
    expect(text).to.include(
      'gaia_chat_time_to_first_token_seconds_bucket{le="0.25",provider="openai",model="gpt-4o-mini"} 1',
    );
  });
});
