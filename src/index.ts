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

// Plain data types of calls.
export type {
  AnswerOptions,
  CallCounters,
  CallDirection,
  CallParty,
  CallStats,
  DtmfEvent,
  DtmfOptions,
  ExtraHeaders,
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
export type { TransportErrorCode } from './session/index.js';
export { NotSupportedError, WavFormatError } from './api/index.js';
