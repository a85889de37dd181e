import { randomUUID } from 'node:crypto';
import type { ChatEvent, ChatResult } from '../chat/chat-engine.js';
import type { SseStream } from '../streaming/sse.js';
import { failureMessage } from './provider-failure.js';

/** `chatcmpl-…` id and creation time shared by every chunk of one completion. */
export function completionIdentity() {
  return { id: `chatcmpl-${randomUUID().replaceAll('-', '')}`, created: Math.floor(Date.now() / 1000) };
}

const usageOf = (result: ChatResult) => ({
  prompt_tokens: result.inputTokens,
  completion_tokens: result.outputTokens,
  total_tokens: result.inputTokens + result.outputTokens,
});

/**
 * An OpenAI `chat.completion` object for a finished reply; `provider` tells which Gaia provider answered.
 * @example res.json(openAiCompletion(result, completionIdentity()));
 */
export function openAiCompletion(result: ChatResult, { id, created }: { id: string; created: number }) {
  return {
    id,
    object: 'chat.completion',
    created,
    model: result.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: result.text, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usageOf(result),
    system_fingerprint: null,
    provider: result.provider,
  };
}

/**
 * Writes a reply as OpenAI `chat.completion.chunk` events: a role chunk, one chunk per delta, a stop
 * chunk, the usage chunk when `includeUsage`, then exactly one `data: [DONE]`. A failure after the
 * stream began is sent as an `error` event, which the OpenAI SDK raises as an APIError.
 * @example await writeOpenAiChunks(sse, engine.stream(run), { includeUsage: true, requestedModel: body.model });
 */
export async function writeOpenAiChunks(
  sse: SseStream,
  events: AsyncIterable<ChatEvent>,
  { includeUsage, requestedModel }: { includeUsage: boolean; requestedModel: string },
): Promise<void> {
  const { id, created } = completionIdentity();
  let model = requestedModel;
  let provider: string | undefined;
  const chunk = (delta: object, finishReason: string | null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    provider,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  let roleSent = false;
  try {
    for await (const event of events) {
      if (sse.closed) break;
      if (event.type === 'model') {
        model = event.model.id;
        provider = event.model.provider;
        if (!roleSent) sse.data(chunk({ role: 'assistant', content: '' }, null));
        roleSent = true;
      } else if (event.type === 'text') {
        sse.data(chunk({ content: event.text }, null));
      } else if (event.type === 'done') {
        sse.data(chunk({}, 'stop'));
        if (includeUsage)
          sse.data({
            id,
            object: 'chat.completion.chunk',
            created,
            model,
            provider,
            choices: [],
            usage: usageOf(event.result),
          });
      }
    }
  } catch (error) {
    sse.data({ error: { message: failureMessage(error), type: 'api_error', code: null } });
  }
  sse.data('[DONE]');
  sse.end();
}
