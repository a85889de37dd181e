import { createAnthropicProvider } from '../src/providers/anthropic/index.js';
import { providerContract } from './providers-contract.js';

providerContract({
  id: 'anthropic',
  model: 'claude-3-haiku-20240307',
  upstream: {
    connect: (origin, { timeoutMs = 5000 } = {}) =>
      createAnthropicProvider({ apiKey: 'sk-ant-test', baseURL: origin, timeoutMs }),
    state: (fake) => fake.state.anthropic,
    fakeModels: { anthropic: { models: ['claude-3-haiku-20240307'] } },
  },
});
