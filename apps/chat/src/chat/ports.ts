import type { ChatTurn, ProviderChunk, ProviderId } from '../providers/provider.js';
import type { SelectionRequest } from '../registry/model-selection.js';

export type { SelectionRequest };

/** What the chat engine needs of its collaborators; the registry, router and stores implement these. */

export interface ModelRef {
  id: string;
  provider: ProviderId;
  pricing: { input_per_million: number; output_per_million: number };
}

export interface Selection<M extends ModelRef = ModelRef> {
  primary: M;
  fallbacks: M[];
  reasoning: string;
}

export type RouterEvent<M extends ModelRef = ModelRef> =
  | { type: 'model'; model: M; reasoning: string; fallbackFrom?: { model: string; error: string } }
  | ProviderChunk;

export interface ModelSelector<M extends ModelRef = ModelRef> {
  select(request: SelectionRequest): Selection<M>;
}

export interface ModelStreamer<M extends ModelRef = ModelRef> {
  stream(request: {
    selection: Selection<M>;
    system?: string | undefined;
    messages: ChatTurn[];
    maxTokens: number;
    temperature?: number | undefined;
    signal: AbortSignal;
    enableFallback?: boolean;
    /** False when only the whole reply is needed (the provider may skip streaming). */
    stream?: boolean;
  }): AsyncGenerator<RouterEvent<M>>;
}

/** The three history stores of the original, one table now: which one a route reads and appends. */
export type Channel = 'v1' | 'v0.2' | 'stream';

export interface HistoryStore {
  history(userId: string, channel: Channel, options?: { limit?: number }): Promise<ChatTurn[]>;
  append(
    userId: string,
    channel: Channel,
    turns: (ChatTurn & { model?: string; provider?: string })[],
  ): Promise<unknown>;
}

export interface SystemPrompts {
  systemPromptFor(userId: string): Promise<string>;
}

export interface UsageEntry {
  userId: string;
  apiKeyId: string | null;
  provider: string;
  model: string;
  operation: string;
  inputTokens: number;
  outputTokens: number;
  costMicroUsd: bigint;
  latencyMs: number | null;
  ttftMs: number | null;
  status: 'ok' | 'error' | 'aborted';
  requestId: string | null;
}

export interface UsageSink {
  record(entry: UsageEntry): void;
}
