import type { ChatEvent, ChatResult } from './chat-engine.js';

/**
 * Runs a reply to the end for JSON answers; returns the result and the selection's reasoning.
 * @example const { result, reasoning } = await collectReply(engine.stream(run));
 */
export async function collectReply(
  events: AsyncIterable<ChatEvent>,
): Promise<{ result: ChatResult; reasoning: string }> {
  let reasoning = '';
  for await (const event of events) {
    if (event.type === 'model') reasoning = event.reasoning;
    if (event.type === 'done') return { result: event.result, reasoning };
  }
  throw new Error('reply ended without a result');
}
