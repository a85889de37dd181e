import { createLogger, UnavailableError } from '@gaia/platform';
import { expect } from 'chai';
import client from 'prom-client';
import type { ModelSelector, ModelStreamer } from '../src/chat/ports.js';
import {
  ProviderError,
  type ChatProvider,
  type ProviderChunk,
  type ProviderId,
  type ProviderRequest,
} from '../src/providers/provider.js';
import { createOfflineProvider } from '../src/providers/offline/index.js';
import { loadModelCatalog, type ModelEntry } from '../src/registry/model-catalog.js';
import { createModelRegistry, type ModelRegistry } from '../src/registry/model-registry.js';
import { createModelRouter, type RouterEvent } from '../src/routing/model-router.js';

const logger = createLogger({ service: 'test', level: 'error', format: 'json' });
const catalog = loadModelCatalog();

/** What one call to a scripted provider does: stream `text` (and usage unless `usage: false`), then maybe fail. */
interface Step {
  text?: string[];
  usage?: false | { inputTokens: number; outputTokens: number };
  fail?: ProviderError;
  /** Wait before each chunk, honouring the abort signal. */
  delayMs?: number;
}

interface ScriptedProvider extends ChatProvider {
  calls: ProviderRequest[];
  /** Calls whose stream was closed before it ended (the consumer stopped reading). */
  closedEarly: number;
}

function scripted(id: ProviderId, steps: Step[]): ScriptedProvider {
  const provider: ScriptedProvider = {
    id,
    calls: [],
    closedEarly: 0,
    async *stream(request) {
      const step = steps[provider.calls.length] ?? steps.at(-1) ?? {};
      provider.calls.push(request);
      let ended = false;
      try {
        for (const text of step.text ?? []) {
          if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
          request.signal.throwIfAborted();
          yield { type: 'text', text } satisfies ProviderChunk;
        }
        if (step.fail) throw step.fail;
        if (step.usage !== false)
          yield { type: 'usage', ...(step.usage ?? { inputTokens: 7, outputTokens: 3 }) };
        ended = true;
      } finally {
        if (!ended && !step.fail && !request.signal.aborted) provider.closedEarly += 1;
      }
    },
  };
  return provider;
}

const failure = (provider: ProviderId, status: number | undefined, extra: { retryAfterMs?: number } = {}) =>
  new ProviderError(provider, `${status ?? 'connection'} failed`, {
    status,
    retryable: status === undefined || status === 429 || status >= 500,
    ...extra,
  });

interface Setup {
  registry: ModelRegistry;
  metricsRegistry: client.Registry;
  sleeps: number[];
  run: (
    selection: { primary: string; fallbacks?: string[] },
    extra?: { signal?: AbortSignal; enableFallback?: boolean; maxTokens?: number },
  ) => Promise<RouterEvent[]>;
}

function setup(
  providers: ScriptedProvider[],
  options: { maxRetries?: number; maxRetryDelayMs?: number } = {},
): Setup {
  const metricsRegistry = new client.Registry();
  const registry = createModelRegistry({ catalog, available: providers.map((p) => p.id), metricsRegistry });
  const sleeps: number[] = [];
  const router = createModelRouter({
    registry,
    providers: new Map(providers.map((p) => [p.id, p])),
    logger,
    ...options,
    sleep: async (ms) => void sleeps.push(ms),
  });
  const model = (id: string): ModelEntry => registry.find(id)!;
  return {
    registry,
    metricsRegistry,
    sleeps,
    run: async (selection, extra = {}) => {
      const events: RouterEvent[] = [];
      try {
        for await (const event of router.stream({
          selection: {
            primary: model(selection.primary),
            fallbacks: (selection.fallbacks ?? []).map(model),
            reasoning: 'picked by the test',
          },
          system: 'You are Mu.',
          messages: [{ role: 'user', content: 'Hello' }],
          maxTokens: extra.maxTokens ?? 100,
          signal: extra.signal ?? new AbortController().signal,
          enableFallback: extra.enableFallback,
        })) {
          events.push(event);
        }
      } catch (error) {
        throw Object.assign(error as object, { events });
      }
      return events;
    },
  };
}

const rejection = async (promise: Promise<unknown>): Promise<any> => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return expect.fail('expected a rejection');
};
const textOf = (events: RouterEvent[]) => events.map((e) => (e.type === 'text' ? e.text : '')).join('');
const modelEvents = (events: RouterEvent[]) => events.filter((e) => e.type === 'model');

