import { createHash, randomUUID } from 'node:crypto';
import { chatMessageCompleted, chatMessageDelta, chatMessageStarted } from '@gaia/contracts';
import type { Bus, Logger } from '@gaia/platform';
import type { ChatTurn } from '../providers/provider.js';
import { estimateTokens } from '../providers/token-estimate.js';
import { priceMicroUsd } from '../registry/model-catalog.js';
import type {
  Channel,
  HistoryStore,
  ModelRef,
  ModelSelector,
  ModelStreamer,
  SelectionRequest,
  SystemPrompts,
  UsageSink,
} from './ports.js';
import type { ChatMetrics } from './chat-metrics.js';

export interface ChatCaller {
  userId: string;
  apiKeyId: string | null;
  requestId: string;
}

export interface ChatRun {
  caller: ChatCaller;
  selection: SelectionRequest;
  /** History to read before and append to after the reply; null for stateless (SDK-compatible) requests. */
  channel: Channel | null;
  /** The new turns: the user's message, or the whole conversation of a stateless request. */
  messages: ChatTurn[];
  /** An explicit system prompt (SDK requests); otherwise the caller's current persona is used. */
  system?: string | undefined;
  maxTokens: number;
  temperature?: number | undefined;
  enableFallback: boolean;
  signal: AbortSignal;
}

export interface ChatResult {
  text: string;
  model: string;
  provider: string;
  inputTokens: number;
  outputTokens: number;
  fallbackUsed: boolean;
  responseTimeMs: number;
}

export type ChatEvent<M extends ModelRef = ModelRef> =
  | { type: 'ready'; fetchMs: number }
  | { type: 'model'; model: M; reasoning: string; fallbackFrom?: { model: string; error: string } }
  | { type: 'text'; text: string }
  | { type: 'done'; result: ChatResult };

export interface ChatEngineDeps<M extends ModelRef> {
  selector: ModelSelector<M>;
  router: ModelStreamer<M>;
  personas: SystemPrompts;
  history: HistoryStore;
  usage: UsageSink;
  bus: Bus;
  metrics: ChatMetrics;
  logger: Logger;
  /** How often buffered text is published as one `delta` event. */
  deltaIntervalMs?: number;
}

const HISTORY_LIMIT = 50;
const SUBJECT_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** Runs a reply to the end; returns the result and the selection's reasoning. */
async function collectReply(
  events: AsyncIterable<ChatEvent>,
): Promise<{ result: ChatResult; reasoning: string }> {
  let reasoning = '';
  for await (const event of events) {
    if (event.type === 'model') reasoning = event.reasoning;
    if (event.type === 'done') return { result: event.result, reasoning };
  }
  throw new Error('reply ended without a result');
}

/** Subject-safe, stable id of a caller's conversation in one channel (live listeners subscribe to it). */
export function conversationKey(userId: string, channel: Channel | null, requestId: string): string {
  // Request ids are UUIDs unless the client sent its own, which may hold subject wildcards or dots.
  if (!channel)
    return `req-${SUBJECT_TOKEN.test(requestId) ? requestId : createHash('sha256').update(requestId).digest('hex').slice(0, 24)}`;
  return `${channel.replace('.', '')}-${createHash('sha256').update(userId).digest('hex').slice(0, 24)}`;
}

/**
 * One chat reply from request to settlement: persona and history, model selection, the provider
 * stream through the router (retries, fallback), then history, usage and bus events for whatever was
 * produced — including when the client went away mid-stream.
 * @example for await (const event of engine.stream(run)) if (event.type === 'text') res.write(event.text);
 */
