import { expect } from 'chai';
import { startRegistryApp, type RegistryApp } from './registry-routes-app.js';

describe('model routes', () => {
  let app: RegistryApp;

  before(async () => {
    app = await startRegistryApp(['openai', 'offline']);
    const mini = app.registry.find('gpt-4o-mini')!;
    for (const durationMs of [300, 500]) {
      app.registry.record({
        model: mini,
        outcome: 'success',
        durationMs,
        timeToFirstTokenMs: 90,
        inputTokens: 10,
        outputTokens: 5,
      });
    }
  });
  after(() => app.stop());

  it('lists every catalog model with availability, filtered by provider (old spellings too) and capability', async () => {
    const all = await app.get('/api/v0.2/models');
    expect(all.status).to.equal(200);
    expect(all.body.total).to.equal(all.body.models.length);
    expect(all.body.filters).to.deep.equal({ provider: null, capability: null });
    const haiku = all.body.models.find((m: any) => m.id === 'claude-3-haiku-20240307');
    expect(haiku).to.deep.equal({
      id: 'claude-3-haiku-20240307',
      name: 'Claude 3 Haiku',
      provider: 'anthropic',
      capabilities: ['chat', 'tool_calling', 'vision', 'streaming', 'code_generation'],
      max_tokens: 4096,
      context_window: 200000,
      available: false,
    });

    const claude = await app.get('/api/v0.2/models?provider=claude&capability=long_context');
    expect(claude.body.models.map((m: any) => m.id)).to.deep.equal(['claude-3-5-sonnet-20241022']);
    expect(claude.body.filters).to.deep.equal({ provider: 'anthropic', capability: 'long_context' });

    const unknown = await app.get('/api/v0.2/models?provider=gemini');
    expect(unknown.body).to.deep.include({ models: [], total: 0 });
  });

  it('is 422 naming the field for a repeated filter', async () => {
    const { status, body } = await app.get('/api/v0.2/models?provider=a&provider=b');
    expect(status).to.equal(422);
    expect(body.detail[0].loc).to.deep.equal(['query', 'provider']);
  });

  it('answers model detail with the original keys and measured numbers, by id or alias', async () => {
    const { status, body } = await app.get('/api/v0.2/models/gpt-4o-mini-2024-07-18');
    expect(status).to.equal(200);
    expect(body).to.deep.include({
      id: 'gpt-4o-mini',
      name: 'GPT-4o Mini',
      provider: 'openai',
      max_tokens: 16384,
      context_window: 128000,
      cost_per_input_token: 0.15 / 1e6,
      cost_per_output_token: 0.6 / 1e6,
      avg_response_time_ms: 400,
      quality_score: 0.8,
      speed_score: 0.9,
      description: 'Small, fast, and cost-effective model',
      is_deprecated: false,
      supports_system_prompt: true,
      supports_temperature: true,
      supports_streaming: true,
      available: true,
    });
    expect((await app.get('/api/v0.2/models/gpt-4o')).body.avg_response_time_ms).to.equal(null);
  });

  it('is 404 "Model not found: <id>" for an unknown model', async () => {
    const { status, body } = await app.get('/api/v0.2/models/gpt-9');
    expect(status).to.equal(404);
    expect(body).to.deep.equal({ detail: 'Model not found: gpt-9' });
  });

  it('answers capabilities, priorities and contexts instead of shadowing them (Q1/Q2)', async () => {
    const capabilities = await app.get('/api/v0.2/models/capabilities');
    expect(capabilities.status).to.equal(200);
    const vision = capabilities.body.capabilities.find((c: any) => c.name === 'vision');
    expect(vision.models).to.include('gpt-4o').and.not.include('gpt-3.5-turbo');
    expect(capabilities.body.total).to.equal(7);

    const priorities = await app.get('/api/v0.2/models/priorities');
    expect(priorities.body.priorities.map((p: any) => p.name)).to.deep.equal([
      'speed',
      'quality',
      'balanced',
      'vr',
      'cost',
    ]);

    const contexts = await app.get('/api/v0.2/models/contexts');
    const technical = contexts.body.contexts.find((c: any) => c.name === 'technical');
    expect(technical).to.deep.include({ priority: 'quality', max_response_time_ms: 3000 });
    expect(technical.preferred_capabilities).to.include('code_generation');
    expect(technical.recommended_model).to.match(/^gpt-/);
    expect(contexts.body.total).to.equal(7);
  });

  it('lists the models of configured providers in OpenAI’s shape on /v1/models', async () => {
    const { status, body } = await app.get('/v1/models');
    expect(status).to.equal(200);
    expect(body.object).to.equal('list');
    expect(body.data.map((m: any) => m.id)).to.include.members(['gpt-4o-mini', 'gaia-offline']);
    expect(body.data.map((m: any) => m.id)).to.not.include('claude-3-haiku-20240307');
    expect(body.data.find((m: any) => m.id === 'gpt-4o-mini')).to.deep.equal({
      id: 'gpt-4o-mini',
      object: 'model',
      created: Date.parse('2024-07-18') / 1000,
      owned_by: 'openai',
    });
  });
});
