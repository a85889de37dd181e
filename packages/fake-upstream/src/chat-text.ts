import type { RecordedMessage } from './chat-log.js';

/** Cycled after the echoed words until a reply has its tokens. */
const FILLER_WORDS = (
  'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et ' +
  'dolore magna aliqua'
).split(' ');

/**
 * A deterministic reply of `count` tokens: the words of `prompt` (the last user message), then filler
 * words. Each token is one word; all but the first carry their leading space, so the reply text is the
 * tokens joined with ''.
 * @example replyTokens('Hi there', 4) // ['Hi', ' there', ' lorem', ' ipsum']
 */
export function replyTokens(prompt: string, count: number): string[] {
  const echoed = prompt.split(/\s+/).filter((word) => word !== '');
  const tokens: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const word = echoed[index] ?? FILLER_WORDS[(index - echoed.length) % FILLER_WORDS.length]!;
    tokens.push(index === 0 ? word : ` ${word}`);
  }
  return tokens;
}

/**
 * The fake's token count for prompt text: one token per 4 characters, rounded up.
 * @example estimateTokens(['You are terse.', 'Hi']) // 4 (16 characters)
 */
export function estimateTokens(texts: readonly string[]): number {
  let characters = 0;
  for (const text of texts) characters += text.length;
  return Math.ceil(characters / 4);
}

/**
 * The text of a message `content` in either API: a string, or the `text` of its text parts (OpenAI
 * `{type: 'text', text}` parts, Anthropic text blocks) joined by newlines; images and the like add none.
 * @example contentText([{ type: 'text', text: 'Hi' }, { type: 'image_url', image_url: { url } }]) // 'Hi'
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.flatMap((part: unknown) => (isTextPart(part) ? [part.text] : [])).join('\n');
}

function isTextPart(part: unknown): part is { type: 'text'; text: string } {
  return (
    typeof part === 'object' &&
    part !== null &&
    (part as { type?: unknown }).type === 'text' &&
    typeof (part as { text?: unknown }).text === 'string'
  );
}

/**
 * The text of the last `user` message, which the reply echoes; '' when there is none.
 * @example lastUserText([{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hi' }]) // 'Hi'
 */
export function lastUserText(messages: readonly RecordedMessage[]): string {
  const last = messages.findLast((message) => message.role === 'user');
  return last ? contentText(last.content) : '';
}
