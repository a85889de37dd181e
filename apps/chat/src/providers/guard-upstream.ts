import { ProviderError, type ProviderChunk, type ProviderId } from './provider.js';

export interface GuardUpstreamOptions {
  provider: ProviderId;
  /** The caller's signal: when it aborts, the upstream request is cancelled and its reason is thrown. */
  signal: AbortSignal;
  /** Longest wait for the upstream's next chunk (the first one included) before the attempt fails. */
  idleTimeoutMs: number;
  /** Opens the upstream stream; it must cancel the request when `signal` aborts. */
  open: (signal: AbortSignal) => AsyncIterable<ProviderChunk>;
  translateError: (error: unknown) => ProviderError;
}

/**
 * Runs an SDK stream with what every network adapter needs: cancellation of the upstream request when
 * the caller aborts or stops reading, a retryable ProviderError when the upstream stalls for
 * `idleTimeoutMs` (time spent in the consumer does not count), and SDK errors translated once.
 * @example return guardUpstream({ provider: 'openai', signal, idleTimeoutMs, open: (s) => chunks(s), translateError });
 */
export async function* guardUpstream(options: GuardUpstreamOptions): AsyncGenerator<ProviderChunk> {
  const { provider, signal, idleTimeoutMs } = options;
  signal.throwIfAborted();
  const attempt = new AbortController();
  const cancel = () => attempt.abort(signal.reason);
  signal.addEventListener('abort', cancel, { once: true });
  let stalled = false;
  let consuming = false;
  // One timer, restarted per chunk (cheaper than a new one per chunk); it never fires on the
  // consumer's time, so a slow consumer is not mistaken for a stalled upstream.
  const timer = setTimeout(() => {
    if (consuming) {
      timer.refresh();
      return;
    }
    stalled = true;
    attempt.abort(new Error('upstream stalled'));
  }, idleTimeoutMs);
  /** Why the stream stopped when we stopped it: the caller's abort reason, or a stall. */
  const interruption = (cause?: unknown): unknown => {
    if (signal.aborted) return signal.reason;
    if (!stalled) return undefined;
    return new ProviderError(provider, `${provider} sent nothing for ${idleTimeoutMs} ms`, {
      retryable: true,
      cause,
    });
  };
  let finished = false;
  try {
    for await (const chunk of options.open(attempt.signal)) {
      consuming = true;
      yield chunk;
      consuming = false;
      timer.refresh();
    }
    finished = true;
  } catch (error) {
    throw interruption(error) ?? options.translateError(error);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', cancel);
    // Cancels the upstream request when the consumer stopped reading early (an abort costs a
    // DOMException, so not after a complete reply).
    if (!finished) attempt.abort();
  }
  // The SDKs end a stream quietly when its signal aborts; that must not look like a complete reply.
  const reason = interruption();
  if (reason !== undefined) throw reason;
}
