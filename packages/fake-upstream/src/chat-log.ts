import type { IncomingHttpHeaders } from 'node:http';
import type { Upstream } from './upstream.js';

/** Records kept per chat upstream; older ones are dropped so a long load run stays small. */
const MAX_RECORDED_REQUESTS = 1000;

/** A message as the client sent it; only `role` is checked. */
export type RecordedMessage = { role: string } & Record<string, unknown>;

/** One generation request as the fake provider received it (after authentication and validation). */
export interface ChatRequestRecord {
  model: string;
  stream: boolean;
  /**
   * The system prompt as the provider sees it. OpenAI: the text of the `system` and `developer` messages,
   * joined by newlines; Anthropic: the text of the top-level `system`. Undefined when there is none.
   */
  system: string | undefined;
  messages: RecordedMessage[];
  /** The whole JSON body, for parameters not lifted out above. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** Prompt tokens reported in `usage` (estimated from all message text, system prompt included). */
  inputTokens: number;
  /** Output tokens of the reply, as reported in `usage` when it completes. */
  outputTokens: number;
  /** True when the client closed the connection before the reply was complete. */
  aborted: boolean;
}

/** What a chat upstream (OpenAI, Anthropic) received and how its clients behaved. */
export interface ChatUpstreamState {
  /** The latest requests, oldest first (at most 1000). Mutable: tests may empty it. */
  requests: ChatRequestRecord[];
  /** Replies whose client closed the connection before they were complete. */
  clientDisconnects: number;
}

/**
 * Fresh, empty chat upstream state.
 * @example const state = createChatState(); recordChatRequest(state, record);
 */
export function createChatState(): ChatUpstreamState {
  return { requests: [], clientDisconnects: 0 };
}

/**
 * Appends a request record, dropping the oldest beyond the limit, and returns it for later updates.
 * @example const record = recordChatRequest(state, { model, stream, ..., aborted: false });
 */
export function recordChatRequest(state: ChatUpstreamState, record: ChatRequestRecord): ChatRequestRecord {
  state.requests.push(record);
  if (state.requests.length > MAX_RECORDED_REQUESTS) state.requests.shift();
  return record;
}

/**
 * Notes that the client of `record` went away mid-reply.
 * @example paceReply({ ..., onClientDisconnect: () => recordClientDisconnect(state, record) });
 */
export function recordClientDisconnect(state: ChatUpstreamState, record: ChatRequestRecord): void {
  record.aborted = true;
  state.clientDisconnects += 1;
}

/** An upstream that generates chat replies and records what it received. */
export interface ChatUpstream extends Upstream {
  readonly state: ChatUpstreamState;
}
