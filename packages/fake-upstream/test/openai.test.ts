import { expect } from 'chai';
import OpenAI, { type APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import {
  DEFAULT_KNOBS,
  estimateTokens,
  replyTokens,
  TOKENS_BEFORE_STREAM_FAULT,
  type RunningFakeUpstream,
} from '../src/index.js';
import { causeCodes, eventually, rejectionOf, settlesWithin } from './chat-helpers.js';
import { persona, question, useFakeUpstream } from './fake-upstream-suite.js';

const model = 'gpt-4o-mini';
const messages = [
  { role: 'system' as const, content: persona },
  { role: 'user' as const, content: question },
];

describe('fake OpenAI driven by the openai SDK', () => {
  let fake: RunningFakeUpstream;
  let client: OpenAI;

  useFakeUpstream({ openai: { models: [model, 'gpt-4.1'] } }, (started) => {
    fake = started;
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 0 });
  });

  const lastRecord = () => fake.state.openai.requests.at(-1)!;

  async function collect(stream: AsyncIterable<ChatCompletionChunk>) {
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return chunks;
  }

  it('completes a chat with an echo of the last user message and usage from the prompt size', async () => {
    const completion = await client.chat.completions.create({ model, messages });

    const expectedText = replyTokens(question, DEFAULT_KNOBS.tokens).join('');
    const promptTokens = estimateTokens([persona, question]);
    expect(expectedText.startsWith(question)).to.equal(true);
    expect(completion).to.include({ object: 'chat.completion', model, system_fingerprint: 'fp_fa4e0057ab' });
    expect(completion.id).to.match(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.created).to.be.closeTo(Date.now() / 1000, 5);
    expect(completion.choices).to.deep.equal([
      {
        index: 0,
        message: { role: 'assistant', content: expectedText, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ]);
    expect(completion.usage).to.deep.include({
      prompt_tokens: promptTokens,
      completion_tokens: DEFAULT_KNOBS.tokens,
      total_tokens: promptTokens + DEFAULT_KNOBS.tokens,
    });
  });

  it('records what the provider received: the persona as a system message, model, stream flag, headers', async () => {
    await client.chat.completions.create({ model, messages, temperature: 0.2 });

    const record = lastRecord();
    expect(record).to.include({ model, stream: false, system: persona, aborted: false });
    expect(record.messages).to.deep.equal(messages);
    expect(record.body.temperature).to.equal(0.2);
    expect(record.headers.authorization).to.equal('Bearer sk-test');
    expect(record).to.include({ inputTokens: estimateTokens([persona, question]), outputTokens: 16 });
  });

  it('streams a role chunk, one chunk per token, then the finish chunk', async () => {
    const stream = await client.chat.completions.create({ model, messages, stream: true });
    const chunks = await collect(stream);

    const tokens = replyTokens(question, DEFAULT_KNOBS.tokens);
    expect(chunks).to.have.length(tokens.length + 2);
    expect(chunks[0]!.choices[0]!.delta).to.deep.equal({ role: 'assistant', content: '', refusal: null });
    expect(chunks.slice(1, -1).map((chunk) => chunk.choices[0]!.delta)).to.deep.equal(
      tokens.map((content) => ({ content })),
    );
    expect(chunks.at(-1)!.choices).to.deep.equal([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
    ]);
    for (const chunk of chunks) {
      expect(chunk).to.include({ object: 'chat.completion.chunk', id: chunks[0]!.id, model });
      expect(chunk).to.not.have.property('usage');
    }
    expect(lastRecord().stream).to.equal(true);
  });

  it('ends the stream with a usage chunk when stream_options.include_usage is set', async () => {
    const stream = await client.chat.completions.create({
      model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = await collect(stream);

    const usageChunk = chunks.at(-1)!;
    const promptTokens = estimateTokens([persona, question]);
    expect(usageChunk.choices).to.deep.equal([]);
    expect(usageChunk.usage).to.deep.include({
      prompt_tokens: promptTokens,
      completion_tokens: DEFAULT_KNOBS.tokens,
      total_tokens: promptTokens + DEFAULT_KNOBS.tokens,
    });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).to.equal('stop');
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).to.equal(true);
  });

  it('stops at max_completion_tokens with finish_reason "length"', async () => {
    const completion = await client.chat.completions.create({ model, messages, max_completion_tokens: 3 });

    expect(completion.choices[0]!.message.content).to.equal('Where is the');
    expect(completion.choices[0]!.finish_reason).to.equal('length');
    expect(completion.usage?.completion_tokens).to.equal(3);
  });

  it('lists the served models', async () => {
    const ids: string[] = [];
    for await (const listed of client.models.list()) {
      expect(listed).to.include({ object: 'model', owned_by: 'system' });
      ids.push(listed.id);
    }
    expect(ids).to.deep.equal([model, 'gpt-4.1']);
  });

  describe('errors', () => {
    it('answers a request without a bearer token with 401, an AuthenticationError', async () => {
      const error = await rejectionOf(
        client.chat.completions.create({ model, messages }, { headers: { Authorization: null } }),
      );
      expect(error).to.be.instanceOf(OpenAI.AuthenticationError);
      expect(error).to.include({ status: 401, type: 'invalid_request_error', code: null });
      expect((error as APIError).requestID).to.match(/^req_/);
    });

    it('answers an unserved model with 404 model_not_found, a NotFoundError', async () => {
      const error = await rejectionOf(client.chat.completions.create({ model: 'gpt-9', messages }));
      expect(error).to.be.instanceOf(OpenAI.NotFoundError);
      expect(error).to.include({ status: 404, code: 'model_not_found', type: 'invalid_request_error' });
      expect((error as Error).message).to.equal(
        '404 The model `gpt-9` does not exist or you do not have access to it.',
      );
    });

    it('answers a body without messages with 400 missing_required_parameter, a BadRequestError', async () => {
      const error = await rejectionOf(client.chat.completions.create({ model } as never));
      expect(error).to.be.instanceOf(OpenAI.BadRequestError);
      expect(error).to.include({ status: 400, param: 'messages', code: 'missing_required_parameter' });
    });

    it('turns the 429 fault into a RateLimitError carrying Retry-After', async () => {
      fake.state.knobs.fault = '429';
      fake.state.knobs.retryAfterSeconds = 7;
      const error = await rejectionOf(client.chat.completions.create({ model, messages }));
      expect(error).to.be.instanceOf(OpenAI.RateLimitError);
      expect(error).to.include({ status: 429, code: 'rate_limit_exceeded' });
      expect((error as APIError).headers?.get('retry-after')).to.equal('7');
    });

    it('turns the 500 fault, set by header, into an InternalServerError', async () => {
      const error = await rejectionOf(
        client.chat.completions.create({ model, messages }, { headers: { 'x-fake-fault': '500' } }),
      );
      expect(error).to.be.instanceOf(OpenAI.InternalServerError);
      expect(error).to.include({ status: 500, type: 'server_error' });
    });

    it('turns the reset fault into an APIConnectionError', async () => {
      const error = await rejectionOf(
        client.chat.completions.create({ model, messages }, { headers: { 'x-fake-fault': 'reset' } }),
      );
      expect(error).to.be.instanceOf(OpenAI.APIConnectionError);
    });

    it('fails only the next faultCount requests: 429 once, then the SDK retry succeeds', async () => {
      Object.assign(fake.state.knobs, { fault: '429', faultCount: 1, retryAfterSeconds: 0 });
      const route = 'POST /v1/chat/completions';
      const before = fake.state.requests.countsByRoute[route] ?? 0;
      const retrying = new OpenAI({ apiKey: 'sk-test', baseURL: `${fake.url}/v1`, maxRetries: 1 });

      const completion = await retrying.chat.completions.create({ model, messages });

      expect(completion.choices[0]!.finish_reason).to.equal('stop');
      expect(fake.state.requests.countsByRoute[route]).to.equal(before + 2);
      expect(fake.state.knobs).to.include({ fault: '429', faultCount: 0 });
      await client.chat.completions.create({ model, messages });
    });
  });

  describe('pacing and stream faults', () => {
    it('sends as many tokens as x-fake-tokens asks, in order', async () => {
      const stream = await client.chat.completions.create(
        { model, messages: [{ role: 'user', content: 'one two' }], stream: true },
        { headers: { 'x-fake-tokens': '40' } },
      );
      const chunks = await collect(stream);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expect(chunks).to.have.length(42);
      expect(text).to.equal(replyTokens('one two', 40).join(''));
      expect(text.split(' ').slice(0, 4)).to.deep.equal(['one', 'two', 'lorem', 'ipsum']);
    });

    it('holds the first token for ttftMs after the headers and spaces tokens by gapMs', async () => {
      Object.assign(fake.state.knobs, { ttftMs: 150, tokens: 5, gapMs: 30 });
      const started = performance.now();
      const stream = await client.chat.completions.create({ model, messages, stream: true });
      const headersAfter = performance.now() - started;
      const contentTimes: number[] = [];
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) contentTimes.push(performance.now() - started);
      }

      expect(headersAfter).to.be.below(contentTimes[0]!);
      expect(contentTimes).to.have.length(5);
      expect(contentTimes[0]).to.be.at.least(150);
      expect(contentTimes[4]).to.be.at.least(150 + 4 * 30);
    });

    it('delays a non-streamed completion by the whole generation time', async () => {
      const started = performance.now();
      await client.chat.completions.create(
        { model, messages },
        { headers: { 'x-fake-ttft-ms': '100', 'x-fake-gap-ms': '20', 'x-fake-tokens': '6' } },
      );
      expect(performance.now() - started).to.be.at.least(100 + 5 * 20);
    });

    it('stalls after the first tokens without closing; the client giving up is recorded', async () => {
      const controller = new AbortController();
      const disconnectsBefore = fake.state.openai.clientDisconnects;
      const stream = await client.chat.completions.create(
        { model, messages, stream: true },
        { headers: { 'x-fake-fault': 'stall' }, signal: controller.signal },
      );
      const iterator = stream[Symbol.asyncIterator]();
      const received: ChatCompletionChunk[] = [];
      for (let index = 0; index < TOKENS_BEFORE_STREAM_FAULT + 1; index += 1) {
        received.push((await iterator.next()).value as ChatCompletionChunk);
      }
      const stalled = iterator.next();

      expect(await settlesWithin(stalled, 200)).to.equal('pending');
      expect(received.slice(1).map((chunk) => chunk.choices[0]!.delta.content)).to.deep.equal(
        replyTokens(question, TOKENS_BEFORE_STREAM_FAULT),
      );

      controller.abort();
      await stalled.catch(() => undefined);
      await eventually(() => fake.state.openai.clientDisconnects === disconnectsBefore + 1);
      expect(lastRecord().aborted).to.equal(true);
    });

    it('resets the connection after the first tokens; iterating the stream then throws', async () => {
      const disconnectsBefore = fake.state.openai.clientDisconnects;
      const stream = await client.chat.completions.create(
        { model, messages, stream: true },
        { headers: { 'x-fake-fault': 'reset-mid-stream' } },
      );
      const contents: string[] = [];
      const error = await rejectionOf(
        (async () => {
          for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
        })(),
      );

      expect(contents.slice(1)).to.deep.equal(replyTokens(question, TOKENS_BEFORE_STREAM_FAULT));
      expect(error).to.be.instanceOf(TypeError);
      expect(causeCodes(error)).to.include('ECONNRESET');
      expect(fake.state.openai.clientDisconnects).to.equal(disconnectsBefore);
      expect(lastRecord().aborted).to.equal(false);
    });

    it('uses up a counted stream fault only on requests that generate tokens', async () => {
      Object.assign(fake.state.knobs, { fault: 'reset-mid-stream', faultCount: 1 });
      await client.models.list();
      expect(fake.state.knobs.faultCount).to.equal(1);

      const reset = await rejectionOf(client.chat.completions.create({ model, messages }));
      expect(reset).to.be.instanceOf(OpenAI.APIConnectionError);
      expect(fake.state.knobs.faultCount).to.equal(0);
      expect((await client.chat.completions.create({ model, messages })).choices).to.have.length(1);
    });

    it('records an aborted stream and stops generating for it', async () => {
      const controller = new AbortController();
      const disconnectsBefore = fake.state.openai.clientDisconnects;
      const stream = await client.chat.completions.create(
        { model, messages, stream: true },
        { headers: { 'x-fake-tokens': '1000', 'x-fake-gap-ms': '10' }, signal: controller.signal },
      );
      let received = 0;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) received += 1;
        if (received === 2) controller.abort();
      }

      await eventually(() => fake.state.openai.clientDisconnects === disconnectsBefore + 1);
      expect(lastRecord()).to.include({ aborted: true, stream: true, outputTokens: 1000 });
    });
  });
});
