import { expect } from 'chai';
import { createOfflineProvider, offlineReply } from '../src/providers/offline/index.js';
import { collect, providerContract, rejection } from './providers-contract.js';

providerContract({
  id: 'offline',
  model: 'gaia-offline',
  create: () => createOfflineProvider({ firstTokenDelayMs: 1, tokenDelayMs: 1 }),
});

describe('offline provider', () => {
  const provider = createOfflineProvider({ firstTokenDelayMs: 0, tokenDelayMs: 0 });
  const request = (content: string, system?: string) => ({
    model: 'gaia-offline',
    system,
    messages: [{ role: 'user' as const, content }],
    maxTokens: 500,
    signal: new AbortController().signal,
  });
  const text = async (content: string, system?: string) =>
    (await collect(provider.stream(request(content, system))))
      .map((chunk) => (chunk.type === 'text' ? chunk.text : ''))
      .join('');

  it('says it is the offline provider and echoes the user message', async () => {
    const reply = await text('What is the weather on Mars?');
    expect(reply).to.include("Gaia's offline provider");
    expect(reply).to.include('You said: "What is the weather on Mars?"');
    expect(reply).to.equal(offlineReply(request('What is the weather on Mars?')));
  });

  it('answers the same prompt with the same reply, and other prompts differently', async () => {
    expect(await text('Hello there')).to.equal(await text('Hello there'));
    const replies = new Set(
      await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((m) => text(m, 'You are Mu.'))),
    );
    expect(replies.size).to.be.greaterThan(1);
  });

  it('echoes only the start of a long message', async () => {
    const reply = await text(`${'word '.repeat(100)}END`);
    expect(reply).to.include('…');
    expect(reply).to.not.include('END');
  });

  it('estimates usage from the prompt and the reply', async () => {
    const chunks = await collect(provider.stream(request('x'.repeat(400), 'y'.repeat(400))));
    const usage = chunks.at(-1);
    expect(usage).to.deep.include({ type: 'usage', inputTokens: 201 });
    const replyLength = chunks.map((c) => (c.type === 'text' ? c.text : '')).join('').length;
    expect(usage).to.deep.include({ outputTokens: Math.ceil(replyLength / 4) });
  });

  it('stops waiting for its first token as soon as the signal aborts', async () => {
    // A first-token delay longer than the test timeout: only honouring the abort lets this test pass.
    const slow = createOfflineProvider({ firstTokenDelayMs: 60_000 });
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 20);
    const error = await rejection(collect(slow.stream({ ...request('hi'), signal: controller.signal })));
    expect(error).to.equal(reason);
  });
});
