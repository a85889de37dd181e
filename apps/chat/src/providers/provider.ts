/** The provider ids; each is also its folder under providers/ and its value in config. */
export const providerIds = ['openai', 'anthropic', 'offline'] as const;
export type ProviderId = (typeof providerIds)[number];

/** One turn of the conversation sent to a provider (the persona goes in `system`, never here). */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface ProviderRequest {
  /** The model id as the provider knows it. */
  model: string;
  /** The persona's system prompt; every adapter delivers it the way its API expects. */
  system?: string | undefined;
  messages: ChatTurn[];
  maxTokens: number;
  temperature?: number | undefined;
  /** Aborted when the client goes away: the adapter must cancel the upstream request. */
  signal: AbortSignal;
  /**
   * False when the caller needs only the whole reply: the adapter may then ask for one unstreamed
   * response and yield it as a single text chunk (far less work per reply). Default true.
   */
  stream?: boolean | undefined;
}

/** What a provider stream yields: text deltas as they arrive, and token usage once known. */
export type ProviderChunk =
  { type: 'text'; text: string } | { type: 'usage'; inputTokens: number; outputTokens: number };

/**
 * A chat provider adapter: turns its SDK's stream and errors into Gaia's chunks and ProviderError.
 * The streaming path, usage settlement and fallback call only this interface.
 */
export interface ChatProvider {
  readonly id: ProviderId;
  /** Streams a reply. Throws ProviderError, before the first chunk or mid-stream. */
  stream(request: ProviderRequest): AsyncIterable<ProviderChunk>;
}

/** A provider failure, translated once inside the adapter (status and retry hints kept). */
export class ProviderError extends Error {
  readonly provider: ProviderId;
  /** Upstream HTTP status, when there was one. */
  readonly status: number | undefined;
  /** Worth retrying on this provider (429, 5xx, connection errors). */
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    provider: ProviderId,
    message: string,
    details: {
      status?: number | undefined;
      retryable: boolean;
      retryAfterMs?: number | undefined;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
    this.name = 'ProviderError';
    this.provider = provider;
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }
}
