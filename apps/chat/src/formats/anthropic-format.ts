import { randomUUID } from 'node:crypto';
import type { ChatEvent, ChatResult } from '../chat/chat-engine.js';
import type { SseStream } from '../streaming/sse.js';
import { failureMessage } from './provider-failure.js';

const messageId = () => `msg_${randomUUID().replaceAll('-', '')}`;

/**
 * An Anthropic `message` object for a finished reply.
 * @example res.json(anthropicMessage(result));
 */
export function anthropicMessage(result: ChatResult) {
  return {
    id: messageId(),
    type: 'message',
    role: 'assistant',
    model: result.model,
    content: [{ type: 'text', text: result.text }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: result.inputTokens, output_tokens: result.outputTokens },
    provider: result.provider,
  };
}

/**
 * Writes a reply as Anthropic's named events: message_start, content_block_start, ping,
 * content_block_delta…, content_block_stop, message_delta, message_stop; a failure after the stream
 * began is an `error` event, which the Anthropic SDK raises.
 * @example await writeAnthropicEvents(sse, engine.stream(run), body.model);
 */
export async function writeAnthropicEvents(
  sse: SseStream,
  events: AsyncIterable<ChatEvent>,
  requestedModel: string,
): Promise<void> {
  const id = messageId();
  let started = false;
  const start = (model: string) => {
    if (started) return;
    started = true;
    sse.event('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 0, output_tokens: 0 },
      },
    });
    sse.event('content_block_start', {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'text', text: '' },
    });
    sse.event('ping', { type: 'ping' });
  };
  try {
    for await (const event of events) {
      if (sse.closed) break;
      if (event.type === 'model') start(event.model.id);
      else if (event.type === 'text')
        sse.event('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: event.text },
        });
      else if (event.type === 'done') {
        start(event.result.model);
        sse.event('content_block_stop', { type: 'content_block_stop', index: 0 });
        sse.event('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { input_tokens: event.result.inputTokens, output_tokens: event.result.outputTokens },
        });
        sse.event('message_stop', { type: 'message_stop' });
      }
    }
  } catch (error) {
    if (!started) start(requestedModel);
    sse.event('error', { type: 'error', error: { type: 'api_error', message: failureMessage(error) } });
  }
  sse.end();
}