describe('model router', () => {
  it('announces the model, then streams its text and usage, and records the attempt', async () => {
    const openai = scripted('openai', [{ text: ['Hi', ' there'] }]);
    const { run, registry } = setup([openai]);
    const events = await run({ primary: 'gpt-4o-mini' });
    expect(events[0]).to.deep.include({ type: 'model', reasoning: 'picked by the test' });
    expect(events[0]).to.not.have.property('fallbackFrom');
    expect(events.slice(1)).to.deep.equal([
      { type: 'text', text: 'Hi' },
      { type: 'text', text: ' there' },
      { type: 'usage', inputTokens: 7, outputTokens: 3 },
    ]);
    expect(registry.stats().providers.openai).to.deep.include({
      requests: 1,
      errors: 0,
      inputTokens: 7,
      outputTokens: 3,
    });
  });

  it('sends the upstream model id, the persona and a token limit within the model’s maximum', async () => {
    const anthropic = scripted('anthropic', [{ text: ['ok'] }]);
    const { run } = setup([anthropic]);
    await run({ primary: 'claude-3-haiku-20240307' }, { maxTokens: 100_000 });
    expect(anthropic.calls[0]).to.deep.include({
      model: 'claude-3-haiku-20240307',
      system: 'You are Mu.',
      maxTokens: 4096,
    });
  });

  it('retries a retryable failure with growing, jittered backoff, then answers from the same model', async () => {
    const openai = scripted('openai', [
      { fail: failure('openai', 503) },
      { fail: failure('openai', undefined) },
      { text: ['ok'] },
    ]);
    const { run, sleeps, registry } = setup([openai]);
    const events = await run({ primary: 'gpt-4o-mini' });
    expect(openai.calls).to.have.length(3);
    expect(modelEvents(events)).to.have.length(1);
    expect(events[0]).to.not.have.property('fallbackFrom');
    expect(textOf(events)).to.equal('ok');
    expect(sleeps).to.have.length(2);
    expect(sleeps[0]).to.be.within(100, 200);
    expect(sleeps[1]).to.be.within(200, 400);
    expect(registry.stats().providers.openai).to.deep.include({ requests: 3, errors: 2 });
  });

  it('waits as long as Retry-After asks, and moves on at once when it asks for too long', async () => {
    const patient = setup([
      scripted('openai', [{ fail: failure('openai', 429, { retryAfterMs: 1500 }) }, { text: ['ok'] }]),
    ]);
    await patient.run({ primary: 'gpt-4o-mini' });
    expect(patient.sleeps).to.deep.equal([1500]);

    const openai = scripted('openai', [{ fail: failure('openai', 429, { retryAfterMs: 60_000 }) }]);
    const anthropic = scripted('anthropic', [{ text: ['from claude'] }]);
    const hurried = setup([openai, anthropic]);
    const events = await hurried.run({ primary: 'gpt-4o-mini', fallbacks: ['claude-3-haiku-20240307'] });
    expect(hurried.sleeps).to.deep.equal([]);
    expect(openai.calls).to.have.length(1);
    expect(textOf(events)).to.equal('from claude');
  });

  it('falls back to the next model on a non-retryable error, announcing only the model that answers', async () => {
    const openai = scripted('openai', [{ fail: failure('openai', 401) }]);
    const anthropic = scripted('anthropic', [{ text: ['from claude'] }]);
    const { run, sleeps } = setup([openai, anthropic]);
    const events = await run({ primary: 'gpt-4o-mini', fallbacks: ['claude-3-haiku-20240307'] });
    expect(openai.calls).to.have.length(1);
    expect(sleeps).to.deep.equal([]);
    expect(modelEvents(events)).to.have.length(1);
    const [announcement] = events;
    expect(announcement).to.deep.include({
      type: 'model',
      fallbackFrom: { model: 'gpt-4o-mini', error: '401 failed' },
    });
    expect(announcement?.type === 'model' && announcement.model.id).to.equal('claude-3-haiku-20240307');
    expect(announcement?.type === 'model' && announcement.reasoning).to.match(
      /^Fallback to claude-3-haiku-20240307: gpt-4o-mini failed/,
    );
    expect(textOf(events)).to.equal('from claude');
  });

  it('exhausts the retries of each model, then throws the last provider error', async () => {
    const openai = scripted('openai', [{ fail: failure('openai', 500) }]);
    const anthropic = scripted('anthropic', [{ fail: failure('anthropic', 529) }]);
    const { run, registry } = setup([openai, anthropic], { maxRetries: 1 });
    const error = await rejection(run({ primary: 'gpt-4o-mini', fallbacks: ['claude-3-haiku-20240307'] }));
    expect(error).to.be.instanceOf(ProviderError);
    expect(error).to.include({ provider: 'anthropic', status: 529 });
    expect(error.events).to.deep.equal([]);
    expect(openai.calls).to.have.length(2);
    expect(anthropic.calls).to.have.length(2);
    expect(registry.stats().summary).to.deep.include({ requests: 4, errors: 4 });
  });

  it('does not fall back when fallback is off', async () => {
    const openai = scripted('openai', [{ fail: failure('openai', 400) }]);
    const anthropic = scripted('anthropic', [{ text: ['unused'] }]);
    const { run } = setup([openai, anthropic]);
    const error = await rejection(
      run({ primary: 'gpt-4o-mini', fallbacks: ['claude-3-haiku-20240307'] }, { enableFallback: false }),
    );
    expect(error).to.include({ status: 400 });
    expect(anthropic.calls).to.have.length(0);
  });

  it('throws a failure after text has flowed to the caller, without retry or fallback', async () => {
    const openai = scripted('openai', [{ text: ['Once upon'], fail: failure('openai', undefined) }]);
    const anthropic = scripted('anthropic', [{ text: ['unused'] }]);
    const { run, sleeps, registry } = setup([openai, anthropic]);
    const error = await rejection(run({ primary: 'gpt-4o-mini', fallbacks: ['claude-3-haiku-20240307'] }));
    expect(error).to.be.instanceOf(ProviderError);
    expect(error.events.map((e: RouterEvent) => e.type)).to.deep.equal(['model', 'text']);
    expect(openai.calls).to.have.length(1);
    expect(anthropic.calls).to.have.length(0);
    expect(sleeps).to.deep.equal([]);
    // The partial reply still costs its tokens (estimated, since no usage arrived).
    expect(registry.stats().providers.openai).to.deep.include({
      errors: 1,
      outputTokens: Math.ceil('Once upon'.length / 4),
    });
  });

  it('skips a model whose provider circuit is open, saying so in the fallback announcement', async () => {
    const openai = scripted('openai', [{ text: ['unused'] }]);
    const anthropic = scripted('anthropic', [{ text: ['from claude'] }]);
    const { run, registry } = setup([openai, anthropic]);
    const mini = registry.find('gpt-4o-mini')!;
    for (let i = 0; i < 5; i++) {
      registry.record({
        model: mini,
        outcome: 'error',
        durationMs: 1,
        inputTokens: 0,
        outputTokens: 0,
        error: failure('openai', 500),
      });
    }
    const events = await run({ primary: 'gpt-4o-mini', fallbacks: ['claude-3-haiku-20240307'] });
    expect(openai.calls).to.have.length(0);
    expect(events[0]).to.deep.include({
      fallbackFrom: { model: 'gpt-4o-mini', error: 'openai circuit open' },
    });
  });

  it('is 503 "No healthy provider available" when every candidate’s circuit is open', async () => {
    const openai = scripted('openai', [{ text: ['unused'] }]);
    const { run, registry } = setup([openai]);
    const mini = registry.find('gpt-4o-mini')!;
    for (let i = 0; i < 5; i++) {
      registry.record({
        model: mini,
        outcome: 'error',
        durationMs: 1,
        inputTokens: 0,
        outputTokens: 0,
        error: failure('openai', 500),
      });
    }
    const error = await rejection(run({ primary: 'gpt-4o-mini', fallbacks: ['gpt-4o'] }));
    expect(error).to.be.instanceOf(UnavailableError);
    expect(error.detail).to.equal('No healthy provider available');
  });

  it('stops the retries when a circuit opens under them', async () => {
    const openai = scripted('openai', [{ fail: failure('openai', 500) }]);
    const { run, registry } = setup([openai], { maxRetries: 10 });
    await rejection(run({ primary: 'gpt-4o-mini' }));
    expect(openai.calls).to.have.length(5);
    expect(registry.health('openai').circuit).to.equal('open');
  });

  it('does not retry or blame the provider when the caller aborts mid-stream', async () => {
    const openai = scripted('openai', [{ text: ['a', 'b', 'c', 'd'], delayMs: 5 }]);
    const { registry } = setup([openai]);
    const controller = new AbortController();
    const reason = new Error('client went away');
    const router = createModelRouter({ registry, providers: new Map([['openai', openai]]), logger });
    const seen: RouterEvent[] = [];
    const error = await rejection(
      (async () => {
        const mini = registry.find('gpt-4o-mini')!;
        const selection = { primary: mini, fallbacks: [registry.find('gpt-4o')!], reasoning: 'test' };
        for await (const event of router.stream({
          selection,
          messages: [{ role: 'user', content: 'Hi' }],
          maxTokens: 10,
          signal: controller.signal,
        })) {
          seen.push(event);
          if (event.type === 'text') controller.abort(reason);
        }
      })(),
    );
    expect(error).to.equal(reason);
    expect(openai.calls).to.have.length(1);
    expect(registry.health('openai')).to.deep.include({ errors: 0, status: 'healthy' });
    expect(registry.stats().providers.openai).to.deep.include({ requests: 1, aborted: 1, errors: 0 });
  });

  it('gives up waiting for a retry as soon as the caller aborts', async () => {
    const openai = scripted('openai', [{ fail: failure('openai', 503) }]);
    const registry = createModelRegistry({
      catalog,
      available: ['openai'],
      metricsRegistry: new client.Registry(),
    });
    // A real sleep longer than the test timeout: only an abort that interrupts it lets this test pass.
    const router = createModelRouter({
      registry,
      providers: new Map([['openai', openai]]),
      logger,
      backoffMs: 60_000,
    });
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 20);
    const selection = { primary: registry.find('gpt-4o-mini')!, fallbacks: [], reasoning: 'test' };
    const error = await rejection(
      (async () => {
        for await (const _ of router.stream({
          selection,
          messages: [],
          maxTokens: 10,
          signal: controller.signal,
        }));
      })(),
    );
    expect(error).to.equal(reason);
  });

  it('closes the provider stream and records an abort when the consumer stops reading', async () => {
    const openai = scripted('openai', [{ text: ['a', 'b', 'c'] }]);
    const { registry } = setup([openai]);
    const router = createModelRouter({ registry, providers: new Map([['openai', openai]]), logger });
    const selection = { primary: registry.find('gpt-4o-mini')!, fallbacks: [], reasoning: 'test' };
    for await (const event of router.stream({
      selection,
      messages: [],
      maxTokens: 10,
      signal: new AbortController().signal,
    })) {
      if (event.type === 'text') break;
    }
    expect(openai.closedEarly).to.equal(1);
    expect(registry.stats().providers.openai).to.deep.include({ requests: 1, aborted: 1 });
  });

  it('estimates usage when a provider reports none, and measures first token and gaps', async () => {
    const openai = scripted('openai', [{ text: ['12345678', 'abcd', 'efgh'], usage: false, delayMs: 2 }]);
    const { run, registry, metricsRegistry } = setup([openai]);
    await run({ primary: 'gpt-4o-mini' });
    expect(registry.stats().providers.openai).to.deep.include({
      inputTokens: Math.ceil('You are Mu.\nHello'.length / 4),
      outputTokens: 4,
    });
    expect(registry.health('openai').timeToFirstTokenMs).to.be.greaterThan(0);
    const metrics = await metricsRegistry.metrics();
    expect(metrics).to.include(
      'gaia_chat_inter_token_gap_seconds_count{provider="openai",model="gpt-4o-mini"} 2',
    );
    expect(metrics).to.include(
      'gaia_chat_time_to_first_token_seconds_count{provider="openai",model="gpt-4o-mini"} 1',
    );
  });

  it('announces a model even for an empty reply', async () => {
    const { run } = setup([scripted('openai', [{ text: [], usage: false }])]);
    expect((await run({ primary: 'gpt-4o-mini' })).map((e) => e.type)).to.deep.equal(['model']);
  });

  it('fits the chat engine’s ports', async () => {
    const registry = createModelRegistry({
      catalog,
      available: ['offline'],
      metricsRegistry: new client.Registry(),
    });
    const offline = createOfflineProvider({ firstTokenDelayMs: 0, tokenDelayMs: 0 });
    const selector: ModelSelector<ModelEntry> = registry;
    const streamer: ModelStreamer<ModelEntry> = createModelRouter({
      registry,
      providers: new Map([['offline', offline]]),
      logger,
    });
    const events: RouterEvent[] = [];
    const selection = selector.select({});
    for await (const event of streamer.stream({
      selection,
      messages: [{ role: 'user', content: 'Hi' }],
      maxTokens: 5,
      signal: new AbortController().signal,
    })) {
      events.push(event);
    }
    expect(events[0]).to.deep.include({ type: 'model', reasoning: selection.reasoning });
    expect(events.filter((e) => e.type === 'text')).to.have.length(5);
  });
});
