import { startFakeUpstream, type RunningFakeUpstream } from '@gaia/fake-upstream';
import { createLogger } from '@gaia/platform';
import { expect } from 'chai';
import client from 'prom-client';
import { createProviders } from '../src/providers/index.js';
import { loadModelCatalog } from '../src/registry/model-catalog.js';
import { createModelRegistry } from '../src/registry/model-registry.js';
import { createModelRouter, type RouterEvent } from '../src/routing/model-router.js';

describe('model router with the real adapters and the fake upstream', () => {
  let fake: RunningFakeUpstream;
  const build = () => {
    const providers = createProviders({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: fake.url,
      PROVIDER_TIMEOUT_MS: 2000,
    });
    const registry = createModelRegistry({
      catalog: loadModelCatalog(),
      available: [...providers.keys()],
      metricsRegistry: new client.Registry(),
    });
    const router = createModelRouter({
      registry,
      providers,
      logger: createLogger({ service: 'test', level: 'error', format: 'json' }),
      backoffMs: 5,
    });
    const run = async (request: Parameters<typeof registry.select>[0]) => {
      const events: RouterEvent[] = [];
      const selection = registry.select(request);
      const messages = [{ role: 'user' as const, content: 'Hello from the test' }];
      for await (const event of router.stream({
        selection,
        system: 'You are Mu.',
        messages,
        maxTokens: 50,
        signal: new AbortController().signal,
      })) {
        events.push(event);
      }
      return events;
    };
    return { registry, run };
  };

  before(async () => {
    fake = await startFakeUpstream({
      tokens: 5,
      openai: { models: ['gpt-4o-mini', 'gpt-4o'] },
      anthropic: { models: ['claude-3-haiku-20240307'] },
    });
  });
  after(() => fake.close());
  beforeEach(() => {
    Object.assign(fake.state.knobs, { fault: 'none', faultCount: null });
    fake.state.openai.requests.length = 0;
    fake.state.anthropic.requests.length = 0;
  });

  it('retries a 500 on the same provider and answers from it', async () => {
    Object.assign(fake.state.knobs, { fault: '500', faultCount: 1 });
    const { run, registry } = build();
    const events = await run({ provider: 'claude' });
    expect(events[0]).to.deep.include({
      type: 'model',
      reasoning: 'Default model of provider anthropic: claude-3-haiku-20240307',
    });
    expect(
      events
        .filter((e) => e.type === 'text')
        .map((e) => (e.type === 'text' ? e.text : ''))
        .join(''),
    ).to.equal('Hello from the test lorem');
    expect(fake.state.anthropic.requests).to.have.length(1);
    expect(registry.stats().providers.anthropic).to.deep.include({ requests: 2, errors: 1 });
    expect(fake.state.anthropic.requests[0]?.system).to.equal('You are Mu.');
  });

  it('falls back to the other provider when one keeps failing (Q17), reporting which failed', async () => {
    Object.assign(fake.state.knobs, { fault: '429', retryAfterSeconds: 0, faultCount: 3 });
    const { run } = build();
    const events = await run({ provider: 'claude' });
    const [announcement] = events;
    expect(announcement?.type === 'model' && announcement.model.provider).to.equal('openai');
    expect(announcement).to.have.nested.property('fallbackFrom.model', 'claude-3-haiku-20240307');
    expect(fake.state.openai.requests).to.have.length(1);
    expect(fake.state.openai.requests[0]?.system).to.equal('You are Mu.');
    expect(events.at(-1)).to.deep.include({ type: 'usage', outputTokens: 5 });
  });
});
