import { createOpenAiProvider } from '../src/providers/openai/index.js';
import { providerContract } from './providers-contract.js';

providerContract({
  id: 'openai',
  model: 'gpt-4o-mini',
  upstream: {
    connect: (origin, { timeoutMs = 5000 } = {}) =>
      createOpenAiProvider({ apiKey: 'sk-test', baseURL: `${origin}/v1`, timeoutMs }),
    state: (fake) => fake.state.openai,
    fakeModels: { openai: { models: ['gpt-4o-mini'] } },
  },
});
