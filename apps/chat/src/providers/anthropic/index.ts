import Anthropic from '@anthropic-ai/sdk';
import { guardUpstream } from '../guard-upstream.js';
import type { ChatProvider, ProviderChunk, ProviderRequest } from '../provider.js';
import { translateSdkError } from '../sdk-errors.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  /** Anthropic endpoint without /v1; unset means Anthropic itself. */
  baseURL?: string | undefined;
  /** Longest wait for the upstream's next chunk, the first one included. */
  timeoutMs: number;
}

/**
 * The Anthropic adapter: the persona goes in `system` (the original never sent it, Q18), text deltas
 * become text chunks, usage comes from `message_start` and `message_delta`. The SDK does not retry.
 * @example const anthropic = createAnthropicProvider({ apiKey: config.ANTHROPIC_API_KEY, timeoutMs: 60_000 });
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): ChatProvider {
  const client = new Anthropic({
    apiKey: options.apiKey,
    // Explicit, so the SDK reads no base URL from the environment behind the config's back.
    baseURL: options.baseURL ?? null,
    maxRetries: 0,
    timeout: options.timeoutMs,
  });

  async function* chunks(request: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    const stream = await client.messages.create(
      {
        model: request.model,
        max_tokens: request.maxTokens,
        ...(request.system ? { system: request.system } : {}),
        messages: request.messages,
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
        stream: true,
      },
      { signal },
    );
    let inputTokens = 0;
    for await (const event of stream) {
      if (event.type === 'message_start') {
        inputTokens = event.message.usage.input_tokens;
      } else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
        yield { type: 'text', text: event.delta.text };
      } else if (event.type === 'message_delta') {
        // Counts in message_delta are cumulative, so the last one is the total.
        inputTokens = event.usage.input_tokens ?? inputTokens;
        yield { type: 'usage', inputTokens, outputTokens: event.usage.output_tokens };
      }
    }
  }

  return {
    id: 'anthropic',
    stream: (request) =>
      guardUpstream({
        provider: 'anthropic',
        signal: request.signal,
        idleTimeoutMs: options.timeoutMs,
        open: (signal) => chunks(request, signal),
        translateError: (error) => translateSdkError('anthropic', error, Anthropic),
      }),
  };
}
