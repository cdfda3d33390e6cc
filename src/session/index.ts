/**
 * The session layer: the session state machine, typed end reasons, and the validated
 * configuration of a session manager, the session engine (registry, limits, counters) and the
 * `Session`, which joins a dialog to its media. Internal: `api` builds on it.
 *
 * @packageDocumentation
 */
export { SessionState, SESSION_STATES, SESSION_TRANSITIONS, isSessionState, isValidTransition, isEstablishedState } from './session-state.js';
export { SessionStateMachine } from './state-machine.js';
export type {
  EndingState,
  LiveState,
  SessionStateChange,
  SessionStateMachineEvents,
  SessionStateMachineOptions,
  TransitionDetails,
} from './state-machine.js';
export { END_REASONS, PROGRESS_REASONS, endReasonFromStatus, isEndReason, isProgressReason } from './end-reason.js';
export type { EndReason, ProgressReason, StateChangeReason } from './end-reason.js';
export { CallFailedError, ConfigError, SessionStateError } from './errors.js';
export { CONFIG_DEFAULTS, resolveConfig } from './config.js';
export { DEFAULT_RETRY_AFTER_SECONDS, SUPPORTED_CODECS, SUPPORTED_TRANSPORTS } from './config-types.js';
export type {
  CloseConfig,
  CodecName,
  CodecNameInput,
  Identity,
  IdentityInput,
  LimitsConfig,
  MediaConfig,
  OverloadResponse,
  OverloadResponseInput,
  PortRange,
  PortRangeInput,
  PublicAddress,
  PublicAddressInput,
  ResolvedConfig,
  SessionManagerConfig,
  SipConfig,
  SipLimitsConfig,
  TimersConfig,
  TransportName,
  TransportNameInput,
} from './config-types.js';
export { DEFAULT_IDENTITY_USER, defaultIdentityUri } from './identity.js';
export { DEFAULT_USER_AGENT, SIPLINE_VERSION } from './version.js';
export { SessionEngine } from './session-engine.js';
export type { IncomingSessionHandler, SessionEngineEvents, SessionEngineOptions } from './session-engine.js';
export type { EngineCounters } from './engine-counters.js';
export { Session } from './session.js';
export type {
  AnswerOptions,
  OutboundCallOptions,
  RecordingHandle,
  ResponseHeadersOptions,
  SessionDirection,
  SessionDtmfEvent,
  SessionEnd,
  SessionEvents,
  SessionIdentity,
  SessionMediaEvent,
} from './session-types.js';
export type { MediaInfo, MediaStats } from './media-pipeline.js';
export { failureReason } from './outbound-flow.js';
// Audio sources and sinks that sessions play and record, re-exported so the api layer needs
// only this door (DESIGN.md: `api` builds on `session`).
export {
  PcmStreamSink, PcmStreamSource, SilenceSource, ToneSource, WavFileSource, WavFormatError, WavRecorderSink,
} from '../media/index.js';
export type {
  AudioSink, AudioSource, PcmStreamSinkOptions, WavData, PcmStreamSourceOptions, ToneOptions, WavRecorderOptions,
  WavSourceOptions,
} from '../media/index.js';
// Socket-level failures an application can see (a port already in use, a refused connection).
export { TransportError } from '../transport/index.js';
export type { TransportErrorCode } from '../transport/index.js';
