export {
  createFakeUpstream,
  startFakeUpstream,
  type FakeUpstreamApp,
  type FakeUpstreamOptions,
  type FakeUpstreamState,
  type RunningFakeUpstream,
  type StartFakeUpstreamOptions,
} from './server.js';
export { DEFAULT_KNOBS, FAULTS, InvalidKnobError, KNOB_HEADERS, type Fault, type Knobs } from './knobs.js';
export { DEFAULT_GOTRUE_JWT_SECRET, type GoTrueOptions } from './gotrue.js';
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
