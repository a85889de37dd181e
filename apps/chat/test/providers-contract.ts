import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFakeUpstream, type ChatUpstreamState, type RunningFakeUpstream } from '@gaia/fake-upstream';
import { expect } from 'chai';
import {
  ProviderError,
  type ChatProvider,
  type ProviderChunk,
  type ProviderId,
  type ProviderRequest,
} from '../src/providers/provider.js';

/** How a provider under test reaches the fake upstream; absent for providers without a network. */
export interface UpstreamHarness {
  /** Builds the adapter against an upstream origin (`http://127.0.0.1:1234`, no path). */
  connect(origin: string, options?: { timeoutMs?: number }): ChatProvider;
  /** The fake's record of this API's requests. */
  state(fake: RunningFakeUpstream): ChatUpstreamState;
  /** Model ids the fake serves for this API. */
  fakeModels: { openai?: { models: string[] }; anthropic?: { models: string[] } };
}

export interface ProviderContractSubject {
  id: ProviderId;
  model: string;
  /** Builds the provider without a fake (offline). */
  create?: () => ChatProvider;
  upstream?: UpstreamHarness;
}

/** Collects a stream; on failure the chunks so far are attached to the thrown error as `chunks`. */
export async function collect(stream: AsyncIterable<ProviderChunk>): Promise<ProviderChunk[]> {
  const chunks: ProviderChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    throw Object.assign(error as object, { chunks });
  }
  return chunks;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail('expected a rejection');
}

/** Polls until `check` holds, for effects that land a moment later (a disconnect seen by the fake). */
async function eventually(check: () => boolean, timeoutMs = 2000): Promise<boolean> {
  for (
    const until = Date.now() + timeoutMs;
    Date.now() < until;
    await new Promise((r) => setTimeout(r, 10))
  ) {
    if (check()) return true;
  }
  return check();
}

