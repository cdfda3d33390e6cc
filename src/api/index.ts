/**
 * The public API layer: `SessionManager`, `CallSession`, `IncomingCall`, `CallHandler` and their
 * types, on top of the session engine. The package root re-exports what applications use.
 *
 * @packageDocumentation
 */
export { SessionManager } from './session-manager.js';
export type { SessionManagerEvents } from './session-manager.js';
export { CallSession } from './call-session.js';
export type { CallSessionEvents, Recording } from './call-session.js';
export { IncomingCall } from './incoming-call.js';
export type { IncomingCallDecision } from './incoming-call.js';
export type { CallHandler } from './call-handler.js';
export { TransferRequest } from './transfer-request.js';
export type { TransferRequestDecision } from './transfer-request.js';
export type { TransferOptions, TransferOutcome, TransferProgressEvent, TransferResult } from '../session/index.js';
export { NotSupportedError } from './errors.js';
export { Registration } from './registration.js';
export type { RegisterOptions, RegistrationEventMap } from './registration.js';
export type {
  RegisteredInfo, RegistrationFailure, RegistrationState, AuthenticateConfig, AuthLookupResult, CredentialsConfig,
  RegistrationOptions, RegistrationRetry, UnregisteredInfo, AuthPassword, AuthHa1, AuthAlgorithm, AuthRateLimit, AuthFailureReason,
} from '../session/index.js';
export { AuthenticationFailedError } from '../session/index.js';
// Engine objects behind the public ones, for src/advanced/ only (not re-exported by the root). @internal
export { engineOf, engineSessionOf } from './engine-access.js';
export type {
  AnswerOptions, CallCounters, CallDirection, CallParty, CallStats, DtmfEvent, DtmfOptions, EarlyMediaEvent, ExtraHeaders,
  MakeCallOptions, MediaAddress, MediaEvent, RemoteMediaSummary, RingOptions, SipHeaders,
} from './types.js';
export type { HoldEvent } from './types.js';
// Audio sources and sinks applications pass to play() and record().
export {
  PcmStreamSink, PcmStreamSource, SilenceSource, ToneSource, WavFileSource, WavFormatError, WavRecorderSink,
} from '../session/index.js';
export type {
  AudioSink, AudioSource, PcmStreamSinkOptions, WavData, PcmStreamSourceOptions, ToneOptions, WavRecorderOptions,
  WavSourceOptions,
} from '../session/index.js';
// Composable handlers and observability (docs/observability.md).
export { composeHandlers } from './handlers/compose-handlers.js';
export type { ComposableHandler } from './handlers/compose-handlers.js';
export { loggingHandler } from './handlers/logging-handler.js';
export type { CallLogFields, CallLogger, LoggingOptions } from './handlers/logging-handler.js';
export { metricsHandler } from './handlers/metrics-handler.js';
export type { CallMetricsSnapshot, MetricsHandler, MetricsOptions, OutcomeMetrics } from './handlers/metrics-handler.js';
export { capacityLimitHandler } from './handlers/capacity-limit-handler.js';
export type { CapacityLimitHandler, CapacityLimitOptions } from './handlers/capacity-limit-handler.js';
export type { MediaTimeoutEvent, QualityEvent, QualityMetric, QualitySample, SipTrace, TraceDirection, TraceEntry } from '../session/index.js';
