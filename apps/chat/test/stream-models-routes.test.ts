import { createMetrics } from '@gaia/platform';
import { expect } from 'chai';
import type { ProviderId } from '../src/providers/provider.js';
import { loadModelCatalog } from '../src/registry/model-catalog.js';
import { createModelRegistry, type ModelRegistry } from '../src/registry/model-registry.js';
import { streamModelRoutes } from '../src/routes/stream-models.js';
import { startRouteServer, type RouteServer } from './support/route-server.js';

const MODELS = '/api/v0.2/chat/stream/models';

describe('stream model routes over HTTP', () => {
  const catalog = loadModelCatalog();
  let registry: ModelRegistry;
  let server: RouteServer;

  const get = (path: string, signed = true) => server.call('GET', path, signed ? {} : { identity: null });

  async function start(available: ProviderId[]) {
    const metrics = createMetrics('chat-test');
    registry = createModelRegistry({ catalog, available, metricsRegistry: metrics.registry });
    server = await startRouteServer(
      (router) => streamModelRoutes(router, { registry, metricsRegistry: metrics.registry }),
      metrics,
    );
  }

  /** Successful streamed replies of a model with the given times to first token. */
  function firstTokens(modelId: string, ...ttftMs: number[]) {
    const model = catalog.models.find((m) => m.id === modelId)!;
    for (const ms of ttftMs) {
      registry.record({
        model,
        outcome: 'success',
        durationMs: ms + 500,
        timeToFirstTokenMs: ms,
        interTokenGapsMs: [20],
        inputTokens: 10,
        outputTokens: 10,
      });
    }
  }

  beforeEach(() => start(['anthropic', 'offline']));
  afterEach(() => server.stop(1000));

  it('refuses calls without the gateway identity with 401', async () => {
    expect((await get(MODELS, false)).status).to.equal(401);
    expect((await get(`${MODELS}/performance`, false)).status).to.equal(401);
  });

  it("lists the configured providers' current streaming models with catalog quality on a 0-10 scale", async () => {
    const { status, body } = await get(MODELS);
    expect(status).to.equal(200);
    expect(body.models).to.deep.equal([
      {
        model_id: 'claude-3-haiku-20240307',
        name: 'Claude 3 Haiku',
        provider: 'anthropic',
        avg_ttft_ms: null,
        quality_score: 7.5,
        vr_suitable: null,
      },
      {
        model_id: 'claude-3-5-haiku-20241022',
        name: 'Claude 3.5 Haiku',
        provider: 'anthropic',
        avg_ttft_ms: null,
        quality_score: 8,
        vr_suitable: null,
      },
      {
        model_id: 'claude-3-5-sonnet-20241022',
        name: 'Claude 3.5 Sonnet',
        provider: 'anthropic',
        avg_ttft_ms: null,
        quality_score: 10,
        vr_suitable: null,
      },
      {
        model_id: 'gaia-offline',
        name: 'Gaia Offline',
        provider: 'offline',
        avg_ttft_ms: null,
        quality_score: 1,
        vr_suitable: null,
      },
    ]);
    expect(body.default_selection).to.equal('intelligent');
    expect(body.selection_criteria).to.include('context_type');
  });

  it('reports the measured mean time to first token and VR suitability under 700 ms', async () => {
    firstTokens('claude-3-haiku-20240307', 400, 600);
    firstTokens('claude-3-5-sonnet-20241022', 1500);
    const { body } = await get(MODELS);
    const byId = Object.fromEntries(body.models.map((m: { model_id: string }) => [m.model_id, m]));
    expect(byId['claude-3-haiku-20240307']).to.deep.include({ avg_ttft_ms: 500, vr_suitable: true });
    expect(byId['claude-3-5-sonnet-20241022']).to.deep.include({ avg_ttft_ms: 1500, vr_suitable: false });
    expect(byId['claude-3-5-haiku-20241022']).to.deep.include({ avg_ttft_ms: null, vr_suitable: null });
  });

  it('ranks by measured speed and catalog quality, and recommends what selection picks now', async () => {
    firstTokens('claude-3-haiku-20240307', 500);
    firstTokens('claude-3-5-sonnet-20241022', 1500);
    firstTokens('gaia-offline', 5);
    const { status, body } = await get(`${MODELS}/performance`);
    expect(status).to.equal(200);
    expect(body.all_models).to.have.length(4);
    expect(body.all_models[0]).to.deep.equal({
      model_id: 'claude-3-haiku-20240307',
      name: 'Claude 3 Haiku',
      avg_ttft_ms: 500,
      quality_score: 7.5,
      vr_suitable: true,
    });
    expect(body.rankings.fastest_ttft).to.deep.equal([
      { rank: 1, model: 'Gaia Offline', ttft_ms: 5 },
      { rank: 2, model: 'Claude 3 Haiku', ttft_ms: 500 },
      { rank: 3, model: 'Claude 3.5 Sonnet', ttft_ms: 1500 },
    ]);
    expect(body.rankings.highest_quality.map((r: { model: string }) => r.model)).to.deep.equal([
      'Claude 3.5 Sonnet',
      'Claude 3.5 Haiku',
      'Claude 3 Haiku',
      'Gaia Offline',
    ]);
    expect(body.rankings.highest_quality[0]).to.deep.equal({
      rank: 1,
      model: 'Claude 3.5 Sonnet',
      quality: 10,
    });
    expect(body.rankings.vr_suitable).to.deep.equal([
      { model: 'Claude 3 Haiku', ttft_ms: 500 },
      { model: 'Gaia Offline', ttft_ms: 5 },
    ]);
    expect(body.recommendations).to.deep.equal({
      vr_best: registry.select({ contextType: 'vr' }).primary.id,
      quality_best: registry.select({ priority: 'quality' }).primary.id,
      balanced: registry.select({ priority: 'balanced' }).primary.id,
      emergency: registry.select({ contextType: 'emergency' }).primary.id,
    });
    // The offline provider stands by: with anthropic configured it is never recommended.
    expect(Object.values(body.recommendations).every((id) => String(id).startsWith('claude-'))).to.equal(
      true,
    );
    expect(body.recommendations.quality_best).to.equal('claude-3-5-sonnet-20241022');
  });

  it('lists nothing and recommends nothing when no provider is configured', async () => {
    await server.stop(1000);
    await start([]);
    const models = await get(MODELS);
    expect(models.status).to.equal(200);
    expect(models.body.models).to.deep.equal([]);
    const performance = await get(`${MODELS}/performance`);
    expect(performance.status).to.equal(200);
    expect(performance.body.recommendations).to.deep.equal({
      vr_best: null,
      quality_best: null,
      balanced: null,
      emergency: null,
    });
  });
});
