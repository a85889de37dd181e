import { setTimeout as delay } from 'node:timers/promises';
import { UnavailableError, type Logger } from '@gaia/platform';
import {
  ProviderError,
  type ChatProvider,
  type ChatTurn,
  type ProviderChunk,
  type ProviderId,
} from '../providers/provider.js';
import { estimateTokens } from '../providers/token-estimate.js';
import type { ModelEntry } from '../registry/model-catalog.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { Selection } from '../registry/model-selection.js';

/** Announces the model that answers, before its first chunk; `fallbackFrom` names the one that failed. */
export interface ModelEvent {
  type: 'model';
  model: ModelEntry;
  reasoning: string;
  fallbackFrom?: { model: string; error: string };
}

export type RouterEvent = ModelEvent | ProviderChunk;

export interface RouterStreamRequest {
  selection: Selection;
  system?: string | undefined;
  messages: ChatTurn[];
  maxTokens: number;
  temperature?: number | undefined;
  signal: AbortSignal;
  /** Try `selection.fallbacks` when the primary fails; default true. */
  enableFallback?: boolean | undefined;
  /** See ProviderRequest.stream. */
  stream?: boolean | undefined;
}

export interface ModelRouterOptions {
  registry: Pick<ModelRegistry, 'admit' | 'record'>;
  providers: ReadonlyMap<ProviderId, ChatProvider>;
  logger: Logger;
  /** Retries per model on retryable errors, before any text was sent. */
  maxRetries?: number;
  /** First backoff; doubles per retry, with jitter. */
  backoffMs?: number;
  /** Longest wait before a retry; a Retry-After beyond it moves on to the next model instead. */
  maxRetryDelayMs?: number;
  /** Injected by tests; must reject when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

type AttemptResult = { ok: true } | { ok: false; error: ProviderError };

const sleepUnlessAborted = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal });

/**
 * Streams a reply from the selected model, with retries (exponential backoff and jitter, Retry-After
 * honoured) while no text has been sent, models skipped while their provider's circuit is open, and
 * fallback to the next model. The first event is always the `model` event of the model that really
 * answers. Every attempt is recorded in the registry; an abort is neither retried nor counted as a
 * provider error. Once text has flowed, a failure is thrown to the caller as a ProviderError.
 * @example for await (const event of router.stream({ selection: registry.select({}), messages, maxTokens: 2000, signal })) { ... }
 */
export function createModelRouter(options: ModelRouterOptions) {
  const { registry, providers, logger } = options;
  const { maxRetries = 2, backoffMs = 200, maxRetryDelayMs = 5000, sleep = sleepUnlessAborted } = options;

  /** The wait before retry number `retry` (0-based), or undefined when the error should not be retried here. */
  function retryDelay(error: ProviderError, retry: number): number | undefined {
    if (!error.retryable || retry >= maxRetries) return undefined;
    const backoff = backoffMs * 2 ** retry;
    const jittered = backoff / 2 + (Math.random() * backoff) / 2;
    if (error.retryAfterMs === undefined) return Math.min(jittered, maxRetryDelayMs);
    return error.retryAfterMs > maxRetryDelayMs ? undefined : Math.max(jittered, error.retryAfterMs);
  }

  /** One call to one model: yields its announcement and chunks once the first chunk arrives. */
  async function* attempt(
    model: ModelEntry,
    provider: ChatProvider,
    request: RouterStreamRequest,
    announcement: ModelEvent,
  ): AsyncGenerator<RouterEvent, AttemptResult> {
    const { signal } = request;
    const started = performance.now();
    let firstTextAt: number | undefined;
    let lastTextAt = 0;
    const gaps: number[] = [];
    let text = '';
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    let announced = false;
    let outcome: 'success' | 'error' | 'aborted' = 'aborted';
    let failure: ProviderError | undefined;
    try {
      const chunks = provider.stream({
        model: model.upstream_model,
        system: request.system,
        messages: request.messages,
        maxTokens: Math.min(request.maxTokens, model.max_output_tokens),
        temperature: request.temperature,
        signal,
        stream: request.stream,
      });
      for await (const chunk of chunks) {
        if (chunk.type === 'text' && chunk.text) {
          const now = performance.now();
          if (firstTextAt === undefined) firstTextAt = now;
          else gaps.push(now - lastTextAt);
          lastTextAt = now;
          text += chunk.text;
        }
        if (chunk.type === 'usage') usage = chunk;
        if (!announced) {
          announced = true;
          yield announcement;
        }
        yield chunk;
      }
      // An empty reply still announces who gave it.
      if (!announced) yield announcement;
      outcome = 'success';
      return { ok: true };
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      outcome = 'error';
      failure =
        error instanceof ProviderError
          ? error
          : new ProviderError(model.provider, error instanceof Error ? error.message : String(error), {
              retryable: false,
              cause: error,
            });
      if (announced) throw failure;
      return { ok: false, error: failure };
    } finally {
      registry.record({
        model,
        outcome,
        durationMs: performance.now() - started,
        timeToFirstTokenMs: firstTextAt === undefined ? undefined : firstTextAt - started,
        interTokenGapsMs: gaps,
        // Without a usage chunk (failure, abort, or a server that sends none) tokens are estimated, so
        // interrupted streams still cost what they consumed.
        inputTokens:
          usage?.inputTokens ??
          estimateTokens([request.system ?? '', ...request.messages.map((turn) => turn.content)].join('\n')),
        outputTokens: usage?.outputTokens ?? estimateTokens(text),
        error: failure,
      });
    }
  }

  async function* stream(request: RouterStreamRequest): AsyncGenerator<RouterEvent> {
    const { selection, signal, enableFallback = true } = request;
    const candidates = enableFallback ? [selection.primary, ...selection.fallbacks] : [selection.primary];
    let previous: { model: string; error: string } | undefined;
    let lastError: ProviderError | undefined;

    for (const model of candidates) {
      const provider = providers.get(model.provider);
      if (!provider) continue;
      const announcement: ModelEvent = previous
        ? {
            type: 'model',
            model,
            reasoning: `Fallback to ${model.id}: ${previous.model} failed (${previous.error})`,
            fallbackFrom: previous,
          }
        : { type: 'model', model, reasoning: selection.reasoning };
      let failure = `${model.provider} circuit open`;
      for (let retry = 0; ; retry++) {
        signal.throwIfAborted();
        if (!registry.admit(model.provider)) {
          logger.warn('model skipped: provider circuit open', { provider: model.provider, model: model.id });
          break;
        }
        const result = yield* attempt(model, provider, request, announcement);
        if (result.ok) return;
        lastError = result.error;
        failure = result.error.message;
        const wait = retryDelay(result.error, retry);
        logger.warn('provider attempt failed', {
          provider: model.provider,
          model: model.id,
          attempt: retry + 1,
          status: result.error.status,
          retryable: result.error.retryable,
          retry_in_ms: wait === undefined ? null : Math.round(wait),
          error: result.error.message,
        });
        if (wait === undefined) break;
        try {
          await sleep(wait, signal);
        } catch (error) {
          throw signal.aborted ? signal.reason : error;
        }
      }
      previous = { model: model.id, error: failure };
    }
    throw lastError ?? new UnavailableError('No healthy provider available');
  }

  return { stream };
}

export type ModelRouter = ReturnType<typeof createModelRouter>;
