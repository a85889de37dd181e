import { BadRequestError, NotFoundError, UnavailableError } from '@gaia/platform';
import { expect } from 'chai';
import client from 'prom-client';
import { ProviderError, type ProviderId } from '../src/providers/provider.js';
import { loadModelCatalog } from '../src/registry/model-catalog.js';
import { createModelRegistry } from '../src/registry/model-registry.js';

const catalog = loadModelCatalog();

function registryWith(available: ProviderId[]) {
  return createModelRegistry({ catalog, available, metricsRegistry: new client.Registry() });
}

const thrown = (action: () => unknown): any => {
  try {
    action();
  } catch (error) {
    return error;
  }
  return expect.fail('expected an error');
};

describe('model selection', () => {
  const all = registryWith(['openai', 'anthropic', 'offline']);
  const ids = (models: { id: string }[]) => models.map((m) => m.id);

  describe('explicit model', () => {
    it('answers the model asked for, by id or by an old spelling', () => {
      const selection = all.select({ model: 'gpt-4o' });
      expect(selection.primary.id).to.equal('gpt-4o');
      expect(selection.reasoning).to.equal('Explicit model selection: gpt-4o');
      expect(all.select({ model: 'claude-3-5-sonnet-latest' }).primary.id).to.equal(
        'claude-3-5-sonnet-20241022',
      );
    });

    it('is 404 "Model not found" for an unknown id', () => {
      const error = thrown(() => all.select({ model: 'gpt-9' }));
      expect(error).to.be.instanceOf(NotFoundError);
      expect(error.detail).to.equal('Model not found: gpt-9');
    });

    it('is 400 naming the provider when the model’s provider is not configured', () => {
      const error = thrown(() =>
        registryWith(['openai', 'offline']).select({ model: 'claude-3-haiku-20240307' }),
      );
      expect(error).to.be.instanceOf(BadRequestError);
      expect(error.detail).to.match(/needs provider anthropic, which is not configured/);
    });

    it('is 400 when the model and the provider asked for disagree', () => {
      const error = thrown(() => all.select({ model: 'gpt-4o', provider: 'claude' }));
      expect(error.status).to.equal(400);
      expect(error.detail).to.equal('Model gpt-4o is served by openai, not anthropic');
      expect(all.select({ model: 'gpt-4o', provider: 'openai_gpt' }).primary.id).to.equal('gpt-4o');
    });

    it('still offers deprecated models when asked for by name', () => {
      expect(all.select({ model: 'gpt-4' }).primary.id).to.equal('gpt-4');
    });
  });

  describe('provider without model (Q16)', () => {
    it("answers the provider's own default model, old spellings included", () => {
      const claude = all.select({ provider: 'claude' });
      expect(claude.primary.id).to.equal('claude-3-haiku-20240307');
      expect(claude.reasoning).to.equal('Default model of provider anthropic: claude-3-haiku-20240307');
      expect(all.select({ provider: 'openai' }).primary.id).to.equal('gpt-4o-mini');
      expect(all.select({ provider: 'OpenAI_GPT' }).primary.id).to.equal('gpt-4o-mini');
    });

    it('is 400 for an unknown or unconfigured provider', () => {
      expect(thrown(() => all.select({ provider: 'gemini' })).detail).to.equal('Provider gemini not found');
      const error = thrown(() => registryWith(['offline']).select({ provider: 'claude' }));
      expect(error.status).to.equal(400);
      expect(error.detail).to.equal('Provider anthropic is not configured');
    });
  });

  describe('automatic', () => {
    it("without hints answers the preferred provider's default model", () => {
      const selection = all.select({});
      expect(selection.primary.id).to.equal('claude-3-haiku-20240307');
      expect(registryWith(['openai', 'offline']).select({}).primary.id).to.equal('gpt-4o-mini');
    });

    it('answers with the offline provider when no real provider is configured', () => {
      const selection = registryWith(['offline']).select({ contextType: 'technical' });
      expect(selection.primary).to.include({ id: 'gaia-offline', provider: 'offline' });
      expect(selection.fallbacks).to.deep.equal([]);
      expect(registryWith(['offline']).select({}).reasoning).to.match(/no other provider is configured/);
    });

    it('never picks the offline or a deprecated model while real providers are configured', () => {
      for (const contextType of [
        'greeting',
        'vr',
        'conversation',
        'technical',
        'creative',
        'emergency',
        'multimodal',
      ] as const) {
        const { primary, fallbacks } = all.select({ contextType });
        for (const model of [primary, ...fallbacks]) {
          expect(model.provider).to.not.equal('offline');
          expect(model.deprecated).to.equal(false);
        }
      }
    });

    it('scores models for the context type and priority', () => {
      const technical = all.select({ contextType: 'technical' });
      expect(technical.primary.capabilities).to.include.members(['code_generation', 'tool_calling']);
      expect(technical.primary.quality).to.be.at.least(0.95);
      expect(technical.reasoning).to.match(
        /^Best model for technical context with quality priority: \S+ \(score \d+\.\d\d\)$/,
      );
      expect(all.select({ contextType: 'greeting' }).primary.speed).to.equal(1);
      expect(all.select({ priority: 'cost' }).primary.id).to.equal('gpt-4o-mini');
      expect(all.select({ contextType: 'creative' }).primary.capabilities).to.include('long_context');
    });

    it('requires the capabilities asked for, ignoring unknown names', () => {
      const selection = all.select({ requiredCapabilities: ['long_context', 'telepathy'] });
      expect(selection.primary.capabilities).to.include('long_context');
      for (const model of selection.fallbacks) expect(model.capabilities).to.include('long_context');
      expect(all.select({ priority: 'toString' }).primary.id).to.equal(all.select({}).primary.id);
    });

    it('relaxes required capabilities no model has, and says so', () => {
      const selection = registryWith(['offline']).select({ requiredCapabilities: ['vision'] });
      expect(selection.primary.id).to.equal('gaia-offline');
      expect(selection.reasoning).to.match(/no model has all of vision$/);
    });

    it('falls back to the best model of each other provider first, then other models, at most three', () => {
      const selection = all.select({ contextType: 'technical' });
      const [first, ...rest] = selection.fallbacks;
      expect(first?.provider).to.not.equal(selection.primary.provider);
      expect(ids(selection.fallbacks)).to.not.include(selection.primary.id);
      expect(rest.length).to.be.at.most(2);
      expect(ids(all.select({ provider: 'claude' }).fallbacks)[0]).to.match(/^gpt-/);
    });
  });

  describe('with live health', () => {
    const failing = (registry: ReturnType<typeof registryWith>, id: string, times: number) => {
      const model = registry.find(id)!;
      for (let i = 0; i < times; i++) {
        registry.record({
          model,
          outcome: 'error',
          durationMs: 10,
          inputTokens: 0,
          outputTokens: 0,
          error: new ProviderError(model.provider, '503 overloaded', { status: 503, retryable: true }),
        });
      }
    };

    it('leaves a provider with an open circuit out of automatic selection and fallbacks', () => {
      const registry = registryWith(['openai', 'anthropic', 'offline']);
      failing(registry, 'claude-3-haiku-20240307', 5);
      const selection = registry.select({});
      expect(selection.primary.id).to.equal('gpt-4o-mini');
      expect(selection.fallbacks.every((m) => m.provider === 'openai')).to.equal(true);
      expect(registry.select({ contextType: 'creative' }).primary.provider).to.equal('openai');
    });

    it('is 503 when every configured provider is unhealthy, rather than answering offline', () => {
      const registry = registryWith(['openai', 'offline']);
      failing(registry, 'gpt-4o-mini', 5);
      const error = thrown(() => registry.select({}));
      expect(error).to.be.instanceOf(UnavailableError);
      expect(error.detail).to.equal('No healthy provider available');
      // Asked for by name, a model is still selected: the router skips it and reports why.
      expect(registry.select({ model: 'gpt-4o' }).primary.id).to.equal('gpt-4o');
    });

    it('prefers models that measured fast when the context needs speed', () => {
      const registry = registryWith(['openai', 'anthropic', 'offline']);
      const haiku = registry.find('claude-3-haiku-20240307')!;
      for (let i = 0; i < 3; i++) {
        registry.record({
          model: haiku,
          outcome: 'success',
          durationMs: 3000,
          timeToFirstTokenMs: 2500,
          inputTokens: 1,
          outputTokens: 1,
        });
      }
      const greeting = registry.select({ contextType: 'greeting' });
      expect(greeting.primary.id).to.not.equal('claude-3-haiku-20240307');
      expect(greeting.primary.provider).to.equal('openai');
    });

    it('ranks a provider with recent errors below an equally good healthy one', () => {
      const registry = registryWith(['openai', 'anthropic', 'offline']);
      const before = registry.select({ contextType: 'technical' }).primary;
      failing(registry, before.id, 2);
      const after = registry.select({ contextType: 'technical' }).primary;
      expect(after.provider).to.not.equal(before.provider);
    });
  });
});
