import Anthropic, { type APIError } from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { expect } from 'chai';
import {
  DEFAULT_KNOBS,
  estimateTokens,
  replyTokens,
  TOKENS_BEFORE_STREAM_FAULT,
  type RunningFakeUpstream,
} from '../src/index.js';
import { causeCodes, eventually, rejectionOf, settlesWithin } from './chat-helpers.js';
import { persona, question, useFakeUpstream } from './fake-upstream-suite.js';

const model = 'claude-haiku-4-5';
const messages = [{ role: 'user' as const, content: question }];

describe('fake Anthropic driven by @anthropic-ai/sdk', () => {
  let fake: RunningFakeUpstream;
  let client: Anthropic;

  useFakeUpstream({ anthropic: { models: [model] } }, (started) => {
    fake = started;
    client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: fake.url, maxRetries: 0 });
  });

  const lastRecord = () => fake.state.anthropic.requests.at(-1)!;
  const params = { model, max_tokens: 1024, system: persona, messages };

  it('creates a message echoing the last user message, with usage from the prompt size', async () => {
    const message = await client.messages.create(params);

    expect(message.id).to.match(/^msg_01[A-Za-z0-9]{22}$/);
    expect(message).to.include({
      type: 'message',
      role: 'assistant',
      model,
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(message.content).to.deep.equal([
      { type: 'text', text: replyTokens(question, DEFAULT_KNOBS.tokens).join('') },
    ]);
    expect(message.usage).to.deep.include({
      input_tokens: estimateTokens([persona, question]),
      output_tokens: DEFAULT_KNOBS.tokens,
    });
    expect(message._request_id).to.match(/^req_011C/);
  });

  it('records the persona as the top-level system prompt, with model, messages and headers', async () => {
    await client.messages.create({ ...params, system: [{ type: 'text', text: persona }] });

    const record = lastRecord();
    expect(record).to.include({ model, stream: false, system: persona, aborted: false });
    expect(record.messages).to.deep.equal(messages);
    expect(record.body.system).to.deep.equal([{ type: 'text', text: persona }]);
    expect(record.headers['anthropic-version']).to.be.a('string');
    expect(record.headers.authorization ?? record.headers['x-api-key']).to.contain('sk-ant-test');
  });

  it('streams message_start, a text block with one delta per token, message_delta and message_stop', async () => {
    const stream = await client.messages.create({ ...params, stream: true });
    const events: RawMessageStreamEvent[] = [];
    for await (const event of stream) events.push(event);

    const tokens = replyTokens(question, DEFAULT_KNOBS.tokens);
    expect(events.map((event) => event.type)).to.deep.equal([
      'message_start',
      'content_block_start',
      ...tokens.map(() => 'content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const deltas = events.flatMap((event) =>
      event.type === 'content_block_delta' && event.delta.type === 'text_delta' ? [event.delta.text] : [],
    );
    expect(deltas).to.deep.equal(tokens);
    const messageDelta = events.find((event) => event.type === 'message_delta')!;
    expect(messageDelta.delta).to.include({ stop_reason: 'end_turn', stop_sequence: null });
    expect(messageDelta.usage.output_tokens).to.equal(tokens.length);
    expect(lastRecord().stream).to.equal(true);
  });

  it('gives the SDK stream helper the final message and usage', async () => {
    const texts: string[] = [];
    const final = await client.messages
      .stream(params)
      .on('text', (text) => texts.push(text))
      .finalMessage();

    expect(texts.join('')).to.equal(replyTokens(question, DEFAULT_KNOBS.tokens).join(''));
    expect(final.content).to.deep.equal([{ type: 'text', text: texts.join('') }]);
    expect(final.stop_reason).to.equal('end_turn');
    expect(final.usage).to.deep.include({
      input_tokens: estimateTokens([persona, question]),
      output_tokens: DEFAULT_KNOBS.tokens,
    });
  });

  it('writes the events on the wire as Anthropic does, ping included', async () => {
    const response = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ ...params, stream: true }),
    });
    const body = await response.text();

    expect(response.headers.get('content-type')).to.equal('text/event-stream; charset=utf-8');
    const frames = body.split('\n\n').filter((frame) => frame !== '');
    expect(frames.slice(0, 3)).to.deep.equal([
      frames[0],
      'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}',
      'event: ping\ndata: {"type":"ping"}',
    ]);
    expect(frames[0]).to.match(
      /^event: message_start\ndata: \{"type":"message_start","message":\{"id":"msg_01/,
    );
    expect(frames[3]).to.equal(
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Where"}}',
    );
    expect(frames.at(-1)).to.equal('event: message_stop\ndata: {"type":"message_stop"}');
  });

  it('stops at max_tokens with stop_reason "max_tokens"', async () => {
    const message = await client.messages.create({ ...params, max_tokens: 2 });
    expect(message.content).to.deep.equal([{ type: 'text', text: 'Where is' }]);
    expect(message).to.deep.include({ stop_reason: 'max_tokens' });
    expect(message.usage.output_tokens).to.equal(2);
  });

  describe('errors', () => {
    it('answers a request without an API key with 401 authentication_error, an AuthenticationError', async () => {
      const error = await rejectionOf(
        client.messages.create(params, { headers: { Authorization: null, 'x-api-key': null } }),
      );
      expect(error).to.be.instanceOf(Anthropic.AuthenticationError);
      expect(error).to.include({ status: 401 });
      expect((error as APIError).error).to.deep.include({
        type: 'error',
        error: { type: 'authentication_error', message: 'x-api-key header is required' },
      });
    });

    it('accepts the key as x-api-key as well', async () => {
      const response = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify(params),
      });
      expect(response.status).to.equal(200);
      expect(response.headers.get('request-id')).to.match(/^req_011C/);
    });

    it('answers a request without anthropic-version with 400 invalid_request_error', async () => {
      const error = await rejectionOf(
        client.messages.create(params, { headers: { 'anthropic-version': null } }),
      );
      expect(error).to.be.instanceOf(Anthropic.BadRequestError);
      expect((error as APIError).error).to.deep.include({
        error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
      });
    });

    it('answers an unserved model with 404 not_found_error, a NotFoundError', async () => {
      const error = await rejectionOf(client.messages.create({ ...params, model: 'claude-unknown' }));
      expect(error).to.be.instanceOf(Anthropic.NotFoundError);
      expect((error as APIError).error).to.deep.include({
        error: { type: 'not_found_error', message: 'model: claude-unknown' },
      });
    });

    it('refuses a system message inside messages, as Anthropic does', async () => {
      const error = await rejectionOf(
        client.messages.create({
          model,
          max_tokens: 10,
          messages: [{ role: 'system', content: persona } as never, ...messages],
        }),
      );
      expect(error).to.be.instanceOf(Anthropic.BadRequestError);
      expect((error as Error).message).to.contain("messages.0.role: Input should be 'user' or 'assistant'");
    });

    it('turns the 429 fault into a RateLimitError with Retry-After', async () => {
      Object.assign(fake.state.knobs, { fault: '429', retryAfterSeconds: 3 });
      const error = await rejectionOf(client.messages.create(params));
      expect(error).to.be.instanceOf(Anthropic.RateLimitError);
      expect((error as APIError).headers?.get('retry-after')).to.equal('3');
      expect((error as APIError).error).to.deep.include({ type: 'error' });
    });

    it('turns the 500 fault into an InternalServerError', async () => {
      const error = await rejectionOf(client.messages.create(params, { headers: { 'x-fake-fault': '500' } }));
      expect(error).to.be.instanceOf(Anthropic.InternalServerError);
      expect((error as APIError).error).to.deep.include({
        error: { type: 'api_error', message: 'Internal server error (fault injected by fake-upstream)' },
      });
    });

    it('fails only the next faultCount requests: 500 twice, then success', async () => {
      Object.assign(fake.state.knobs, { fault: '500', faultCount: 2 });
      for (let attempt = 0; attempt < 2; attempt += 1) {
        expect(await rejectionOf(client.messages.create(params))).to.be.instanceOf(
          Anthropic.InternalServerError,
        );
      }
      expect((await client.messages.create(params)).stop_reason).to.equal('end_turn');
    });
  });

  describe('pacing and stream faults', () => {
    it('holds the first text delta for ttftMs and sends x-fake-tokens deltas', async () => {
      fake.state.knobs.ttftMs = 120;
      const started = performance.now();
      const stream = await client.messages.create(
        { ...params, stream: true },
        { headers: { 'x-fake-tokens': '7' } },
      );
      const deltaTimes: number[] = [];
      for await (const event of stream) {
        if (event.type === 'content_block_delta') deltaTimes.push(performance.now() - started);
      }
      expect(deltaTimes).to.have.length(7);
      expect(deltaTimes[0]).to.be.at.least(120);
    });

    it('stalls after the first deltas; aborting the SDK request is recorded as a client disconnect', async () => {
      const controller = new AbortController();
      const disconnectsBefore = fake.state.anthropic.clientDisconnects;
      const stream = await client.messages.create(
        { ...params, stream: true },
        { headers: { 'x-fake-fault': 'stall' }, signal: controller.signal },
      );
      const iterator = stream[Symbol.asyncIterator]();
      const types: string[] = [];
      for (let index = 0; index < 2 + TOKENS_BEFORE_STREAM_FAULT; index += 1) {
        types.push(((await iterator.next()).value as RawMessageStreamEvent).type);
      }
      const stalled = iterator.next();

      expect(types.slice(2)).to.deep.equal(Array(TOKENS_BEFORE_STREAM_FAULT).fill('content_block_delta'));
      expect(await settlesWithin(stalled, 200)).to.equal('pending');

      controller.abort();
      await stalled.catch(() => undefined);
      await eventually(() => fake.state.anthropic.clientDisconnects === disconnectsBefore + 1);
      expect(lastRecord().aborted).to.equal(true);
    });

    it('resets the connection mid-stream; the SDK stream helper rejects', async () => {
      const texts: string[] = [];
      const error = await rejectionOf(
        client.messages
          .stream(params, { headers: { 'x-fake-fault': 'reset-mid-stream' } })
          .on('text', (text) => texts.push(text))
          .finalMessage(),
      );
      expect(texts).to.deep.equal(replyTokens(question, TOKENS_BEFORE_STREAM_FAULT));
      expect(causeCodes(error)).to.include('ECONNRESET');
      expect(lastRecord().aborted).to.equal(false);
    });

    it('records a stream the client aborted', async () => {
      const controller = new AbortController();
      const disconnectsBefore = fake.state.anthropic.clientDisconnects;
      const stream = client.messages.stream(params, {
        headers: { 'x-fake-tokens': '1000', 'x-fake-gap-ms': '10' },
        signal: controller.signal,
      });
      stream.on('text', () => controller.abort());
      await stream.done().catch(() => undefined);

      await eventually(() => fake.state.anthropic.clientDisconnects === disconnectsBefore + 1);
      expect(lastRecord()).to.include({ aborted: true, stream: true });
    });
  });
});
