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
  TlsConfig,
  WsConfig,
  ResolvedTlsConfig,
  ResolvedWsConfig,
} from './config-types.js';
export { DEFAULT_IDENTITY_USER, defaultIdentityUri } from './identity.js';
export { DEFAULT_USER_AGENT, SIPLINE_VERSION } from './version.js';
export { SessionEngine } from './session-engine.js';
export type { IncomingSessionHandler, SessionEngineEvents, SessionEngineOptions } from './session-engine.js';
export type { EngineCounters } from './engine-counters.js';
export { Session } from './session.js';
// Call control (issue 6): hold/resume errors and RFC 4028 session-timer configuration.
export { ReinviteFailedError } from './call-control-errors.js';
export type { RenegotiationOperation } from './call-control-errors.js';
export { SESSION_TIMER_DEFAULTS } from './session-timer-config.js';
export type { ResolvedSessionTimers, SessionTimersConfig } from './session-timer-config.js';
export type { HoldInitiator } from './call-control.js';
export { TransferCoordinator, replacedSessionOf } from './transfer-coordinator.js';
export type { TransferCallListener, TransferRequestHandler } from './transfer-coordinator.js';
export type {
  TransferDecision, TransferOptions, TransferOutcome, TransferProgressEvent, TransferRequestInfo, TransferResult,
} from './transfer-types.js';
export type {
  AnswerOptions,
  OutboundCallOptions,
  RecordingHandle,
  ResponseHeadersOptions,
  SessionDirection,
  SessionDtmfEvent,
  SessionDtmfOptions,
  SessionEarlyMediaEvent,
  SessionEnd,
  SessionEvents,
  SessionHoldEvent,
  SessionIdentity,
  SessionMediaEvent,
} from './session-types.js';
export type { MediaInfo, MediaStats } from './media-pipeline.js';
// Raw RTP access to a session's media, for src/advanced/ bridges. @internal
export { MediaTap, mediaTapOf } from './media-tap.js';
export type { MediaTapEvents, MediaTapStats, TapCodec, TappedPacket } from './media-tap.js';
export { failureReason } from './outbound-flow.js';
export { DtmfSendError } from './dtmf-error.js';
export { DTMF_METHODS, RELIABLE_PROVISIONAL_MODES } from './config-choice.js';
export type { DtmfMethod, ReliableProvisionalMode } from './config-types.js';
export { SRTP_MODES, SRTP_SUITES } from './config-srtp.js';
export type { SrtpMode, SrtpSuiteName } from './config-types.js';
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
// Observability: quality alerts, RTP timeout, SIP traces, correlation ids (docs/observability.md).
export type { QualityEvent, QualityMetric, QualitySample } from './quality-monitor.js';
export type { MediaTimeoutEvent } from './rtp-timeout.js';
export type { SipTrace, TraceDirection, TraceEntry } from './call-trace.js';
export type { CorrelationConfig, QualityConfig, RtpTimeoutAction, TraceConfig } from './config-types.js';
export { RTP_TIMEOUT_REASON } from './session-observer.js';
export { OBSERVABILITY_DEFAULTS } from './config-observability.js';
// Registration and digest authentication (issue 8, docs/registration.md).
export { RegistrationAgent } from './registration-agent.js';
export type {
  RegistrationOptions, RegistrationEvents, RegistrationState, RegisteredInfo, RegistrationFailure, UnregisteredInfo, RegistrationRetry,
} from './registration-agent.js';
export type {
  AuthenticateConfig, AuthLookupResult, CredentialsConfig, AuthPassword, AuthHa1, AuthAlgorithm, AuthRateLimit,
} from './config-auth.js';
export { EngineHooks } from './engine-hooks.js';
export type { OutOfDialogHandler, TargetResolver, HookRegistration } from './engine-hooks.js';
export { authenticatedUserOf, digestServerFor, digestRequestOf, refusalOf, toDigestSecret } from './auth-guard.js';
export { AuthenticationFailedError } from '../dialog/index.js';
export type { AuthFailureReason } from '../dialog/index.js';
// Resource tracking (issue 7): the engine enforces limits.maxSessions with it; sipline/advanced re-exports it.
export { ResourceTracker } from './resource-tracker.js';
export type {
  AllocationResult, ResourceHandle, ResourceKind, ResourceLimit, ResourceTrackerEvents, ResourceTrackerOptions, ResourceUsage,
} from './resource-tracker.js';
export { ResourceLimitError } from './resource-limit-error.js';
