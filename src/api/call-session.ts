/**
 * `CallSession`: one call, incoming or outgoing, as the application sees it.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import { PcmStreamSink, PcmStreamSource, WavFileSource, WavRecorderSink } from '../session/index.js';
import type { AudioSink, AudioSource, PcmStreamSinkOptions, PcmStreamSourceOptions } from '../session/index.js';
import { SessionState, SessionStateError } from '../session/index.js';
import type { EndReason, MediaTimeoutEvent, QualityEvent, SessionStateChange, SipTrace } from '../session/index.js';
import type { TransferOptions, TransferProgressEvent, TransferResult } from '../session/index.js';
import { InvalidArgumentError, TypedEmitter, withErrorContext } from '../util/index.js';
import type { ErrorContext } from '../util/index.js';
import { registerPort } from './engine-access.js';
import type { EngineCall } from './engine-port.js';
import { OnceClosingSink, checkSink, checkSource } from './audio-checks.js';
import { NotSupportedError } from './errors.js';
import type { CallDirection, CallParty, CallStats, DtmfEvent, DtmfOptions, EarlyMediaEvent, HoldEvent, MediaEvent } from './types.js';

const S = SessionState;
/** States in which the call is not ending: media may be attached, the call may be hung up. */
const LIVE: readonly SessionState[] = [S.Initializing, S.Dialing, S.Ringing, S.Connected, S.OnHold, S.Transferring];
/** States in which the call is set up. */
const ESTABLISHED: readonly SessionState[] = [S.Connected, S.OnHold, S.Transferring];
const DTMF_DIGITS = /^[0-9*#A-Da-d]+$/;

/** The events of a {@link CallSession}, with their listener arguments. */
export type CallSessionEvents = {
  /** Every state change, in order: `{ from, to, reason, at, status? }`. */
  state: [change: SessionStateChange];
  /** The call ended (state `terminated`); emitted once, after the last `state` event. */
  ended: [reason: EndReason, change: SessionStateChange];
  /** Media started (after the answer) or stopped (at the end). */
  media: [event: MediaEvent];
  /** A DTMF digit arrived from the far end (RFC 4733 telephone-event or SIP INFO; see `event.method`). */
  dtmf: [event: DtmfEvent];
  /**
   * Early media started on an outgoing call: a 18x carried the far end's SDP, and its audio now
   * reaches `record()` and `receiveAudio()` before the answer.
   */
  'early-media': [event: EarlyMediaEvent];
  /** A step of a transfer this side started: `accepted`, `progress` (NOTIFY 1xx), `succeeded`, `failed`. */
  transfer: [event: TransferProgressEvent];
  /**
   * The call was put on hold, by this side (`by: 'local'`, `hold()`) or by the far end
   * (`by: 'remote'`, its re-INVITE or UPDATE with `a=sendonly` / `a=inactive`).
   */
  hold: [event: HoldEvent];
  /** A hold was lifted, by this side (`local`) or by the far end (`remote`). */
  resume: [event: HoldEvent];
  /**
   * Call quality crossed a threshold of the `quality` config (`type: 'alert'`) or came back
   * inside it (`type: 'recovered'`); `event.metrics` says which (`mos`, `loss`, `jitter`, `rtt`).
   */
  quality: [event: QualityEvent];
  /** No RTP or RTCP arrived for `media.rtpTimeoutMs`; with `rtpTimeoutAction: 'hangup'` the call ends next. */
  'media-timeout': [event: MediaTimeoutEvent];
};

/** A recording started by {@link CallSession.record}. */
export interface Recording {
  /** The sink the call's received audio is written to. */
  readonly sink: AudioSink;
  /**
   * Stop recording and close the sink (for a WAV file: write the final header). Also happens by
   * itself when the call ends. Safe to call more than once.
   */
  stop(): Promise<void>;
  /** Resolves once the sink is closed, by `stop()` or by the end of the call. */
  readonly finished: Promise<void>;
}

/** Hooks a session reports to its manager. @internal */
export interface CallSessionHooks {
  /** An event listener threw. */
  listenerError(err: unknown, session: CallSession): void;
}

/**
 * One call, incoming or outgoing. Get one from `SessionManager.makeCall`, from
 * `IncomingCall.session`, or from `SessionManager.sessions()`.
 *
 * Every operation is checked against the session state machine: an operation the current state
 * forbids (say `hold()` while ringing, or `play()` after the end) rejects with an
 * `InvalidStateError` (code `ERR_INVALID_STATE`) and changes nothing.
 *
 * @example
 * ```ts
 * const session = await manager.makeCall('sip:bob@127.0.0.1:5070');
 * await session.answered();
 * await session.play(new ToneSource({ frequency: 440, durationMs: 2000 }));
 * await session.hangup();
 * ```
 */
export class CallSession {
  readonly #call: EngineCall;
  readonly #events = new TypedEmitter<CallSessionEvents>();
  readonly #recordings = new Set<() => Promise<void>>();
  readonly #ended: Promise<EndReason>;
  readonly #mediaStarted: Promise<boolean>;
  #resolveMediaStarted!: (started: boolean) => void;
  #answeredAt: number | undefined;

  /**
   * Created by the manager; applications never construct sessions.
   * @internal
   */
  constructor(call: EngineCall, hooks: CallSessionHooks) {
    this.#call = call;
    registerPort(this, call);
    this.#events.setListenerErrorHandler((err) => hooks.listenerError(err, this));
    this.#mediaStarted = new Promise((resolve) => { this.#resolveMediaStarted = resolve; });
    call.listen({
      state: (change) => this.#onState(change),
      dtmf: (event) => this.#events.safeEmit('dtmf', event),
      earlyMedia: (event) => this.#events.safeEmit('early-media', event),
      hold: (event) => this.#events.safeEmit('hold', event),
      resume: (event) => this.#events.safeEmit('resume', event),
      transfer: (event) => this.#events.safeEmit('transfer', event),
      quality: (event) => this.#events.safeEmit('quality', event),
      mediaTimeout: (event) => this.#events.safeEmit('media-timeout', event),
      media: (event) => {
        if (event.type === 'started') this.#resolveMediaStarted(true);
        this.#events.safeEmit('media', event);
      },
    });
    this.#ended = call.terminated.then(() => this.endReason ?? 'error');
  }

  /** Unique id of this session within its manager (not the SIP Call-ID). */
  get id(): string {
    return this.#call.id;
  }

  /** `incoming` when the far end called us, `outgoing` when we called. */
  get direction(): CallDirection {
    return this.#call.direction;
  }

  /** The SIP Call-ID of the call (RFC 3261 §20.8). */
  get callId(): string {
    return this.#call.callId;
  }

  /**
   * The call's correlation id: in the call's debug lines, in errors about it (`context`), and in
   * the `correlation.header` of its requests when configured (see docs/observability.md).
   */
  get correlationId(): string {
    return this.#call.correlationId ?? this.#call.id;
  }

  /**
   * The call's SIP messages so far, oldest first: time, direction (`in`/`out`), first line, and
   * the whole message on demand (`entry.raw()`). At most `trace.maxMessages` messages and
   * `trace.maxBytes` octets are kept; `dropped` counts the oldest ones let go.
   *
   * @example
   * ```ts
   * for (const m of session.trace().messages) console.log(m.at, m.direction, m.firstLine);
   * ```
   */
  trace(): SipTrace {
    return this.#call.trace?.() ?? Object.freeze({ messages: Object.freeze([]), dropped: 0 });
  }

  /** What errors about this call carry: session id and state, Call-ID, dialog tags, correlation id. @internal */
  errorContext(status?: number): ErrorContext {
    return this.#call.errorContext?.(status) ?? {
      sessionId: this.id, sessionState: this.state, callId: this.callId, correlationId: this.correlationId,
      ...(status === undefined ? {} : { status }),
    };
  }

  /** Our side of the call: From of an outgoing call, To of an incoming one. */
  get local(): CallParty {
    return this.#call.local;
  }

  /** The far end: To of an outgoing call, From of an incoming one. */
  get remote(): CallParty {
    return this.#call.remote;
  }

  /** The current state, e.g. `'ringing'` or `'connected'` (see {@link SessionState}). */
  get state(): SessionState {
    return this.#call.state;
  }

  /** Why the call ended (or is ending), or `undefined` while it is live. */
  get endReason(): EndReason | undefined {
    return this.#call.endReason;
  }

  /** When the call was answered, in milliseconds since the Unix epoch, or `undefined`. */
  get answeredAt(): number | undefined {
    return this.#answeredAt;
  }

  /**
   * Resolves when the call is answered (200 OK sent or received). Rejects with a
   * `CallFailedError` carrying the end reason and the final SIP status when the call ends
   * unanswered (busy, declined, not found, timeout, cancelled, ...). Resolves at once for a call
   * that was already answered.
   */
  answered(): Promise<void> {
    return this.#call.answered();
  }

  /** Resolves with the end reason once the call has ended (state `terminated`). Never rejects. */
  ended(): Promise<EndReason> {
    return this.#ended;
  }

  /**
   * End the call: CANCEL while an outgoing call is not yet answered, 480 Temporarily Unavailable
   * for an incoming call not yet answered, BYE once it is. Resolves when the call has ended.
   *
   * @throws InvalidStateError when the call is already ending or ended
   */
  async hangup(): Promise<void> {
    this.#assert(LIVE, 'hang up');
    await this.#withContext(this.#call.hangup());
    await this.#call.terminated;
  }

  /**
   * Play a source to the far end, replacing whatever was playing. A string is read as a WAV file
   * path. Resolves when the source has played to its end, is replaced, or the call ends. Before
   * the answer, the source is kept and starts when media starts.
   *
   * @param source - a tone, a WAV file, application PCM ({@link PcmStreamSource}) or any `AudioSource`
   * @throws InvalidStateError when the call is ending or ended
   * @throws WavFormatError when a WAV path names an unsupported file
   */
  async play(source: AudioSource | string): Promise<void> {
    this.#assert(LIVE, 'play');
    const src = typeof source === 'string' ? await WavFileSource.fromFile(source) : checkSource(source);
    this.#assert(LIVE, 'play');
    await this.#withContext(this.#call.play(src));
  }

  /** Stop playing; the far end hears silence. Does nothing when nothing plays. */
  stopPlaying(): void {
    this.#call.stopPlaying();
  }

  /**
   * Record the audio received from the far end: to a WAV file (16-bit PCM at the codec's rate)
   * when given a path, or into any `AudioSink`. Recording stops, and the sink is closed, by
   * {@link Recording.stop} or when the call ends.
   *
   * @param destination - a WAV file path, or a sink such as {@link WavRecorderSink}
   * @throws InvalidStateError when the call is ending or ended
   */
  async record(destination: string | AudioSink): Promise<Recording> {
    this.#assert(LIVE, 'record');
    const sink = typeof destination === 'string' ? new WavRecorderSink(destination) : checkSink(destination);
    return this.#attach(sink);
  }

  /**
   * The audio received from the far end as a Node `Readable` in object mode: one `Int16Array`
   * frame (16-bit mono PCM) per chunk, at `options.sampleRate` (default 8000 Hz). The stream ends
   * when the call ends. A slow reader loses frames rather than delaying the call.
   *
   * @throws InvalidStateError when the call is ending or ended
   */
  receiveAudio(options?: PcmStreamSinkOptions): Readable {
    this.#assert(LIVE, 'receive audio');
    const sink = new PcmStreamSink(options);
    this.#attach(sink);
    return sink.readable;
  }

  /**
   * Send application audio to the far end: returns a {@link PcmStreamSource} that is now playing.
   * `push(Int16Array)` 16-bit mono PCM at `options.sampleRate` (default 8000 Hz), or pipe bytes into
   * `source.writable()`. It replaces whatever was playing.
   *
   * @throws InvalidStateError when the call is ending or ended
   */
  sendAudio(options?: PcmStreamSourceOptions): PcmStreamSource {
    this.#assert(LIVE, 'send audio');
    const source = new PcmStreamSource(options);
    this.#call.play(source).catch(() => { /* ends with the call */ });
    return source;
  }

  /** RTP statistics and estimated quality (MOS) of the call, as of now. */
  stats(): CallStats {
    return this.#call.stats();
  }

  /**
   * Put the far end on hold: a re-INVITE with `a=sendonly` (`a=inactive` when the far end already
   * holds this call), RFC 3264 §8.4 and RFC 6337 §5.3. Resolves once the far end accepted it: the
   * state is `on-hold`, the far end stops sending RTP, and a `hold` event (`by: 'local'`) was
   * emitted. A 491 (both sides renegotiating at once) is retried by itself (RFC 3261 §14.1).
   * Holding a call this side already holds does nothing.
   *
   * @throws InvalidStateError unless the call is connected (or on hold by the far end)
   * @throws ReinviteFailedError when the far end rejects the re-INVITE (`status`, e.g. 488) or it
   *   fails; the call is then exactly as it was
   */
  async hold(): Promise<void> {
    this.#assert([S.Connected, S.OnHold], 'hold');
    if (this.#call.hold === undefined) throw new NotSupportedError('hold');
    await this.#withContext(this.#call.hold());
  }

  /**
   * Take the call off hold: a re-INVITE with `a=sendrecv` (`a=recvonly` while the far end still
   * holds us). Resolves once accepted: state `connected` again (unless the far end holds the call),
   * RTP flows both ways, a `resume` event (`by: 'local'`) was emitted.
   *
   * @throws InvalidStateError unless this side holds the call
   * @throws ReinviteFailedError when the re-INVITE is rejected or fails; the call stays on hold
   */
  async resume(): Promise<void> {
    this.#assert([S.OnHold], 'resume');
    if (this.#call.resume === undefined) throw new NotSupportedError('resume');
    await this.#withContext(this.#call.resume());
  }

  /**
   * Transfer the far end. With a SIP URI: blind transfer, the far end is asked to call `target`
   * instead (REFER, RFC 3515). With another session: attended transfer, the far end replaces that
   * session's call with this one (REFER with Replaces, RFC 3891).
   *
   * The state is `transferring` while it runs; each step is a `transfer` event (`accepted`,
   * `progress`, `succeeded` / `failed`). The promise resolves with the typed result: `succeeded`
   * (the far end reached the target; this call then ends with BYE, reason `transferred`), `failed`
   * (the REFER was refused or the new call failed, with its status; this call goes on in its
   * previous state), or `accepted` (no final report came; this call goes on).
   *
   * @param target - a SIP URI such as `sip:carol@example.com`, or another live session (attended)
   * @param options - `timeoutMs`: how long to wait for the final report (default 120 s)
   * @throws InvalidArgumentError when `target` is neither a SIP URI nor a session
   * @throws InvalidStateError unless the call is connected or on hold (and, attended, the other too)
   * @throws NotSupportedError when the engine cannot transfer
   */
  async transfer(target: string | CallSession, options: TransferOptions = {}): Promise<TransferResult> {
    const blind = typeof target === 'string';
    if (blind ? !/^sips?:/i.test(target) : !(target instanceof CallSession) || target === this) {
      throw new InvalidArgumentError('target', 'must be a sip: or sips: URI or another CallSession');
    }
    this.#assert([S.Connected, S.OnHold], 'transfer');
    if (!blind) target.#assert([S.Connected, S.OnHold], 'be the other call of an attended transfer');
    if (this.#call.transfer === undefined) throw new NotSupportedError(blind ? 'transfer' : 'attended transfer');
    return this.#withContext(this.#call.transfer(blind ? target : target.#call, options));
  }

  /**
   * Send DTMF digits to the far end: as RFC 4733 telephone-events when they were negotiated, as SIP
   * INFO requests (`application/dtmf-relay`, one per digit) otherwise, or as `options.method`
   * says. Resolves when every digit has been sent (for INFO: accepted by the far end).
   *
   * @param digits - one or more of `0`-`9`, `*`, `#`, `A`-`D`
   * @throws InvalidArgumentError for an empty string or another character
   * @throws InvalidStateError unless the call is connected or on hold, or when `'rfc4733'` is forced
   *   but was not negotiated
   * @throws DtmfSendError (`ERR_DTMF_SEND`) when the far end refuses an INFO
   */
  async sendDtmf(digits: string, options: DtmfOptions = {}): Promise<void> {
    if (typeof digits !== 'string' || !DTMF_DIGITS.test(digits)) {
      throw new InvalidArgumentError('digits', 'must be one or more of 0-9, *, #, A-D');
    }
    this.#assert(ESTABLISHED, 'send DTMF');
    if (this.#call.sendDtmf === undefined) throw new NotSupportedError('sendDtmf');
    // Media starts just after the answer (for an incoming call, once the caller's ACK arrives); digits sent in between wait for it.
    await this.#mediaStarted;
    this.#assert(ESTABLISHED, 'send DTMF');
    await this.#withContext(this.#call.sendDtmf(digits.toUpperCase(), options));
  }

  /**
   * Stop sending our audio: RTP keeps flowing, carrying silence, so the far end hears nothing
   * without any renegotiation; the state does not change. What plays keeps playing (unheard).
   *
   * @throws InvalidStateError unless the call is set up
   */
  async mute(): Promise<void> {
    this.#assert(ESTABLISHED, 'mute');
    if (this.#call.mute === undefined) throw new NotSupportedError('mute');
    this.#call.mute();
  }

  /**
   * Send our audio again after {@link CallSession.mute}.
   *
   * @throws InvalidStateError unless the call is set up
   */
  async unmute(): Promise<void> {
    this.#assert(ESTABLISHED, 'unmute');
    if (this.#call.unmute === undefined) throw new NotSupportedError('unmute');
    this.#call.unmute();
  }

  /** True between {@link CallSession.mute} and {@link CallSession.unmute}. */
  get muted(): boolean {
    return this.#call.muted ?? false;
  }

  /** Listen to an event (`state`, `ended`, `media`, `dtmf`, `hold`, `resume`, ...). A throwing listener is reported, never breaks the call. */
  on<K extends keyof CallSessionEvents>(event: K, listener: (...args: CallSessionEvents[K]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  /** Listen to the next occurrence of an event only. */
  once<K extends keyof CallSessionEvents>(event: K, listener: (...args: CallSessionEvents[K]) => void): this {
    this.#events.once(event, listener);
    return this;
  }

  /** Remove a listener added with {@link CallSession.on} or {@link CallSession.once}. */
  off<K extends keyof CallSessionEvents>(event: K, listener: (...args: CallSessionEvents[K]) => void): this {
    this.#events.off(event, listener);
    return this;
  }

  /** Add this call's identifiers (session, state, Call-ID, tags, SIP status) to a typed error the engine rejected with. */
  async #withContext<T>(operation: Promise<T>): Promise<T> {
    try {
      return await operation;
    } catch (err) {
      const status = (err as { status?: unknown }).status;
      throw withErrorContext(err, this.errorContext(typeof status === 'number' ? status : undefined));
    }
  }

  #assert(allowed: readonly SessionState[], operation: string): void {
    if (!allowed.includes(this.#call.state)) throw new SessionStateError(operation, this.#call.state).addContext(this.errorContext());
  }

  #attach(target: AudioSink): Recording {
    const sink = new OnceClosingSink(target);
    const handle = this.#call.record(sink);
    let stopped: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopped ??= (async () => {
        this.#recordings.delete(stop);
        await handle.stop();
        await sink.close();
      })();
      return stopped;
    };
    this.#recordings.add(stop);
    const finished = sink.closed;
    return { sink: target, stop, finished };
  }

  #onState(change: SessionStateChange): void {
    if (change.to === S.Connected && this.#answeredAt === undefined) this.#answeredAt = change.at;
    this.#events.safeEmit('state', change);
    if (change.to === S.Terminated) {
      this.#resolveMediaStarted(false);
      for (const stop of [...this.#recordings]) stop().catch(() => { /* reported by the sink's owner */ });
      this.#events.safeEmit('ended', this.#call.endReason ?? (change.reason as EndReason), change);
    }
  }
}
