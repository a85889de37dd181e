import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadModelCatalog, parseModelCatalog } from '../src/registry/model-catalog.js';

const model = (overrides: Record<string, unknown> = {}) => ({
  id: 'local-llama',
  name: 'Local Llama',
  provider: 'openai',
  context_window: 8192,
  max_output_tokens: 2048,
  capabilities: ['chat', 'streaming'],
  pricing: { input_per_million: 0, output_per_million: 0 },
  quality: 0.5,
  speed: 0.5,
  default: true,
  ...overrides,
});

describe('model catalog', () => {
  const catalog = loadModelCatalog();
  const byId = (id: string) => catalog.models.find((m) => m.id === id);

  it("has the reference's models at their real prices per million tokens", () => {
    expect(byId('claude-3-haiku-20240307')).to.deep.include({
      provider: 'anthropic',
      context_window: 200000,
      max_output_tokens: 4096,
      pricing: { input_per_million: 0.25, output_per_million: 1.25 },
    });
    expect(byId('claude-3-5-sonnet-20241022')?.pricing).to.deep.equal({
      input_per_million: 3,
      output_per_million: 15,
    });
    expect(byId('gpt-4o')?.pricing).to.deep.equal({ input_per_million: 2.5, output_per_million: 10 });
    expect(byId('gpt-4o-mini')?.pricing).to.deep.equal({ input_per_million: 0.15, output_per_million: 0.6 });
    expect(byId('gaia-offline')).to.deep.include({
      provider: 'offline',
      pricing: { input_per_million: 0, output_per_million: 0 },
    });
  });

  it('has one default model per provider and one spelling per provider with the old ones as aliases', () => {
    const defaults = catalog.models.filter((m) => m.default).map((m) => [m.provider, m.id]);
    expect(Object.fromEntries(defaults)).to.deep.equal({
      anthropic: 'claude-3-haiku-20240307',
      openai: 'gpt-4o-mini',
      offline: 'gaia-offline',
    });
    expect(catalog.providers.anthropic?.aliases).to.include('claude');
    expect(catalog.providers.openai?.aliases).to.include('openai_gpt');
  });

  it('asks the upstream for the model id unless the catalog names another', () => {
    expect(byId('gpt-4o')?.upstream_model).to.equal('gpt-4o');
    const custom = parseModelCatalog({
      providers: { openai: { name: 'vLLM' } },
      models: [model({ upstream_model: 'meta-llama/Llama-3.1-8B-Instruct' })],
    });
    expect(custom.models[0]?.upstream_model).to.equal('meta-llama/Llama-3.1-8B-Instruct');
  });

  it('loads a MODELS_FILE instead of the built-in catalog', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gaia-models-')), 'models.json');
    writeFileSync(file, JSON.stringify({ providers: { openai: { name: 'Ollama' } }, models: [model()] }));
    const loaded = loadModelCatalog(file);
    expect(loaded.models.map((m) => m.id)).to.deep.equal(['local-llama']);
    expect(loaded.providers.openai?.name).to.equal('Ollama');
  });

  it('rejects a catalog with one message naming every problem', () => {
    const messageOf = (json: unknown) => {
      try {
        parseModelCatalog(json, 'models.json');
      } catch (error) {
        return (error as Error).message;
      }
      return expect.fail('the catalog was accepted');
    };
    const message = messageOf({
      providers: {
        openai: { name: 'OpenAI', aliases: ['gpt'] },
        anthropic: { name: 'Claude', aliases: ['gpt'] },
      },
      models: [
        model({ id: 'a', aliases: ['same'] }),
        model({ id: 'b', aliases: ['same'] }),
        model({ id: 'c', provider: 'offline' }),
      ],
    });
    expect(message).to.match(/models\.json is invalid/);
    expect(message).to.match(/model name same is used by both a and b/);
    expect(message).to.match(/provider name gpt is used by both openai and anthropic/);
    expect(message).to.match(/model c: provider offline is not declared/);
    expect(message).to.match(/provider openai needs exactly one default model \(has 2\)/);
    expect(
      messageOf({
        providers: { openai: { name: 'OpenAI' } },
        models: [model({ capabilities: ['telepathy'] })],
      }),
    ).to.match(/capabilities/);
  });

  it('names the file when it cannot be read or is not JSON', () => {
    expect(() => loadModelCatalog('/nonexistent/models.json')).to.throw(
      /\/nonexistent\/models\.json cannot be read/,
    );
    const file = join(mkdtempSync(join(tmpdir(), 'gaia-models-')), 'broken.json');
    writeFileSync(file, '{ not json');
    expect(() => loadModelCatalog(file)).to.throw(/broken\.json cannot be read/);
  });
});
