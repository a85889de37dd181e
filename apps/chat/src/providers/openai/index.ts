import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { guardUpstream } from '../guard-upstream.js';
import type { ChatProvider, ProviderChunk, ProviderRequest } from '../provider.js';
import { sseDecoder } from '../sse-decoder.js';
import { createUpstreamFetch } from '../upstream-fetch.js';
import { translateSdkError } from '../sdk-errors.js';

export interface OpenAiProviderOptions {
  /** Local OpenAI-compatible servers (Ollama, LM Studio) need none. */
  apiKey?: string | undefined;
  /** An OpenAI-compatible endpoint ending in /v1; unset means OpenAI itself. */
  baseURL?: string | undefined;
  /** Longest wait for the upstream's next chunk, the first one included. */
  timeoutMs: number;
}

const usageChunk = (usage: CompletionUsage): ProviderChunk => ({
  type: 'usage',
  inputTokens: usage.prompt_tokens,
  outputTokens: usage.completion_tokens,
});

/**
 * The OpenAI adapter, also for any OpenAI-compatible server (vLLM, Ollama, LM Studio) through `baseURL`.
 * The SDK does not retry: retries and fallback belong to the router.
 * @example const openai = createOpenAiProvider({ apiKey: config.OPENAI_API_KEY, baseURL: config.OPENAI_BASE_URL, timeoutMs: 60_000 });
 */
export function createOpenAiProvider(options: OpenAiProviderOptions): ChatProvider {
  const client = new OpenAI({
    // The SDK refuses to start without a key; keyless local servers ignore whatever is sent.
    apiKey: options.apiKey ?? 'unused',
    // Explicit values, so the SDK reads nothing from the environment behind the config's back.
    baseURL: options.baseURL ?? null,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: options.timeoutMs,
    fetch: createUpstreamFetch(),
  });
  // OpenAI deprecated `max_tokens` (its reasoning models reject it); compatible servers know only that one.
  const lengthField = options.baseURL ? 'max_tokens' : 'max_completion_tokens';

  const body = (request: ProviderRequest) => ({
    model: request.model,
    messages: [
      ...(request.system ? [{ role: 'system' as const, content: request.system }] : []),
      ...request.messages,
    ],
    [lengthField]: request.maxTokens,
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
  });

  async function* whole(request: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    const completion = await client.chat.completions.create(body(request), { signal });
    const text = completion.choices[0]?.message.content;
    if (text) yield { type: 'text', text };
    if (completion.usage) yield usageChunk(completion.usage);
  }

  async function* chunks(request: ProviderRequest, signal: AbortSignal): AsyncGenerator<ProviderChunk> {
    const response = await client.chat.completions
      .create({ ...body(request), stream: true, stream_options: { include_usage: true } }, { signal })
      .asResponse();
    if (!response.body) return;
    const decode = sseDecoder();
    for await (const bytes of response.body as ReadableStream<Uint8Array>) {
      for (const { data } of decode(bytes)) {
        if (data === '[DONE]') continue;
        const event = JSON.parse(data) as ChatCompletionChunk & { error?: object };
        // What the SDK raises for an error event inside a stream that began fine.
        if (event.error) throw new OpenAI.APIError(undefined, event.error, undefined, response.headers);
        const text = event.choices[0]?.delta?.content;
        if (text) yield { type: 'text', text };
        if (event.usage) yield usageChunk(event.usage);
      }
    }
  }

  return {
    id: 'openai',
    stream: (request) =>
      guardUpstream({
        provider: 'openai',
        signal: request.signal,
        idleTimeoutMs: options.timeoutMs,
        open: (signal) => (request.stream === false ? whole(request, signal) : chunks(request, signal)),
        translateError: (error) => translateSdkError('openai', error, OpenAI),
      }),
  };
}
