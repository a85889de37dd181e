import Anthropic from '@anthropic-ai/sdk';
import { loadAuthConfig, startAuth } from '@gaia/auth';
import { loadChatConfig, startChat } from '@gaia/chat';
import { chatMessageCompleted, chatMessageDelta, chatMessageStarted } from '@gaia/contracts';
import { startFakeUpstream, type RunningFakeUpstream } from '@gaia/fake-upstream';
import { loadGatewayConfig, startGateway } from '@gaia/gateway';
import {
  createBus,
  createDatabase,
  createLogger,
  type Bus,
  type Database,
  type RunningService,
} from '@gaia/platform';
import { createTestDatabase, type TestDatabase } from '@gaia/testkit';
import { expect } from 'chai';
import OpenAI from 'openai';
import { json, post, secret, within } from './stack.js';

const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const quiet = {
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'error',
  LOG_FORMAT: 'json',
  SHUTDOWN_TIMEOUT_MS: '500',
};
const anthropicModels = ['claude-3-haiku-20240307', 'claude-3-5-sonnet-20241022'];
const openAiModels = ['gpt-4o-mini', 'gpt-4o'];

/** Parses an SSE body into its `data:` payloads, in order. */
function dataEvents(body: string): string[] {
  return body
    .split('\n\n')
    .map((block) =>
      block
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice(6),
    )
    .filter((data): data is string => data !== undefined);
}

/**
 * The chat issue end to end: gateway, auth and chat services on real PostgreSQL and NATS, with the
 * OpenAI and Anthropic providers pointed at two fake upstreams (one each, so faults hit one provider).
 */
