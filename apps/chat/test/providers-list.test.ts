import { expect } from 'chai';
import { createProviders } from '../src/providers/index.js';

describe('provider list', () => {
  const base = { PROVIDER_TIMEOUT_MS: 1000 };

  it('has only the offline provider when nothing is configured', () => {
    expect([...createProviders(base).keys()]).to.deep.equal(['offline']);
  });

  it('turns openai on with a key or with a base URL alone (a local OpenAI-compatible server)', () => {
    expect([...createProviders({ ...base, OPENAI_API_KEY: 'sk-x' }).keys()]).to.deep.equal([
      'openai',
      'offline',
    ]);
    expect([
      ...createProviders({ ...base, OPENAI_BASE_URL: 'http://localhost:11434/v1' }).keys(),
    ]).to.deep.equal(['openai', 'offline']);
  });

  it('turns anthropic on with its key, and builds each provider under its own id', () => {
    const providers = createProviders({ ...base, OPENAI_API_KEY: 'sk-x', ANTHROPIC_API_KEY: 'sk-ant-x' });
    expect([...providers.keys()]).to.deep.equal(['openai', 'anthropic', 'offline']);
    for (const [id, provider] of providers) expect(provider.id).to.equal(id);
  });
});
