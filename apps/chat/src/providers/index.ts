import type { ChatConfig } from '../config.js';
import { createAnthropicProvider } from './anthropic/index.js';
import { createOfflineProvider, type OfflineProviderOptions } from './offline/index.js';
import { createOpenAiProvider } from './openai/index.js';
import { providerIds, type ChatProvider, type ProviderId } from './provider.js';

export type ProvidersConfig = Pick<
  ChatConfig,
  'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'ANTHROPIC_API_KEY' | 'ANTHROPIC_BASE_URL' | 'PROVIDER_TIMEOUT_MS'
> & { offline?: OfflineProviderOptions };

/** The only list of providers: each builds its adapter when configured, or answers undefined. */
const providerFactories: Record<ProviderId, (config: ProvidersConfig) => ChatProvider | undefined> = {
  openai: (c) =>
    c.OPENAI_API_KEY || c.OPENAI_BASE_URL
      ? createOpenAiProvider({
          apiKey: c.OPENAI_API_KEY,
          baseURL: c.OPENAI_BASE_URL,
          timeoutMs: c.PROVIDER_TIMEOUT_MS,
        })
      : undefined,
  anthropic: (c) =>
    c.ANTHROPIC_API_KEY
      ? createAnthropicProvider({
          apiKey: c.ANTHROPIC_API_KEY,
          baseURL: c.ANTHROPIC_BASE_URL,
          timeoutMs: c.PROVIDER_TIMEOUT_MS,
        })
      : undefined,
  offline: (c) => createOfflineProvider(c.offline),
};

/**
 * The configured providers by id; offline is always there. Nothing is called at start-up (the original
 * made paid validation calls, Q37): health comes from real traffic.
 * @example const providers = createProviders(config); const registry = createModelRegistry({ catalog, available: [...providers.keys()], metricsRegistry });
 */
export function createProviders(config: ProvidersConfig): Map<ProviderId, ChatProvider> {
  const providers = new Map<ProviderId, ChatProvider>();
  for (const id of providerIds) {
    const provider = providerFactories[id](config);
    if (provider) providers.set(id, provider);
  }
  return providers;
}
