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
export { NotSupportedError } from './errors.js';
export type {
  AnswerOptions, CallCounters, CallDirection, CallParty, CallStats, DtmfEvent, DtmfOptions, ExtraHeaders,
  MakeCallOptions, MediaAddress, MediaEvent, RemoteMediaSummary, RingOptions, SipHeaders,
} from './types.js';
// Audio sources and sinks applications pass to play() and record().
export {
  PcmStreamSink, PcmStreamSource, SilenceSource, ToneSource, WavFileSource, WavFormatError, WavRecorderSink,
} from '../session/index.js';
export type {
  AudioSink, AudioSource, PcmStreamSinkOptions, WavData, PcmStreamSourceOptions, ToneOptions, WavRecorderOptions,
  WavSourceOptions,
} from '../session/index.js';
