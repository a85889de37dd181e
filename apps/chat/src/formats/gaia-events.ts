import type { ChatEvent } from '../chat/chat-engine.js';
import type { SseStream } from '../streaming/sse.js';
import { failureMessage } from './provider-failure.js';

const now = () => new Date().toISOString();

/**
 * Writes a reply as the original's `/api/v0.2/chat/stream` events: start, ready, model_selection,
 * content…, metadata, complete (or error, then complete), then `data: [DONE]`. A fallback shows as
 * the provider's error, `fallback_attempt`, and the new model_selection.
 * @example await writeGaiaEvents(openSse(res, options), engine.stream(run));
 */
export async function writeGaiaEvents(sse: SseStream, events: AsyncIterable<ChatEvent>): Promise<void> {
  sse.data({ type: 'start', timestamp: now() });
  let provider: string | null = null;
  let model: string | null = null;
  let length = 0;
  try {
    for await (const event of events) {
      if (sse.closed) break;
      switch (event.type) {
        case 'ready':
          sse.data({
            type: 'ready',
            timestamp: now(),
            parallel_fetch_ms: Math.round(event.fetchMs * 1000) / 1000,
            cache_hits: { persona: false, tools: false },
          });
          break;
        case 'model':
          if (event.fallbackFrom) {
            sse.data({ type: 'error', error: event.fallbackFrom.error, provider, fallback_available: true });
            sse.data({ type: 'fallback_attempt', message: 'Attempting fallback to alternative provider' });
          }
          provider = event.model.provider;
          model = event.model.id;
          sse.data({ type: 'model_selection', model, provider, reasoning: event.reasoning });
          break;
        case 'text':
          length += event.text.length;
          sse.data({ type: 'content', content: event.text, provider, model });
          break;
        case 'done':
          sse.data({
            type: 'metadata',
            response_time_ms: event.result.responseTimeMs,
            fallback_used: event.result.fallbackUsed,
            total_tokens: event.result.inputTokens + event.result.outputTokens,
            input_tokens: event.result.inputTokens,
            output_tokens: event.result.outputTokens,
          });
      }
    }
  } catch (error) {
    sse.data({ type: 'error', error: failureMessage(error), provider, fallback_available: false });
  }
  sse.data({ type: 'complete', timestamp: now(), response_length: length });
  sse.data('[DONE]');
  sse.end();
}