export function createChatEngine<M extends ModelRef>(deps: ChatEngineDeps<M>) {
  const { selector, router, personas, history, usage, bus, metrics, logger } = deps;
  const deltaIntervalMs = deps.deltaIntervalMs ?? 100;

  async function* events(run: ChatRun, streamed: boolean): AsyncGenerator<ChatEvent<M>> {
    const started = performance.now();
    const { caller, channel } = run;
    const selection = selector.select(run.selection);
    const [system, earlier] = await Promise.all([
      run.system ?? personas.systemPromptFor(caller.userId),
      channel ? history.history(caller.userId, channel, { limit: HISTORY_LIMIT }) : Promise.resolve([]),
    ]);
    yield { type: 'ready', fetchMs: performance.now() - started };

    const conversationId = conversationKey(caller.userId, channel, caller.requestId);
    const messageId = randomUUID();
    const base = { conversation_id: conversationId, user_id: caller.userId, message_id: messageId };
    const publish = (promise: Promise<void>) =>
      promise.catch((error: unknown) => logger.warn('chat event not published', { error: String(error) }));

    let model: M | undefined;
    let text = '';
    let pending = '';
    let sequence = 0;
    let inputTokens: number | undefined;
    let outputTokens: number | undefined;
    let firstTokenAt: number | undefined;
    let fallbackUsed = false;
    let status: 'ok' | 'error' | 'aborted' = 'error';
    let failure: string | null = null;
    const settled = { inputTokens: 0, outputTokens: 0 };
    const flushDelta = () => {
      if (!pending) return;
      const chunk = pending;
      pending = '';
      void publish(
        bus.publish(chatMessageDelta.at(conversationId), {
          ...base,
          text: chunk,
          sequence: sequence++,
          timestamp: new Date().toISOString(),
        }),
      );
    };
    const deltaTimer = setInterval(flushDelta, deltaIntervalMs);

    metrics.streamsInFlight.inc();
    try {
      for await (const event of router.stream({
        selection,
        system,
        messages: [...earlier, ...run.messages],
        maxTokens: run.maxTokens,
        temperature: run.temperature,
        signal: run.signal,
        enableFallback: run.enableFallback,
        stream: streamed,
      })) {
        if (event.type === 'model') {
          fallbackUsed ||= model !== undefined || event.fallbackFrom !== undefined;
          model = event.model;
          void publish(
            bus.publish(chatMessageStarted.at(conversationId), {
              ...base,
              model: model.id,
              provider: model.provider,
              timestamp: new Date().toISOString(),
            }),
          );
          yield event;
        } else if (event.type === 'text') {
          if (!event.text) continue;
          firstTokenAt ??= performance.now();
          text += event.text;
          pending += event.text;
          yield event;
        } else {
          inputTokens = event.inputTokens;
          outputTokens = event.outputTokens;
        }
      }
      status = 'ok';
    } catch (error) {
      status = run.signal.aborted ? 'aborted' : 'error';
      failure = error instanceof Error ? error.message : String(error);
      throw error;
    } finally {
      clearInterval(deltaTimer);
      flushDelta();
      metrics.streamsInFlight.dec();
      settled.inputTokens =
        inputTokens ??
        estimateTokens([system, ...[...earlier, ...run.messages].map((t) => t.content)].join('\n'));
      settled.outputTokens = outputTokens ?? estimateTokens(text);
      const elapsedMs = Math.round(performance.now() - started);
      if (model) {
        usage.record({
          userId: caller.userId,
          apiKeyId: caller.apiKeyId,
          provider: model.provider,
          model: model.id,
          operation: 'chat',
          inputTokens: settled.inputTokens,
          outputTokens: settled.outputTokens,
          costMicroUsd: BigInt(priceMicroUsd(model, settled.inputTokens, settled.outputTokens)),
          latencyMs: elapsedMs,
          ttftMs: firstTokenAt === undefined ? null : Math.round(firstTokenAt - started),
          status,
          requestId: caller.requestId,
        });
      }
      void publish(
        bus.publish(chatMessageCompleted.at(conversationId), {
          ...base,
          status,
          model: model?.id ?? null,
          provider: model?.provider ?? null,
          input_tokens: settled.inputTokens,
          output_tokens: settled.outputTokens,
          error: failure,
          timestamp: new Date().toISOString(),
        }),
      );
    }

    if (channel && model) {
      const turns = [...run.messages];
      if (text.trim()) turns.push({ role: 'assistant', content: text });
      await history.append(
        caller.userId,
        channel,
        turns.map((turn) => ({ ...turn, model: model.id, provider: model.provider })),
      );
    }
    yield {
      type: 'done',
      result: {
        text,
        model: model!.id,
        provider: model!.provider,
        inputTokens: settled.inputTokens,
        outputTokens: settled.outputTokens,
        fallbackUsed,
        responseTimeMs: Math.round(performance.now() - started),
      },
    };
  }

  return {
    /** The reply as it is produced, for streaming answers. */
    stream: (run: ChatRun) => events(run, true),
    /** The whole reply and the selection's reasoning, for JSON answers; the provider may skip streaming. */
    reply: (run: ChatRun) => collectReply(events(run, false)),
  };
}

export type ChatEngine<M extends ModelRef = ModelRef> = ReturnType<typeof createChatEngine<M>>;
