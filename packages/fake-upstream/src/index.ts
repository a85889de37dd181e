export {
  createFakeUpstream,
  startFakeUpstream,
  type FakeUpstreamApp,
  type FakeUpstreamOptions,
  type FakeUpstreamState,
  type RunningFakeUpstream,
  type StartFakeUpstreamOptions,
} from './server.js';
export {
  DEFAULT_KNOBS,
  FAULTS,
  InvalidKnobError,
  KNOB_HEADERS,
  STREAM_FAULTS,
  type Fault,
  type Knobs,
  type StreamFault,
} from './knobs.js';
export { TOKENS_BEFORE_STREAM_FAULT } from './token-pacer.js';
export { DEFAULT_GOTRUE_JWT_SECRET, type GoTrueOptions } from './gotrue.js';
export { DEFAULT_OPENAI_MODELS, type OpenAiOptions } from './openai.js';
export { DEFAULT_ANTHROPIC_MODELS, type AnthropicOptions } from './anthropic.js';
export { estimateTokens, replyTokens } from './chat-text.js';
export type { ChatRequestRecord, ChatUpstreamState, RecordedMessage } from './chat-log.js';
export type {
  GoTrueIdentity,
  GoTrueSession,
  GoTrueStore,
  GoTrueUser,
  GoTrueUserRecord,
} from './gotrue-store.js';
export type { AccessTokenClaims } from './gotrue-tokens.js';
export type { RecordedRequest, RequestLog } from './request-log.js';
export type { Upstream } from './upstream.js';
