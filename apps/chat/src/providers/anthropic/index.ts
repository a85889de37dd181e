import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { guardUpstream } from '../guard-upstream.js';
import type { ChatProvider, ProviderChunk, ProviderRequest } from '../provider.js';
import { sseDecoder } from '../sse-decoder.js';
import { createUpstreamFetch } from '../upstream-fetch.js';
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
    fetch: createUpstreamFetch(),
  });

  const body = (request: ProviderRequest) => ({
    model: request.model,
    max_tokens: request.maxTokens,
    ...(request.system ? { system: request.system } : {}),
    messages: request.messages,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  });

  async function* whole(request: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    const message = await client.messages.create(body(request), { signal });
    const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
    if (text) yield { type: 'text', text };
    yield {
      type: 'usage',
      inputTokens: message.usage.input_tokens,
      outputTokens: message.usage.output_tokens,
    };
  }

  async function* chunks(request: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    const response = await client.messages
      .create({ ...body(request), stream: true }, { signal })
      .asResponse();
    let inputTokens = 0;
    if (!response.body) return;
    const decode = sseDecoder();
    for await (const bytes of response.body as ReadableStream<Uint8Array>) {
      for (const message of decode(bytes)) {
        if (message.event === 'ping' || !message.data) continue;
        if (message.event === 'error') {
          // What the SDK raises for an error event inside a stream that began fine.
          const error = JSON.parse(message.data) as { error?: { type?: Anthropic.ErrorType } };
          throw new Anthropic.APIError(undefined, error, undefined, response.headers, error.error?.type);
        }
        const event = JSON.parse(message.data) as RawMessageStreamEvent;
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
  }

  return {
    id: 'anthropic',
    stream: (request) =>
      guardUpstream({
        provider: 'anthropic',
        signal: request.signal,
        idleTimeoutMs: options.timeoutMs,
        open: (signal) => (request.stream === false ? whole(request, signal) : chunks(request, signal)),
        translateError: (error) => translateSdkError('anthropic', error, Anthropic),
      }),
  };
}
