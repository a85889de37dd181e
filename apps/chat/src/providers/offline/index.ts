import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatProvider, ProviderChunk, ProviderRequest } from '../provider.js';
import { estimateTokens } from '../token-estimate.js';

export interface OfflineProviderOptions {
  /** Wait before the first token; default 50 ms. */
  firstTokenDelayMs?: number;
  /** Wait between tokens; default 15 ms. Tests use 0. */
  tokenDelayMs?: number;
}

const openings = ['Hello!', 'Hi there!', 'Thanks for your message.', 'Good to hear from you.'];
const closings = [
  'Once an OpenAI or Anthropic key is configured, a real model will answer instead.',
  'Configure a provider key and ask again to get a real answer.',
  'Everything else — streaming, history, usage — works exactly as with a real model.',
];
const EXCERPT_LENGTH = 60;

const promptOf = (request: Pick<ProviderRequest, 'system' | 'messages'>) =>
  [request.system ?? '', ...request.messages.map((turn) => turn.content)].join('\n');

/**
 * The offline reply to a conversation; the same prompt always gets the same reply, so tests and demos
 * are repeatable.
 * @example offlineReply({ messages: [{ role: 'user', content: 'Hi' }] }) // 'Hello! I am Gaia's offline provider: …'
 */
export function offlineReply(request: Pick<ProviderRequest, 'system' | 'messages'>): string {
  const seed = createHash('sha256').update(promptOf(request)).digest().readUInt32BE(0);
  const said =
    request.messages
      .findLast((turn) => turn.role === 'user')
      ?.content.replace(/\s+/g, ' ')
      .trim() ?? '';
  const excerpt = said.length > EXCERPT_LENGTH ? `${said.slice(0, EXCERPT_LENGTH).trimEnd()}…` : said;
  return [
    openings[seed % openings.length],
    "I am Gaia's offline provider: no language model is connected, so this reply is generated.",
    excerpt ? `You said: "${excerpt}".` : 'Your message was empty.',
    closings[seed % closings.length],
  ].join(' ');
}

/**
 * The built-in provider that needs no network: streams `offlineReply` word by word at a realistic pace,
 * stops at `maxTokens` words, honours the abort signal and reports estimated usage. Always available,
 * so the platform answers even with no provider configured.
 * @example const offline = createOfflineProvider({ tokenDelayMs: 0, firstTokenDelayMs: 0 });
 */
export function createOfflineProvider(options: OfflineProviderOptions = {}): ChatProvider {
  const { firstTokenDelayMs = 50, tokenDelayMs = 15 } = options;

  async function* stream(request: ProviderRequest): AsyncGenerator<ProviderChunk> {
    const { signal } = request;
    const pause = async (ms: number) => {
      if (ms > 0) await sleep(ms, undefined, { signal }).catch(() => undefined);
      signal.throwIfAborted();
    };
    const words = (offlineReply(request).match(/\S+\s*/g) ?? []).slice(0, request.maxTokens);
    let sent = '';
    for (const [index, word] of words.entries()) {
      await pause(index === 0 ? firstTokenDelayMs : tokenDelayMs);
      sent += word;
      yield { type: 'text', text: word };
    }
    yield {
      type: 'usage',
      inputTokens: estimateTokens(promptOf(request)),
      outputTokens: estimateTokens(sent),
    };
  }

  return { id: 'offline', stream };
}
