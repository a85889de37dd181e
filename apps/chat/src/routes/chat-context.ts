import type { ChatRequest } from '@gaia/contracts';
import type { ChatEngine, ChatRun } from '../chat/chat-engine.js';
import type { Channel } from '../chat/ports.js';
import type { ChatCaller } from '../chat/chat-engine.js';

/** What the chat route groups share. */
export interface ChatRouteDeps {
  engine: ChatEngine;
  history: {
    count(userId: string, channel: Channel): Promise<number>;
    clear(userId: string, channel: Channel): Promise<unknown>;
  };
  defaultMaxTokens: number;
  keepAliveMs: number;
}

/**
 * The engine run for an original-format ChatRequest (`message` plus selection hints) in one history channel.
 * @example engine.stream(runFor(body, caller, 'stream', signal, deps.defaultMaxTokens));
 */
export function runFor(
  body: ChatRequest,
  caller: ChatCaller,
  channel: Channel,
  signal: AbortSignal,
  defaultMaxTokens: number,
): ChatRun {
  return {
    caller,
    channel,
    selection: {
      model: body.model,
      provider: body.provider,
      contextType: body.context_type,
      requiredCapabilities: body.required_capabilities,
      priority: body.priority,
    },
    messages: [{ role: 'user', content: body.message }],
    maxTokens: body.max_tokens ?? defaultMaxTokens,
    temperature: body.temperature ?? undefined,
    enableFallback: body.enable_fallback,
    signal,
  };
}
