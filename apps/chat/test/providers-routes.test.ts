import { expect } from 'chai';
import { ProviderError } from '../src/providers/provider.js';
import { startRegistryApp, type RegistryApp } from './registry-routes-app.js';

describe('provider routes', () => {
  let app: RegistryApp;

  before(async () => {
    app = await startRegistryApp(['anthropic', 'offline']);
    const haiku = app.registry.find('claude-3-haiku-20240307')!;
    const traffic = {
      model: haiku,
      durationMs: 800,
      timeToFirstTokenMs: 200,
      inputTokens: 400_000,
      outputTokens: 100_000,
    };
    app.registry.record({ ...traffic, outcome: 'success' });
    app.registry.record({ ...traffic, outcome: 'success', durationMs: 400, timeToFirstTokenMs: 100 });
    app.registry.record({
      ...traffic,
      outcome: 'error',
      inputTokens: 0,
      outputTokens: 0,
      durationMs: 300,
      error: new ProviderError('anthropic', '529 Overloaded', { status: 529, retryable: true }),
    });
  });
  after(() => app.stop());

  it('refuses callers without the gateway identity', async () => {
    const response = await fetch(`${app.url}/api/v0.2/providers`);
    expect(response.status).to.equal(401);
  });

  it('lists every provider under one spelling, configured or not, with live health', async () => {
    const { status, body } = await app.get('/api/v0.2/providers');
    expect(status).to.equal(200);
    expect(body.providers.map((p: any) => p.id)).to.deep.equal(['anthropic', 'openai', 'offline']);
    expect(body.total_providers).to.equal(3);
    const [anthropic, openai, offline] = body.providers;
    expect(anthropic).to.deep.include({
      name: 'Anthropic Claude',
      status: 'available',
      health: 'degraded',
      default_model: 'claude-3-haiku-20240307',
      aliases: ['claude'],
    });
    expect(anthropic.models).to.include('claude-3-5-sonnet-20241022');
    expect(anthropic.capabilities).to.include.members(['chat', 'streaming', 'vision']);
    expect(Date.parse(anthropic.last_health_check)).to.be.a('number').and.not.NaN;
    expect(openai).to.deep.include({ status: 'unavailable', health: 'unavailable', last_health_check: null });
    expect(offline).to.deep.include({
      status: 'available',
      health: 'healthy',
      default_model: 'gaia-offline',
    });
    expect(body.health_status).to.equal('degraded');
    expect(body.timestamp).to.match(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('answers health per provider from the recorded traffic', async () => {
    const { body } = await app.get('/api/v0.2/providers/health');
    expect(body.overall_status).to.equal('degraded');
    expect(body.providers.anthropic).to.deep.include({
      status: 'degraded',
      requests: 3,
      errors: 1,
      circuit_state: 'closed',
      response_time_ms: 170,
      last_error: '529 Overloaded',
    });
    expect(body.providers.anthropic.error_rate).to.be.closeTo(1 / 3, 1e-9);
    expect(body.providers.offline).to.deep.include({
      status: 'healthy',
      requests: 0,
      response_time_ms: null,
    });
    expect(body.providers.openai.status).to.equal('unavailable');
  });

  it('answers usage and cost per provider and in total from the catalog prices', async () => {
    const { body } = await app.get('/api/v0.2/providers/stats');
    // 800k input at $0.25 + 200k output at $1.25 per million.
    expect(body.provider_stats.anthropic).to.deep.include({
      requests_count: 3,
      total_tokens: 1_000_000,
      total_cost: 0.45,
      avg_response_time_ms: 500,
      error_count: 1,
    });
    expect(body.summary).to.deep.include({
      total_requests: 3,
      total_tokens: 1_000_000,
      total_cost: 0.45,
      total_errors: 1,
    });
    expect(body.summary.overall_error_rate).to.be.closeTo(1 / 3, 1e-9);
    expect(body.provider_stats.openai).to.deep.include({
      requests_count: 0,
      total_cost: 0,
      last_request: null,
    });
  });

  it('answers detail, models, health and stats of one provider, also under its old spelling (Q2)', async () => {
    const detail = await app.get('/api/v0.2/providers/claude');
    expect(detail.status).to.equal(200);
    expect(detail.body).to.deep.include({ id: 'anthropic', status: 'available' });
    expect(detail.body.health_details).to.deep.include({ requests: 3 });
    expect(detail.body.stats).to.deep.include({ requests_count: 3 });

    const models = await app.get('/api/v0.2/providers/anthropic/models');
    expect(models.body.provider).to.equal('anthropic');
    expect(models.body.total).to.equal(models.body.models.length);
    expect(models.body.models[0]).to.deep.equal({
      id: 'claude-3-haiku-20240307',
      name: 'Claude 3 Haiku',
      capabilities: ['chat', 'tool_calling', 'vision', 'streaming', 'code_generation'],
      max_tokens: 4096,
      context_window: 200000,
      pricing: { input_tokens_per_million: 0.25, output_tokens_per_million: 1.25 },
      default: true,
    });

    const health = await app.get('/api/v0.2/providers/claude/health');
    expect(health.body).to.deep.include({ provider: 'anthropic', status: 'degraded', requests: 3 });

    const stats = await app.get('/api/v0.2/providers/anthropic/stats');
    expect(stats.body).to.deep.include({ provider: 'anthropic', requests_count: 3, total_cost: 0.45 });
    expect(stats.body.models['claude-3-haiku-20240307']).to.deep.include({ requests_count: 3 });
    expect(stats.body.models['claude-3-5-sonnet-20241022']).to.deep.include({ requests_count: 0 });
  });

  it('is 404 "Provider <x> not found" for an unknown provider on every provider route', async () => {
    for (const suffix of ['', '/models', '/health', '/stats']) {
      const { status, body } = await app.get(`/api/v0.2/providers/gemini${suffix}`);
      expect(status).to.equal(404);
      expect(body).to.deep.equal({ detail: 'Provider gemini not found' });
    }
  });

  it('answers the list with a trailing slash too', async () => {
    expect((await app.get('/api/v0.2/providers/')).status).to.equal(200);
  });
});
