/**
 * What the public API needs from the session engine below it. The API classes talk only to these
 * interfaces; `engine-adapter.ts` implements them over `../session/`, and the unit tests implement
 * them with in-memory fakes. Internal: nothing here is exported from the package root.
 *
 * @module
 * @internal
 */
import type { Clock, ErrorContext } from '../util/index.js';
import type { MediaTimeoutEvent, QualityEvent, SipTrace } from '../session/index.js';
import type { AudioSink, AudioSource } from '../session/index.js';
import type { EndReason, ResolvedConfig, SessionState, SessionStateChange } from '../session/index.js';
import type {
  TransferDecision, TransferOptions, TransferProgressEvent, TransferRequestInfo, TransferResult,
} from '../session/index.js';
import type {
  CallCounters, CallDirection, CallParty, CallStats, DtmfEvent, HoldEvent, DtmfOptions, EarlyMediaEvent, ExtraHeaders, MakeCallOptions, MediaEvent,
  RemoteMediaSummary, SipHeaders,
} from './types.js';

/** Callbacks an API object registers on an engine call. @internal */
export interface EngineCallListener {
  /** Every state change, in order. */
  state?(change: SessionStateChange): void;
  /** A DTMF digit from the far end. */
  dtmf?(event: DtmfEvent): void;
  /** A media event. */
  media?(event: MediaEvent): void;
  /** A quality alert or recovery. */
  quality?(event: QualityEvent): void;
  /** No RTP arrived for `media.rtpTimeoutMs`. */
  mediaTimeout?(event: MediaTimeoutEvent): void;
  /** The call was put on hold (by either side). */
  hold?(event: HoldEvent): void;
  /** A hold was lifted (by either side). */
  resume?(event: HoldEvent): void;
  /** Early media started (outgoing calls). */
  earlyMedia?(event: EarlyMediaEvent): void;
  /** A step of a transfer this call started. */
  transfer?(event: TransferProgressEvent): void;
}

/** Optional call-control operations; absent ones make the API reject with `NotSupportedError`. @internal */
export interface EngineCallControl {
  hold?(): Promise<void>;
  resume?(): Promise<void>;
  /** Blind (a SIP URI) or attended (another call of this engine: Replaces) transfer, RFC 3515. */
  transfer?(target: string | EngineCall, options?: TransferOptions): Promise<TransferResult>;
  sendDtmf?(digits: string, options: DtmfOptions): Promise<void>;
  mute?(): void;
  unmute?(): void;
  /** True while muted (absent: never muted). */
  readonly muted?: boolean;
}

/** One call of the engine. @internal */
export interface EngineCall extends EngineCallControl {
  readonly id: string;
  readonly direction: CallDirection;
  readonly callId: string;
  readonly local: CallParty;
  readonly remote: CallParty;
  readonly state: SessionState;
  readonly endReason: EndReason | undefined;
  /** Resolves once the call has ended (every resource released); never rejects. */
  readonly terminated: Promise<void>;
  listen(listener: EngineCallListener): void;
  /** Resolves on 200/ACK; rejects with a typed error (CallFailedError) when the call ends unanswered. */
  answered(): Promise<void>;
  /**
   * CANCEL before the answer (outgoing), a final response (incoming, unanswered), BYE after.
   * `reason` overrides the end reason recorded (e.g. `no-answer` for a ring timeout).
   */
  hangup(reason?: EndReason): Promise<void>;
  /** Replace what is sent to the far end; resolves when the source ends or is replaced. */
  play(source: AudioSource): Promise<void>;
  /** Stop playing (send silence). */
  stopPlaying(): void;
  /**
   * Deliver received audio to the sink too (several sinks may be attached) until the call ends or
   * the handle is stopped; the sink is closed then.
   */
  record(sink: AudioSink): { stop(): Promise<void> };
  stats(): CallStats;
  /** The call's correlation id (absent: the engine has none). */
  readonly correlationId?: string;
  /** The call's SIP messages (absent: the engine keeps none). */
  trace?(): SipTrace;
  /** What errors about this call carry (ids, state, tags). */
  errorContext?(status?: number): ErrorContext;
}

/** How the engine asks the API about transfers. @internal */
export interface EngineTransferHooks {
  /** The far end of `call` asks for a transfer (REFER): accept or reject. */
  decide(call: EngineCall, info: TransferRequestInfo): Promise<TransferDecision>;
  /** A call was placed for an accepted REFER received on `original`. */
  placed(call: EngineCall, original: EngineCall): void;
}

/** An incoming INVITE waiting for a decision. @internal */
export interface EngineIncoming {
  readonly call: EngineCall;
  readonly headers: SipHeaders;
  readonly remoteMedia: RemoteMediaSummary | undefined;
  /** Send 200 with the SDP answer; resolves once sent (the ACK may come later). */
  answer(options: { readonly headers?: ExtraHeaders }): Promise<void>;
  /** Send a final failure response. */
  reject(status: number, reason: string | undefined, headers?: ExtraHeaders): Promise<void>;
  /** Send 180 Ringing (again). */
  ring(): Promise<void>;
  /** Early media (183 with SDP); absent when the engine cannot do it. */
  ringWithMedia?(source: AudioSource): Promise<void>;
  /** True when the INVITE replaces a call of ours (RFC 3891): it is answered without asking. */
  readonly replacing?: boolean;
}

/** Options of an outgoing call as the engine takes them. @internal */
export type EngineCallOptions = Omit<MakeCallOptions, 'signal' | 'timeoutMs'>;

/** The engine of one manager. @internal */
export interface EnginePort {
  readonly config: ResolvedConfig;
  /** The clock for API-level timers (ring timeout); default the system clock. */
  readonly clock?: Clock;
  /** Address the SIP transports listen on. */
  readonly host: string;
  /** Port the SIP transports listen on (the real one when 0 was configured). */
  readonly port: number;
  /**
   * Where incoming INVITEs go once the engine has accepted them (limits and SDP checks passed).
   * The handler decides (or defers) and never throws; the engine must not send 180 by itself.
   */
  onIncoming(handler: (incoming: EngineIncoming) => void): void;
  /** Where engine-side errors the application should hear about go. */
  onError(handler: (error: unknown, call: EngineCall | undefined) => void): void;
  /** Where transfer decisions (incoming REFER) and the calls placed for them go; absent: REFERs are accepted. */
  onTransfer?(hooks: EngineTransferHooks): void;
  /** Call counters of the engine (it also counts calls refused before they had a session). */
  counters(): CallCounters;
  /** A SIP URI that reaches this engine for `user`. */
  uri(user: string, transport: 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS'): string;
  /** Send an INVITE; resolves with the call once it is sent. */
  makeCall(target: string, options: EngineCallOptions): Promise<EngineCall>;
  /** End every call (bounded wait) and release every socket and port. */
  close(): Promise<void>;
}
