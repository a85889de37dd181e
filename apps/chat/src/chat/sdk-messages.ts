import type { AnthropicMessagesRequest, OpenAiChatRequest } from '@gaia/contracts';
import { BadRequestError } from '@gaia/platform';
import type { ChatTurn } from '../providers/provider.js';

type Content =
  string | null | undefined | readonly ({ type: string; text?: unknown } | Record<string, unknown>)[];

/** The text of a message content: a string, or the text parts of a content array. */
function textOf(content: Content): string {
  if (typeof content === 'string') return content;
  return (content ?? [])
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function requireTurns(turns: ChatTurn[]): ChatTurn[] {
  if (!turns.some((turn) => turn.role === 'user' && turn.content.trim())) {
    throw new BadRequestError('messages must contain a non-empty user message');
  }
  return turns;
}

/**
 * OpenAI `messages` as Gaia turns: system and developer messages become the system prompt.
 * @example const { system, turns } = fromOpenAiMessages(body.messages);
 */
export function fromOpenAiMessages(messages: OpenAiChatRequest['messages']): {
  system: string | undefined;
  turns: ChatTurn[];
} {
  const system = messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content as Content))
    .join('\n');
  const turns = messages
    .filter(
      (m): m is typeof m & { role: 'user' | 'assistant' } => m.role === 'user' || m.role === 'assistant',
    )
    .map((m) => ({ role: m.role, content: textOf(m.content as Content) }));
  return { system: system || undefined, turns: requireTurns(turns) };
}

/**
 * Anthropic `system` and `messages` as Gaia turns.
 * @example const { system, turns } = fromAnthropicMessages(body);
 */
export function fromAnthropicMessages(body: AnthropicMessagesRequest): {
  system: string | undefined;
  turns: ChatTurn[];
} {
  const system =
    typeof body.system === 'string' ? body.system : body.system?.map((part) => part.text).join('\n');
  const turns = body.messages.map((m) => ({ role: m.role, content: textOf(m.content as Content) }));
  return { system: system || undefined, turns: requireTurns(turns) };
}