describe('chat through the gateway', function () {
  this.timeout(120_000);
  let database: TestDatabase;
  let db: Database;
  let openAiUpstream: RunningFakeUpstream;
  let anthropicUpstream: RunningFakeUpstream;
  let auth: RunningService;
  const chats: RunningService[] = [];
  const gateways: RunningService[] = [];
  let observer: Bus;
  let key: string;
  let userId: string;
  const shared = {
    ...quiet,
    NATS_URL: natsUrl,
    INTERNAL_AUTH_SECRET: secret(),
    SUPABASE_JWT_SECRET: secret(),
    RATE_LIMIT_PER_MINUTE: '0',
  };

  const startChatReplica = async () => {
    const chat = await startChat(
      loadChatConfig({
        ...shared,
        DATABASE_URL: database.url,
        OPENAI_BASE_URL: `${openAiUpstream.url}/v1`,
        OPENAI_API_KEY: 'sk-test',
        ANTHROPIC_BASE_URL: anthropicUpstream.url,
        ANTHROPIC_API_KEY: 'sk-ant-test',
      }),
    );
    chats.push(chat);
    return chat;
  };
  const startGatewayFor = async (chat: RunningService) => {
    const gateway = await startGateway(
      loadGatewayConfig({ ...shared, AUTH_SERVICE_URL: auth.url, CHAT_SERVICE_URL: chat.url }),
    );
    gateways.push(gateway);
    return gateway;
  };

  before(async () => {
    database = await createTestDatabase();
    db = createDatabase({ url: database.url, poolSize: 2 });
    openAiUpstream = await startFakeUpstream({ openai: { models: openAiModels }, tokens: 8 });
    anthropicUpstream = await startFakeUpstream({ anthropic: { models: anthropicModels }, tokens: 8 });
    auth = await startAuth(loadAuthConfig({ ...shared, DATABASE_URL: database.url }));
    await startGatewayFor(await startChatReplica());
    observer = createBus({
      url: natsUrl,
      name: 'chat-e2e',
      logger: createLogger({ service: 'test', level: 'error', format: 'json' }),
    });

    const credentials = { email: `chat-${Date.now()}@example.com`, password: 'correct horse battery' };
    await post(`${gateways[0]!.url}/api/v1/auth/register`, credentials);
    const login = await json(await post(`${gateways[0]!.url}/api/v1/auth/login`, credentials));
    userId = login.user.id;
    const created = await post(
      `${gateways[0]!.url}/api/v1/auth/keys`,
      { name: 'sdk' },
      { authorization: `Bearer ${login.session.access_token}` },
    );
    key = (await json(created)).key;
  });
  after(async () => {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all(chats.map((c) => c.stop()));
    await auth?.stop();
    await observer?.close();
    await openAiUpstream?.close();
    await anthropicUpstream?.close();
    await db?.close();
    await database?.drop();
  });
  beforeEach(() => {
    for (const upstream of [openAiUpstream, anthropicUpstream]) {
      Object.assign(upstream.state.knobs, {
        fault: 'none',
        faultCount: null,
        ttftMs: 0,
        gapMs: 0,
        tokens: 8,
        retryAfterSeconds: 0,
      });
    }
  });

  const gateway = () => gateways[0]!.url;
  const keyHeaders = () => ({ 'x-api-key': key });

  it('serves the official OpenAI SDK unchanged: completion, stream and usage', async () => {
    const client = new OpenAI({ apiKey: key, baseURL: `${gateway()}/v1`, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
    });
    expect(completion.model).to.equal('gpt-4o-mini');
    const upstreamReply = openAiUpstream.state.openai.requests.at(-1)!;
    expect(completion.choices[0]!.message.content).to.be.a('string').and.not.equal('');
    expect(completion.usage?.completion_tokens).to.equal(upstreamReply.outputTokens);

    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Stream please' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage ??= chunk.usage;
    }
    expect(text.split(' ').length).to.equal(8);
    expect(usage?.completion_tokens).to.equal(8);
  });

  it('serves the official Anthropic SDK unchanged, and the persona reaches Anthropic as the system prompt', async () => {
    const client = new Anthropic({ apiKey: key, baseURL: gateway(), maxRetries: 0 });
    const message = await client.messages.create({
      model: 'claude-3-haiku-20240307',
      max_tokens: 100,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(message.content[0]).to.include({ type: 'text' });
    expect(anthropicUpstream.state.anthropic.requests.at(-1)!.system).to.equal('You are terse.');

    const stream = client.messages.stream({
      model: 'claude-3-haiku-20240307',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Stream' }],
    });
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens).to.equal(8);
    expect(
      anthropicUpstream.state.anthropic.requests.at(-1)!.system,
      'default persona Mu as system prompt',
    ).to.match(/Mu/);
  });

  it('streams /api/v0.2/chat/stream as Gaia events, in order, ending with one [DONE], and publishes chat events', async () => {
    const live: { kind: string; event: Record<string, unknown> }[] = [];
    const subscriptions = await Promise.all(
      [
        ['started', chatMessageStarted],
        ['delta', chatMessageDelta],
        ['completed', chatMessageCompleted],
      ].map(([kind, family]) =>
        observer.subscribe(
          (family as typeof chatMessageStarted).any,
          // NATS is shared with whatever else runs on this machine: keep this user's events only.
          (event) => void (event.user_id === userId && live.push({ kind: kind as string, event })),
        ),
      ),
    );
    const response = await post(
      `${gateway()}/api/v0.2/chat/stream`,
      { message: 'Tell me something', provider: 'claude' },
      keyHeaders(),
    );
    expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
    const events = dataEvents(await response.text());
    expect(events.at(-1)).to.equal('[DONE]');
    expect(events.filter((e) => e === '[DONE]')).to.have.length(1);
    const parsed = events.slice(0, -1).map((e) => JSON.parse(e) as { type: string; content?: string });
    const types = parsed.map((e) => e.type);
    expect(types.slice(0, 3)).to.deep.equal(['start', 'ready', 'model_selection']);
    expect(types.slice(-2)).to.deep.equal(['metadata', 'complete']);
    expect(types.filter((t) => t === 'content')).to.have.length(8);
    expect(parsed[2]).to.include({ provider: 'anthropic', model: 'claude-3-haiku-20240307' });

    await within(3000, async () => live.some((l) => l.kind === 'completed'));
    const reply = parsed.map((e) => e.content ?? '').join('');
    const streamedLive = live
      .filter((l) => l.kind === 'delta')
      .map((l) => l.event.text as string)
      .join('');
    expect(streamedLive, 'delta events carry the whole reply').to.equal(reply);
    expect(live[0]!.kind).to.equal('started');
    expect(live.find((l) => l.kind === 'completed')!.event).to.include({
      status: 'ok',
      provider: 'anthropic',
      output_tokens: 8,
    });
    for (const subscription of subscriptions) await subscription.unsubscribe();
  });

  it('applies the caller’s chosen persona as the system prompt for OpenAI too', async () => {
    const created = await post(
      `${gateway()}/api/v0.2/personas`,
      {
        name: `Pirate ${Date.now()}`,
        description: 'Talks like a pirate',
        system_prompt: 'Arr, ye be a pirate assistant.',
      },
      keyHeaders(),
    );
    expect(created.status).to.equal(200);
    const persona = (await json(created)).persona;
    expect(
      (await post(`${gateway()}/api/v0.2/personas/set`, { persona_id: persona.id }, keyHeaders())).status,
    ).to.equal(200);
    const reply = await post(
      `${gateway()}/api/v0.2/chat`,
      { message: 'Who are you?', provider: 'openai' },
      keyHeaders(),
    );
    expect(reply.status).to.equal(200);
    const body = await json(reply);
    expect(body).to.include({ provider: 'openai', model: 'gpt-4o-mini', fallback_used: false });
    expect(openAiUpstream.state.openai.requests.at(-1)!.system).to.equal('Arr, ye be a pirate assistant.');
  });

  it('aborts the upstream request when the client disconnects, and records the partial usage', async () => {
    Object.assign(openAiUpstream.state.knobs, { tokens: 200, gapMs: 20 });
    const disconnectsBefore = openAiUpstream.state.openai.clientDisconnects;
    const controller = new AbortController();
    const response = await fetch(`${gateway()}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model: 'gpt-4o',
        stream: true,
        messages: [{ role: 'user', content: 'A long story please' }],
      }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    let seen = '';
    while (!seen.includes('"content":"')) seen += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    await within(5000, async () => openAiUpstream.state.openai.clientDisconnects > disconnectsBefore);
    await within(
      5000,
      async () =>
        (await db.prisma.usageRecord.count({ where: { model: 'gpt-4o', status: 'aborted' } })) === 1,
    );
    const record = await db.prisma.usageRecord.findFirstOrThrow({
      where: { model: 'gpt-4o', status: 'aborted' },
    });
    expect(record.outputTokens).to.be.greaterThan(0).and.lessThan(200);
  });

  it('retries a 429 and then succeeds on the same provider', async () => {
    Object.assign(openAiUpstream.state.knobs, { fault: '429', faultCount: 1, retryAfterSeconds: 0 });
    const before = openAiUpstream.state.requests.countsByRoute['POST /v1/chat/completions'] ?? 0;
    const reply = await post(
      `${gateway()}/api/v0.2/chat`,
      { message: 'Retry me', model: 'gpt-4o-mini' },
      keyHeaders(),
    );
    expect(reply.status).to.equal(200);
    expect((await json(reply)).provider).to.equal('openai');
    expect((openAiUpstream.state.requests.countsByRoute['POST /v1/chat/completions'] ?? 0) - before).to.equal(
      2,
    );
  });

  it('falls back to another provider when one is down, and opens the dead provider’s circuit', async () => {
    Object.assign(anthropicUpstream.state.knobs, { fault: '500', faultCount: null });
    for (let i = 0; i < 3; i += 1) {
      const reply = await post(
        `${gateway()}/api/v0.2/chat`,
        { message: 'Anyone there?', provider: 'anthropic' },
        keyHeaders(),
      );
      expect(reply.status).to.equal(200);
      const body = await json(reply);
      expect(body).to.include({ provider: 'openai', fallback_used: true });
    }
    const health = await json(
      await fetch(`${gateway()}/api/v0.2/providers/anthropic/health`, { headers: keyHeaders() }),
    );
    expect(health.circuit_state).to.equal('open');
  });

  it('drops cached persona prompts on every chat replica when a persona is picked, edited or deleted', async () => {
    const other = await startGatewayFor(await startChatReplica());
    const systemSentVia = async (url: string) => {
      const reply = await post(`${url}/api/v0.2/chat`, { message: 'Hi', provider: 'openai' }, keyHeaders());
      expect(reply.status).to.equal(200);
      return openAiUpstream.state.openai.requests.at(-1)!.system;
    };
    const created = await post(
      `${gateway()}/api/v0.2/personas`,
      { name: `Owl ${Date.now()}`, description: 'Wise', system_prompt: 'Hoo. You are an owl.' },
      keyHeaders(),
    );
    const owl = (await json(created)).persona;
    expect(await systemSentVia(other.url)).to.not.equal('Hoo. You are an owl.');

    await post(`${gateway()}/api/v0.2/personas/set`, { persona_id: owl.id }, keyHeaders());
    await within(2000, async () => (await systemSentVia(other.url)) === 'Hoo. You are an owl.');

    await fetch(`${gateway()}/api/v0.2/personas/${owl.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...keyHeaders() },
      body: JSON.stringify({ system_prompt: 'Hoo hoo. You are a wiser owl.' }),
    });
    await within(2000, async () => (await systemSentVia(other.url)) === 'Hoo hoo. You are a wiser owl.');

    await fetch(`${gateway()}/api/v0.2/personas/${owl.id}`, { method: 'DELETE', headers: keyHeaders() });
    // The pick now names a deleted persona, so the user is back with Mu.
    await within(2000, async () => (await systemSentVia(other.url))!.startsWith('You are Mu'));
  });

  it('keeps history in PostgreSQL: shared by two chat replicas and surviving a restart', async () => {
    const second = await startGatewayFor(await startChatReplica());
    await fetch(`${gateway()}/api/v1/chat/history`, { method: 'DELETE', headers: keyHeaders() });
    expect(
      (await post(`${gateway()}/api/v1/chat`, { message: 'Remember me', model: 'gpt-4o-mini' }, keyHeaders()))
        .status,
    ).to.equal(200);
    const status = async (url: string) =>
      json(await fetch(`${url}/api/v1/chat/status`, { headers: keyHeaders() }));
    expect(await status(second.url)).to.deep.equal({ message_count: 2, has_history: true });

    await chats[0]!.stop();
    const restarted = await startGatewayFor(await startChatReplica());
    expect(await status(restarted.url)).to.deep.equal({ message_count: 2, has_history: true });
    const reply = await post(
      `${restarted.url}/api/v1/chat`,
      { message: 'Still there?', model: 'gpt-4o-mini' },
      keyHeaders(),
    );
    expect(Object.keys(await json(reply))).to.include.members(['response', 'provider', 'model']);
    const sent = openAiUpstream.state.openai.requests.at(-1)!;
    expect(sent.messages.map((m) => m.content)).to.include('Remember me');
  });

  it('answers bad input with 4xx and a detail, never 500', async () => {
    const url = gateways.at(-1)!.url;
    const wrongTypes = await post(`${url}/api/v0.2/chat`, { message: 42 }, keyHeaders());
    expect(wrongTypes.status).to.equal(422);
    expect((await json(wrongTypes)).detail[0].loc).to.deep.equal(['body', 'message']);
    const empty = await post(`${url}/api/v0.2/chat`, { message: '   ' }, keyHeaders());
    expect(empty.status).to.equal(422);
    const unknown = await post(
      `${url}/api/v0.2/chat`,
      { message: 'hi', model: 'no-such-model' },
      keyHeaders(),
    );
    expect(unknown.status).to.equal(404);
    expect((await json(unknown)).detail).to.equal('Model not found: no-such-model');
    const oversized = await post(
      `${url}/api/v0.2/chat`,
      { message: 'x'.repeat(11 * 1024 * 1024) },
      keyHeaders(),
    );
    expect(oversized.status).to.equal(413);
    const noMessages = await post(
      `${url}/v1/chat/completions`,
      { model: 'gpt-4o-mini', messages: [] },
      { authorization: `Bearer ${key}` },
    );
    expect(noMessages.status).to.equal(422);
    expect((await json(noMessages)).error.message).to.be.a('string');
  });
});
