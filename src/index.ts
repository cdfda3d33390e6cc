/**
 * sipline: SIP voice calls in pure Node.js, as easy as an HTTP server.
 *
 * ```ts
 * import { SessionManager } from 'sipline';
 *
 * const manager = await SessionManager.new({ sip: { port: 5060 } });
 * manager.setCallHandler({ onIncomingCall: (call) => call.answer() });
 * ```
 *
 * Every export is listed by name below; everything else in the package is internal.
 *
 * @packageDocumentation
 */

// The manager, calls and the application's handler.
/** Listens for SIP calls and places them; the entry point of sipline. */
export { SessionManager } from './api/index.js';
/** Events of a {@link SessionManager}: `session`, `error`, `close`. */
export type { SessionManagerEvents } from './api/index.js';
/** One call, incoming or outgoing. */
export { CallSession } from './api/index.js';
/** Events of a {@link CallSession}: `state`, `ended`, `media`, `dtmf`. */
export type { CallSessionEvents } from './api/index.js';
/** A recording started by {@link CallSession.record}. */
export type { Recording } from './api/index.js';
/** A call someone is making to us, waiting for a decision. */
export { IncomingCall } from './api/index.js';
/** `pending`, `answered` or `rejected`. */
export type { IncomingCallDecision } from './api/index.js';
/** The application's call logic: optional methods called by the manager. */
export type { CallHandler } from './api/index.js';
/** Call transfer (RFC 3515 REFER, RFC 3891 Replaces): an incoming REFER, and the result and steps of `transfer()`. */
export { TransferRequest } from './api/index.js';
export type {
  TransferOptions, TransferOutcome, TransferProgressEvent, TransferRequestDecision, TransferResult,
} from './api/index.js';

// Plain data types of calls.
export type {
  AnswerOptions,
  CallCounters,
  CallDirection,
  CallParty,
  CallStats,
  DtmfEvent,
  DtmfOptions,
  EarlyMediaEvent,
  ExtraHeaders,
  HoldEvent,
  MakeCallOptions,
  MediaAddress,
  MediaEvent,
  RemoteMediaSummary,
  RingOptions,
  SipHeaders,
} from './api/index.js';

// Session states and reasons.
/** The states of a call session (`'ringing'`, `'connected'`, ...). */
export { SessionState } from './session/index.js';
export { END_REASONS, PROGRESS_REASONS, DEFAULT_RETRY_AFTER_SECONDS } from './session/index.js';
export type { EndReason, ProgressReason, SessionStateChange, StateChangeReason } from './session/index.js';

// Configuration of SessionManager.new(config).
export type {
  CloseConfig,
  CodecName,
  CodecNameInput,
  DtmfMethod,
  SrtpMode,
  SrtpSuiteName,
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
  ReliableProvisionalMode,
  ResolvedConfig,
  SessionManagerConfig,
  SipConfig,
  SipLimitsConfig,
  TimersConfig,
  SessionTimersConfig, ResolvedSessionTimers, RenegotiationOperation,
  TransportName,
  TransportNameInput,
  TlsConfig,
  WsConfig,
  ResolvedTlsConfig,
  ResolvedWsConfig,
} from './session/index.js';

// Audio: what play() and record() accept.
export {
  PcmStreamSink,
  PcmStreamSource,
  SilenceSource,
  ToneSource,
  WavFileSource,
  WavRecorderSink,
} from './api/index.js';
export type {
  AudioSink,
  AudioSource,
  PcmStreamSinkOptions,
  PcmStreamSourceOptions,
  ToneOptions,
  WavData,
  WavRecorderOptions,
  WavSourceOptions,
} from './api/index.js';

// Errors (every code is listed in docs/errors.md).
export { SiplineError, InvalidArgumentError, InvalidStateError } from './util/index.js';
export { CallFailedError, ConfigError, SessionStateError, TransportError } from './session/index.js';
/** A hold, resume or session refresh re-INVITE failed; the call is unchanged (code `ERR_REINVITE_FAILED`). */
export { ReinviteFailedError } from './session/index.js';
export { DtmfSendError } from './session/index.js';
export type { TransportErrorCode } from './session/index.js';
export { NotSupportedError, WavFormatError } from './api/index.js';

// Registration and digest authentication (docs/registration.md).
/** One registration to a registrar, from `manager.register(...)`. */
export { Registration } from './api/index.js';
/** A 401/407 that could not be answered: no credentials for the realm, or credentials refused (code `ERR_AUTHENTICATION_FAILED`). */
export { AuthenticationFailedError } from './api/index.js';
export type {
  RegisterOptions, RegistrationEventMap, RegisteredInfo, RegistrationFailure, RegistrationState,
  AuthenticateConfig, AuthLookupResult, CredentialsConfig, RegistrationOptions, RegistrationRetry, UnregisteredInfo, AuthPassword, AuthHa1,
  AuthAlgorithm, AuthRateLimit, AuthFailureReason,
} from './api/index.js';

// Observability: composable handlers, quality alerts, RTP timeout, SIP traces (docs/observability.md).
/** Runs several handlers in order: the first that decides an incoming call wins; every handler sees every event. */
export { composeHandlers } from './api/index.js';
/** Logs every call's lifecycle through `debug` (`sipline:calls`) or an application logger. */
export { loggingHandler } from './api/index.js';
/** Counts calls and talk time by outcome; `.snapshot()` and `.prometheus()`. */
export { metricsHandler } from './api/index.js';
/** Refuses incoming calls past a number of concurrent calls, with 486 or 503. */
export { capacityLimitHandler } from './api/index.js';
export type {
  CallLogFields,
  CallLogger,
  CallMetricsSnapshot,
  CapacityLimitHandler,
  CapacityLimitOptions,
  ComposableHandler,
  LoggingOptions,
  MediaTimeoutEvent,
  MetricsHandler,
  MetricsOptions,
  OutcomeMetrics,
  QualityEvent,
  QualityMetric,
  QualitySample,
  SipTrace,
  TraceDirection,
  TraceEntry,
} from './api/index.js';
export type { CorrelationConfig, QualityConfig, RtpTimeoutAction, TraceConfig } from './session/index.js';
export type { ErrorContext, SiplineErrorOptions } from './util/index.js';