/** A server answering every request with `status` and a JSON error body, like a provider rejecting a key. */
async function startRejectingServer(status: number): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'authentication_error' } }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A port nothing listens on: bound, then closed. */
async function closedPortOrigin(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const textOf = (chunks: ProviderChunk[]) =>
  chunks.map((chunk) => (chunk.type === 'text' ? chunk.text : '')).join('');

/**
 * The behaviour every ChatProvider promises, run against each adapter: network adapters against the fake
 * upstream (request shape, error translation, cancellation), offline directly.
 * @example providerContract({ id: 'openai', model: 'gpt-4o-mini', upstream: openAiHarness });
 */
export function providerContract(subject: ProviderContractSubject): void {
  describe(`${subject.id} provider contract`, () => {
    let fake: RunningFakeUpstream | undefined;
    let provider: ChatProvider;
    const request = (overrides: Partial<ProviderRequest> = {}): ProviderRequest => ({
      model: subject.model,
      system: 'You are Mu, a cheerful robot.',
      messages: [
        { role: 'user', content: 'Hi, who are you?' },
        { role: 'assistant', content: 'I am Mu.' },
        { role: 'user', content: 'Tell me about the stars tonight' },
      ],
      maxTokens: 200,
      signal: new AbortController().signal,
      ...overrides,
    });

    before(async () => {
      if (subject.upstream) {
        fake = await startFakeUpstream({ tokens: 12, ...subject.upstream.fakeModels });
        provider = subject.upstream.connect(fake.url);
      } else {
        provider = subject.create!();
      }
    });
    after(() => fake?.close());
    beforeEach(() => {
      if (!fake) return;
      Object.assign(fake.state.knobs, { fault: 'none', faultCount: null, ttftMs: 0, gapMs: 0, tokens: 12 });
      subject.upstream!.state(fake).requests.length = 0;
    });

    it('has the id it is listed under', () => {
      expect(provider.id).to.equal(subject.id);
    });

    it('streams text chunks, then one usage chunk with the token counts', async () => {
      const chunks = await collect(provider.stream(request()));
      const usage = chunks.at(-1);
      expect(usage?.type).to.equal('usage');
      expect(chunks.filter((c) => c.type === 'usage')).to.have.length(1);
      const texts = chunks.slice(0, -1);
      expect(texts.length).to.be.greaterThan(1);
      expect(texts.every((c) => c.type === 'text')).to.equal(true);
      if (usage?.type !== 'usage') return;
      expect(usage.inputTokens).to.be.greaterThan(0);
      expect(usage.outputTokens).to.be.greaterThan(0);
    });

    it('stops after maxTokens tokens', async () => {
      const chunks = await collect(provider.stream(request({ maxTokens: 3 })));
      expect(chunks.filter((c) => c.type === 'text')).to.have.length(3);
    });

    it('throws the abort reason and stops when the signal aborts mid-stream', async () => {
      if (fake) Object.assign(fake.state.knobs, { gapMs: 20, tokens: 200 });
      const controller = new AbortController();
      const reason = new Error('client went away');
      const seen: ProviderChunk[] = [];
      const error = await rejection(
        (async () => {
          for await (const chunk of provider.stream(request({ signal: controller.signal }))) {
            seen.push(chunk);
            if (seen.length === 2) controller.abort(reason);
          }
        })(),
      );
      expect(error).to.equal(reason);
      expect(seen).to.have.length(2);
    });

    it('throws at once for a signal that is already aborted', async () => {
      const reason = new Error('gone before start');
      const error = await rejection(collect(provider.stream(request({ signal: AbortSignal.abort(reason) }))));
      expect(error).to.equal(reason);
      expect(error.chunks).to.deep.equal([]);
    });

    if (!subject.upstream) return;
    const harness = subject.upstream;
    const recorded = () => harness.state(fake!).requests;

    it('sends the model, the token limit and the system prompt the way its API expects', async () => {
      await collect(provider.stream(request({ maxTokens: 5 })));
      const [sent] = recorded();
      expect(sent?.model).to.equal(subject.model);
      expect(sent?.stream).to.equal(true);
      expect(sent?.system).to.equal('You are Mu, a cheerful robot.');
      expect(sent?.messages.at(-1)).to.deep.include({
        role: 'user',
        content: 'Tell me about the stars tonight',
      });
      expect(sent?.body.max_tokens).to.equal(5);
    });

    it('asks for one unstreamed response when only the whole reply is needed', async () => {
      const streamed = textOf(await collect(provider.stream(request())));
      const chunks = await collect(provider.stream(request({ stream: false })));
      expect(recorded().map((sent) => sent.stream)).to.deep.equal([true, false]);
      expect(chunks.map((chunk) => chunk.type)).to.deep.equal(['text', 'usage']);
      expect(textOf(chunks)).to.equal(streamed);
      const usage = chunks[1];
      if (usage?.type !== 'usage') return;
      expect(usage.inputTokens).to.be.greaterThan(0);
      expect(usage.outputTokens).to.equal(12);
    });

    it('cancels the upstream request when aborted mid-stream (the fake sees the client go)', async () => {
      Object.assign(fake!.state.knobs, { gapMs: 20, tokens: 200 });
      const controller = new AbortController();
      await rejection(
        (async () => {
          for await (const chunk of provider.stream(request({ signal: controller.signal }))) {
            if (chunk.type === 'text') controller.abort(new Error('gone'));
          }
        })(),
      );
      expect(await eventually(() => recorded()[0]?.aborted === true)).to.equal(true);
    });

    it('cancels the upstream request when the consumer stops reading early', async () => {
      Object.assign(fake!.state.knobs, { gapMs: 20, tokens: 200 });
      for await (const chunk of provider.stream(request())) if (chunk.type === 'text') break;
      expect(await eventually(() => recorded()[0]?.aborted === true)).to.equal(true);
    });

    it('translates 429 into a retryable ProviderError with the Retry-After delay', async () => {
      Object.assign(fake!.state.knobs, { fault: '429', retryAfterSeconds: 3 });
      const error = await rejection(collect(provider.stream(request())));
      expect(error).to.be.instanceOf(ProviderError);
      expect(error).to.include({ provider: subject.id, status: 429, retryable: true, retryAfterMs: 3000 });
      expect(error.message).to.match(/request id/);
    });

    it('translates 500 into a retryable ProviderError', async () => {
      fake!.state.knobs.fault = '500';
      const error = await rejection(collect(provider.stream(request())));
      expect(error).to.be.instanceOf(ProviderError);
      expect(error).to.include({ status: 500, retryable: true });
    });

    it('translates 400 (invalid request) and 404 (unknown model) into non-retryable ProviderErrors', async () => {
      const invalid = await rejection(collect(provider.stream(request({ maxTokens: 0 }))));
      expect(invalid).to.be.instanceOf(ProviderError);
      expect(invalid).to.include({ status: 400, retryable: false });
      const unknown = await rejection(collect(provider.stream(request({ model: 'no-such-model' }))));
      expect(unknown).to.include({ status: 404, retryable: false });
    });

    it('translates 401 (rejected key) into a non-retryable ProviderError', async () => {
      const { origin, server } = await startRejectingServer(401);
      try {
        const error = await rejection(collect(harness.connect(origin).stream(request())));
        expect(error).to.be.instanceOf(ProviderError);
        expect(error).to.include({ provider: subject.id, status: 401, retryable: false });
      } finally {
        server.close();
      }
    });

    it('translates a refused connection and a reset into retryable ProviderErrors', async () => {
      const refused = await rejection(collect(harness.connect(await closedPortOrigin()).stream(request())));
      expect(refused).to.be.instanceOf(ProviderError);
      expect(refused).to.include({ retryable: true, status: undefined });
      fake!.state.knobs.fault = 'reset';
      const reset = await rejection(collect(provider.stream(request())));
      expect(reset).to.include({ retryable: true });
    });

    it('fails retryably after the text so far when the connection drops mid-stream', async () => {
      fake!.state.knobs.fault = 'reset-mid-stream';
      const error = await rejection(collect(provider.stream(request())));
      expect(error).to.be.instanceOf(ProviderError);
      expect(error.retryable).to.equal(true);
      expect(textOf(error.chunks)).to.not.equal('');
    });

    it('fails retryably with the upstream’s message when it sends an error event mid-stream', async () => {
      fake!.state.knobs.fault = 'error-mid-stream';
      const error = await rejection(collect(provider.stream(request())));
      expect(error).to.be.instanceOf(ProviderError);
      expect(error.retryable).to.equal(true);
      expect(error.message).to.match(/fault injected by fake-upstream/);
      expect(textOf(error.chunks)).to.not.equal('');
    });

    it('fails retryably when the upstream stalls longer than the timeout, and cancels it', async () => {
      fake!.state.knobs.fault = 'stall';
      const impatient = harness.connect(fake!.url, { timeoutMs: 200 });
      const error = await rejection(collect(impatient.stream(request())));
      expect(error).to.be.instanceOf(ProviderError);
      expect(error.retryable).to.equal(true);
      expect(error.message).to.match(/sent nothing for 200 ms/);
      expect(error.chunks.length).to.be.greaterThan(0);
      expect(await eventually(() => recorded()[0]?.aborted === true)).to.equal(true);
    });
  });
}
