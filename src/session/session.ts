/**
 * The engine-side call object: one SIP dialog joined to one media pipeline, with its state
 * machine and its own ordered event queue (DESIGN.md, "Concurrency and ordering").
 *
 * @module
 */
import createDebug from 'debug';
import PQueue from 'p-queue';
import type { Dialog, IncomingInvite } from '../dialog/index.js';
import type { AudioSink, AudioSource, SendDtmfOptions } from '../media/index.js';
import { LocalSdpSession } from '../sdp/index.js';
import type { SdpSummary } from '../sdp/index.js';
import type { SipRequest } from '../sip/index.js';
import { InvalidStateError, TypedEmitter, randomToken } from '../util/index.js';
import type { EndReason } from './end-reason.js';
import { CallFailedError, SessionStateError } from './errors.js';
import { InboundFlow } from './inbound-flow.js';
import type { MediaInfo, MediaPipeline, MediaStats } from './media-pipeline.js';
import { registerMediaTap } from './media-tap.js';
import { OutboundFlow } from './outbound-flow.js';
import { SessionObserver, byeHeadersFor } from './session-observer.js';
import type { SipTrace } from './call-trace.js';
import { CallControl } from './call-control.js';
import { SessionDtmf } from './session-dtmf.js';
import { SessionTransfer } from './session-transfer.js';
import type { TransferOptions, TransferResult } from './transfer-types.js';
import type { SessionDtmfOptions } from './session-types.js';
import { DIALOG_END } from './session-control.js';
import type { EndDetails, SessionControl } from './session-control.js';
import { identityOf } from './session-context.js';
import type { SessionContext } from './session-context.js';
import { SessionState } from './session-state.js';
import type {
  AnswerOptions, OutboundCallOptions, RecordingHandle, ResponseHeadersOptions, SessionDirection, SessionEnd,
  SessionEvents, SessionIdentity,
} from './session-types.js';
import { SessionStateMachine } from './state-machine.js';
import type { SessionStateChange } from './state-machine.js';

const debug = createDebug('sipline:session');

/**
 * One call, incoming or outgoing, as the engine runs it. Every event of the call (SIP responses
 * and requests, the application's decisions, timers) is processed in order on the session's own
 * queue (p-queue, concurrency 1); the state changes only through its {@link SessionStateMachine}.
 * Listener exceptions are caught and reported, never changing the session.
 *
 * Created by `SessionEngine`: incoming calls are handed to its incoming-session handler, outgoing
 * ones returned by `SessionEngine.call`.
 */
export class Session extends TypedEmitter<SessionEvents> {
  /** Unique id of the session (random, URL-safe). */
  readonly id: string = randomToken(16);
  /** `inbound` when we received the INVITE, `outbound` when we sent it. */
  readonly direction: SessionDirection;
  /** Call-ID of the call. */
  readonly callId: string;
  /** When the session was created, ms since the Unix epoch. */
  readonly createdAt: number = Date.now();
  readonly #ctx: SessionContext;
  readonly #machine: SessionStateMachine;
  readonly #queue = new PQueue({ concurrency: 1 });
  readonly #local: LocalSdpSession;
  readonly #control: SessionControl;
  readonly #inbound: InboundFlow | undefined;
  readonly #outbound: OutboundFlow | undefined;
  /** Correlation id, SIP trace, quality alerts, RTP timeout (session-observer.ts). */
  readonly #obs: SessionObserver;
  /** DTMF both ways: RFC 4733 or SIP INFO (session-dtmf.ts). */
  readonly #dtmf: SessionDtmf;
  /** Hold, resume, mute, remote re-offers, session timers (call-control.ts). */
  readonly #calls: CallControl;
  /** REFER both ways (session-transfer.ts). */
  readonly #transfer: SessionTransfer;
  #localIdentity: SessionIdentity;
  #remoteIdentity: SessionIdentity;
  #media: MediaPipeline | undefined;
  #mediaStarted = false;
  #wasConnected = false;
  #dialog: Dialog | undefined;
  #end: SessionEnd | undefined;
  #finishing: Promise<void> | undefined;
  #resolveFinished!: (end: SessionEnd) => void;
  #answered: { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void };
  /** Resolves with how the session ended; never rejects. */
  readonly finished: Promise<SessionEnd>;

  /** @internal use `Session.incoming` / `Session.outgoing` */
  private constructor(
    ctx: SessionContext,
    init: { direction: SessionDirection; callId: string; local: SessionIdentity; remote: SessionIdentity },
    flow: { invite?: IncomingInvite; call?: OutboundCallOptions },
  ) {
    super();
    this.#ctx = ctx;
    // Our SDP across the dialog; with media.srtp, fresh SDES keys per session (RFC 4568 §6.1).
    this.#local = new LocalSdpSession({ srtp: { policy: ctx.config.media.srtp, suites: ctx.config.media.srtpSuites } });
    this.direction = init.direction;
    this.callId = init.callId;
    this.#localIdentity = init.local;
    this.#remoteIdentity = init.remote;
    const report = (err: unknown, event: string): void => {
      debug('%s: a %s listener threw: %O', this.#obs.label, event, err);
      ctx.report(err, this);
    };
    this.setListenerErrorHandler(report);
    this.#obs = new SessionObserver({
      ctx, sessionId: this.id, callId: init.callId, request: flow.invite?.request,
      state: () => this.#machine.state,
      held: () => this.state === SessionState.OnHold,
      stats: () => this.#media?.stats(),
      tags: () => this.#dialog === undefined ? undefined : this.#dialog.id,
      emitQuality: (e) => this.safeEmit('quality', e),
      emitMediaTimeout: (e) => this.safeEmit('media-timeout', e),
      terminate: (reason) => this.terminate(reason),
      log: (format, ...args) => debug(format, ...args),
    });
    this.#machine = new SessionStateMachine({ id: this.#obs.label, onListenerError: report });
    this.#machine.on('state', (change) => this.safeEmit('state', change));
    this.finished = new Promise<SessionEnd>((resolve) => { this.#resolveFinished = resolve; });
    let resolve!: () => void;
    let reject!: (err: Error) => void;
    const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
    promise.catch(() => undefined); // answered() is optional: an unobserved failure is not unhandled
    this.#answered = { promise, resolve, reject };
    this.#dtmf = new SessionDtmf(ctx.clock, ctx.config.media.dtmfMethod, (e) => this.safeEmit('dtmf', e));
    this.#control = this.#makeControl();
    this.#calls = new CallControl(this.#control, (type, by) => this.safeEmit(type, Object.freeze({ by })));
    this.#transfer = new SessionTransfer(this.#control, this, (e) => this.safeEmit('transfer', e));
    this.#inbound = flow.invite !== undefined ? new InboundFlow(this.#control, flow.invite) : undefined;
    this.#outbound = flow.call !== undefined ? new OutboundFlow(this.#control, flow.call) : undefined;
  }

  /** A session for an incoming INVITE, in state `initializing`. @internal */
  static incoming(ctx: SessionContext, invite: IncomingInvite): Session {
    const req = invite.request;
    return new Session(ctx, {
      direction: 'inbound', callId: req.callId, local: identityOf(req.to), remote: identityOf(req.from),
    }, { invite });
  }

  /** A session for an outgoing call, in state `initializing` (nothing sent yet). @internal */
  static outgoing(ctx: SessionContext, options: OutboundCallOptions, callId: string, local: SessionIdentity, remote: SessionIdentity): Session {
    return new Session(ctx, { direction: 'outbound', callId, local, remote }, { call: options });
  }

  // ------------------------------------------------------------------ state

  /** The current state. */
  get state(): SessionState {
    return this.#machine.state;
  }

  /** Why the call ended (the reason of the first move into `terminating`); `undefined` while live. */
  get endReason(): EndReason | undefined {
    return this.#machine.endReason;
  }

  /** How the session ended, once it has. */
  get end(): SessionEnd | undefined {
    return this.#end;
  }

  /** The last state change, or `undefined` before the first. */
  get lastChange(): SessionStateChange | undefined {
    return this.#machine.lastChange;
  }

  /**
   * Throw unless the current state is one of `allowed` (for API methods).
   * @throws SessionStateError naming `operation` and the state
   */
  assertState(allowed: Iterable<SessionState>, operation: string): void {
    this.#machine.assert(allowed, operation);
  }

  /** Our party: To of an incoming INVITE, From of an outgoing one. */
  get localIdentity(): SessionIdentity {
    return this.#localIdentity;
  }

  /** The other party: From of an incoming INVITE, To of an outgoing one. */
  get remoteIdentity(): SessionIdentity {
    return this.#remoteIdentity;
  }

  /** The confirmed dialog, once answered. */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /** The incoming INVITE (inbound sessions): headers, Request-URI. */
  get request(): SipRequest | undefined {
    return this.#inbound?.invite.request ?? this.#outbound?.request;
  }

  /** The SDP offer of an incoming INVITE, or `undefined` (no body, or outbound). */
  get remoteOffer(): string | undefined {
    return this.#inbound?.offer;
  }

  /** Summary of the remote description (the offer in, or the answer of an outgoing call). */
  get remoteSdp(): SdpSummary | undefined {
    return this.#inbound?.summary ?? this.#outbound?.answerSummary;
  }

  /** Codec, local and remote RTP address once media runs. */
  get mediaInfo(): MediaInfo | undefined {
    return this.#media?.info;
  }

  /** The call's correlation id (see docs/observability.md). */
  get correlationId(): string {
    return this.#obs.correlationId;
  }

  /** What this call's debug lines start with: `<id> [<correlation id>]`. @internal */
  get logLabel(): string {
    return this.#obs.label;
  }

  /** The call's SIP messages so far, oldest first, within `trace.maxMessages` / `trace.maxBytes`. */
  trace(): SipTrace {
    return this.#obs.trace();
  }

  /** What errors about this session carry: ids, state, dialog tags, correlation id. @internal */
  errorContext(status?: number): ReturnType<SessionObserver['errorContext']> {
    return this.#obs.errorContext(status);
  }

  /** For incoming calls: whether `answer` or `reject` was called (or the call ended). */
  get decided(): boolean {
    return this.#inbound?.decided ?? true;
  }

  /**
   * Resolves when the call is answered (2xx sent or received); rejects with
   * {@link CallFailedError} (final status and end reason) when it ends before.
   */
  answered(): Promise<void> {
    return this.#answered.promise;
  }

  // ---------------------------------------------------------- decisions (in)

  /**
   * Answer an incoming call: 200 OK with our SDP answer (or offer, when the INVITE had none),
   * then media. Resolves once the 200 is sent.
   * @throws SessionStateError for outbound sessions, or when already decided or ended
   */
  answer(options: AnswerOptions = {}): Promise<void> {
    if (this.#inbound === undefined) return Promise.reject(this.#wrongDirection('answer'));
    return this.#inbound.answer(options);
  }

  /**
   * Reject an incoming call with a final response (default 486 Busy Here).
   * @throws SessionStateError for outbound sessions, or when already decided or ended
   * @throws InvalidArgumentError for a status outside 300-699
   */
  reject(status = 486, reason?: string, options: ResponseHeadersOptions = {}): Promise<void> {
    if (this.#inbound === undefined) return Promise.reject(this.#wrongDirection('reject'));
    return this.#inbound.reject(status, reason, options);
  }

  /**
   * Send 180 Ringing (or another provisional status) for an incoming call.
   * @throws SessionStateError for outbound sessions, or once answered or ended
   */
  ring(status = 180, options: ResponseHeadersOptions = {}): Promise<void> {
    if (this.#inbound === undefined) return Promise.reject(this.#wrongDirection('ring'));
    return this.#inbound.ring(status, options);
  }

  #wrongDirection(op: string): InvalidStateError {
    return new InvalidStateError(`${op} applies to incoming calls; this session is outbound`);
  }

  // ------------------------------------------------------------------ hangup

  /**
   * End the call: CANCEL before the answer (outgoing; reason `cancelled`), 480 to an unanswered
   * incoming call, BYE after the answer (reason `local-hangup`). Resolves when the session is
   * terminated. Does nothing once ended.
   */
  async hangup(): Promise<void> {
    await this.terminate('local-hangup');
  }

  /**
   * End the call with a given reason (`local-hangup`, `manager-closed`, ...). @internal
   */
  async terminate(reason: EndReason, rejectStatus = 480): Promise<void> {
    if (this.#machine.isEnding) {
      await this.finished;
      return;
    }
    await this.#control.enqueue(async () => {
      if (this.#machine.isEnding) return;
      if (this.#machine.isEstablished) await this.#bye(reason);
      else if (this.#inbound !== undefined) await this.#inbound.end(reason, rejectStatus);
      else if (this.#outbound !== undefined) this.#outbound.cancel(reason === 'local-hangup' ? 'cancelled' : reason);
    });
    await this.finished;
  }

  async #bye(reason: EndReason): Promise<void> {
    this.#control.beginEnding(reason);
    const dialog = this.#dialog;
    await this.#media?.close();
    if (dialog !== undefined && dialog.state === 'confirmed') {
      const bye = dialog.bye(byeHeadersFor(reason)).then((res) => res.status, (err: unknown) => { debug('%s: BYE failed: %O', this.#obs.label, err); return undefined; });
      await this.#bounded(bye);
    }
    await this.#control.finish(reason);
  }

  /** Wait for `p`, at most `close.timeoutMs`. */
  async #bounded<T>(p: Promise<T>): Promise<T | undefined> {
    let timer: ReturnType<SessionContext['clock']['setTimeout']> | undefined;
    const limit = new Promise<undefined>((resolve) => {
      timer = this.#ctx.clock.setTimeout(() => resolve(undefined), this.#ctx.config.close.timeoutMs);
    });
    try {
      return await Promise.race([p, limit]);
    } finally {
      if (timer !== undefined) this.#ctx.clock.clearTimeout(timer);
    }
  }

  /** End at once without signalling (the engine is closing and the far end did not answer). @internal */
  async forceEnd(reason: EndReason): Promise<void> {
    await this.#control.finish(reason);
  }

  // ------------------------------------------------------------------- media

  /**
   * Play `source` to the far end, replacing what plays now. Resolves when the source ends (or is
   * replaced, or the call ends); silence follows. Before media starts, playback waits for it.
   * @throws SessionStateError once the session is ending
   */
  play(source: AudioSource): Promise<void> {
    const media = this.#media;
    if (this.#machine.isEnding || media === undefined || media.closed) {
      return Promise.reject(this.#machine.isEnding ? this.#stateError('play') : new InvalidStateError('play: media is not ready'));
    }
    return media.play(source);
  }

  /** Stop what plays; silence follows. */
  stopPlayback(): void {
    this.#media?.stopPlayback();
  }

  /**
   * Deliver the received audio to `sink` (a WAV recorder, a PCM stream) until the call ends or the
   * returned handle is stopped; the sink is closed then.
   * @throws SessionStateError once the session is ending
   */
  record(sink: AudioSink): RecordingHandle {
    const media = this.#media;
    if (this.#machine.isEnding || media === undefined || media.closed) throw this.#stateError('record');
    media.addSink(sink);
    return { stop: () => media.removeSink(sink) };
  }

  /**
   * Send DTMF digits: RFC 4733 telephone-events when negotiated, SIP INFO
   * (`application/dtmf-relay`) otherwise or when `options.method` says so. Resolves when the last
   * digit is sent (for INFO: answered).
   * @throws SessionStateError once ending; InvalidStateError when the method cannot be used now
   * @throws DtmfSendError when the far end refuses an INFO
   */
  sendDtmf(digits: string, options: SessionDtmfOptions | SendDtmfOptions = {}): Promise<void> {
    if (this.#machine.isEnding) return Promise.reject(this.#stateError('sendDtmf'));
    return this.#dtmf.send(digits, options, this.#media, this.#dialog);
  }

  /** The method `sendDtmf` would use now with `method` (`auto` resolved). */
  dtmfMethod(method?: SessionDtmfOptions['method']): 'rfc4733' | 'info' {
    return this.#dtmf.methodFor(method === undefined ? {} : { method });
  }

  /**
   * Early media for an incoming call (RFC 3960 gateway model): 183 Session Progress with the SDP
   * answer (reliably, RFC 3262, when the caller supports 100rel), media started, `source` played
   * before the answer. The later 200 carries the same SDP; what plays continues after it.
   * @throws SessionStateError for outbound sessions, once decided or ended, or without an SDP offer
   */
  ringWithMedia(source: AudioSource, options: ResponseHeadersOptions = {}): Promise<void> {
    if (this.#inbound === undefined) return Promise.reject(this.#wrongDirection('ringWithMedia'));
    return this.#inbound.earlyMedia(source, options);
  }

  /**
   * Transfer the far end (RFC 3515): to `target` (blind, a SIP URI), or to the peer of another
   * session (attended, Refer-To with Replaces, RFC 3891). State `transferring` while it runs;
   * progress as `transfer` events. Resolves with the typed result; on success the call ends with
   * BYE (reason `transferred`), otherwise it goes back to its previous state.
   * @throws SessionStateError unless connected or on hold
   * @throws InvalidArgumentError for a target that is not a SIP URI
   */
  transfer(target: string | Session, options?: TransferOptions): Promise<TransferResult> {
    return this.#transfer.start(target, options);
  }

  // ------------------------------------------------------------ call control

  /**
   * Put the far end on hold: re-INVITE with `a=sendonly` (`a=inactive` when it holds us already,
   * RFC 3264 §8.4, RFC 6337 §5.3); a 491 is retried after the RFC 3261 §14.1 delay. Resolves
   * once the 2xx is applied (state `on-hold`, event `hold` by `local`).
   * @throws SessionStateError unless connected (or on hold by the far end)
   * @throws ReinviteFailedError when the re-INVITE fails; the call is unchanged
   */
  hold(): Promise<void> {
    return this.#calls.hold();
  }

  /**
   * Take the call off hold: re-INVITE with `a=sendrecv` (`a=recvonly` while the far end holds us).
   * @throws SessionStateError unless this side holds the call
   * @throws ReinviteFailedError when the re-INVITE fails; the call is unchanged
   */
  resume(): Promise<void> {
    return this.#calls.resume();
  }

  /** Who holds the call now: this side (`local`), the far end (`remote`), both or neither. */
  get holdState(): { readonly local: boolean; readonly remote: boolean } {
    return Object.freeze({ local: this.#calls.localHold, remote: this.#calls.remoteHold });
  }

  /** Send silence instead of what plays, without renegotiation; the state does not change. */
  mute(): void {
    this.#calls.setMuted(true);
  }

  /** Send what plays again after {@link Session.mute}. */
  unmute(): void {
    this.#calls.setMuted(false);
  }

  /** True while muted. */
  get muted(): boolean {
    return this.#calls.muted;
  }

  /** The RFC 4028 session timer in force (interval in seconds, who refreshes), if any. */
  get sessionTimer(): { readonly interval: number; readonly weRefresh: boolean; readonly refreshes: number } | undefined {
    const terms = this.#calls.timer.terms;
    return terms === undefined ? undefined : Object.freeze({ ...terms, refreshes: this.#calls.timer.refreshes });
  }

  /** RTP statistics and MOS of the call, or `undefined` before media started. */
  stats(): MediaStats | undefined {
    return this.#media?.stats();
  }

  #stateError(op: string): SessionStateError {
    return new SessionStateError(op, this.#machine.state).addContext(this.#obs.errorContext());
  }


  // ------------------------------------------------------------------- engine

  /** Run the incoming-call preparation (offer check, RTP ports). False when the call was refused. @internal */
  prepareIncoming(): Promise<boolean> {
    if (this.#inbound === undefined) return Promise.resolve(false);
    return this.#inbound.prepare();
  }

  /** Send the INVITE. Resolves once it is sent; rejects when it could not be. @internal */
  dial(): Promise<void> {
    if (this.#outbound === undefined) return Promise.reject(this.#wrongDirection('dial'));
    return this.#outbound.dial();
  }

  /** Resolves when the set-up is over: answered or ended. @internal */
  setupDone(): Promise<void> {
    return Promise.race([this.#answered.promise.catch(() => undefined), this.finished.then(() => undefined)]);
  }

  // ----------------------------------------------------------------- control

  #makeControl(): SessionControl {
    const self = this;
    const machine = this.#machine;
    const enqueue = <T>(task: () => T | Promise<T>): Promise<T> => this.#queue.add(async () => task());
    return {
      id: this.id,
      label: this.#obs.label,
      callId: this.callId,
      ctx: this.#ctx,
      machine,
      local: this.#local,
      enqueue,
      post: (task) => {
        enqueue(task).catch((err: unknown) => {
          debug('%s: event handling failed: %O', self.#obs.label, err);
          self.#ctx.report(err, self);
          return self.#control.finish('error', { error: err });
        }).catch(() => undefined);
      },
      media: () => this.#media,
      setMedia: (media) => {
        this.#media = media;
        registerMediaTap(this, media.tap);
        media.on('dtmf', (e) => this.#dtmf.fromRtp(e));
        media.on('error', (err) => debug('%s: media error: %O', this.#obs.label, err));
      },
      startMedia: async (negotiated) => {
        const media = this.#media;
        if (media === undefined || media.closed) return;
        this.#dtmf.negotiated(negotiated);
        this.#calls.noteNegotiated(negotiated);
        const info = await media.start(negotiated);
        if (!this.#mediaStarted && !media.closed) {
          this.#mediaStarted = true;
          this.#obs.mediaStarted();
          this.safeEmit('media', Object.freeze({ type: 'started', codec: info.codec, remote: info.remote }));
        }
      },
      attachDialog: (dialog) => {
        if (this.#dialog === dialog) return;
        this.#dialog = dialog;
        this.#dtmf.attach(dialog);
        this.#calls.attach(dialog);
        this.#transfer.attach(dialog);
        dialog.on('terminated', (why) => {
          const reason = DIALOG_END[why];
          if (reason === undefined) return;
          this.#control.post(async () => {
            if (machine.isEnding) return;
            this.#control.beginEnding(reason);
            await this.#control.finish(reason);
          });
        });
      },
      dialog: () => this.#dialog,
      setLocalIdentity: (identity) => { this.#localIdentity = identity; },
      connected: (status) => {
        machine.transition(SessionState.Connected, 'answered', { status });
        this.#wasConnected = true;
        this.#answered.resolve();
        this.#ctx.onConnected(this);
      },
      beginEnding: (reason, details = {}) => {
        if (machine.isEnding) return;
        machine.transition(SessionState.Terminating, reason, details);
      },
      finish: (reason, details = {}) => {
        this.#finishing ??= this.#finish(reason, details);
        return this.#finishing;
      },
      emitProgress: (status, reason) => { this.safeEmit('progress', status, reason); },
      get callControl(): CallControl { return self.#calls; },
      emitEarlyMedia: (event) => { this.safeEmit('early-media', event); },
      report: (err) => { this.#ctx.report(err, this); },
      terminate: (reason) => this.terminate(reason),
    };
  }

  async #finish(reason: EndReason, details: EndDetails): Promise<void> {
    const machine = this.#machine;
    const wasConnected = this.#wasConnected;
    if (!machine.isEnding) machine.transition(SessionState.Terminating, reason, details);
    this.#obs.stop();
    this.#inbound?.dispose();
    this.#calls.dispose();
    this.#outbound?.dispose();
    const media = this.#media;
    const info = media?.info;
    if (media !== undefined) await media.close();
    if (this.#mediaStarted && info !== undefined) {
      this.safeEmit('media', Object.freeze({ type: 'stopped', codec: info.codec, remote: info.remote }));
    }
    const finalReason = machine.endReason ?? reason;
    const status = details.status ?? (machine.lastChange?.to === SessionState.Terminating ? machine.lastChange.status : undefined);
    const end: SessionEnd = Object.freeze({
      reason: finalReason,
      ...(status !== undefined ? { status } : {}),
      ...(details.error !== undefined ? { error: details.error } : {}),
    });
    this.#end = end;
    machine.transition(SessionState.Terminated, finalReason, {
      ...(status !== undefined ? { status } : {}),
      ...(details.error !== undefined ? { error: details.error } : {}),
    });
    // An answered call already settled `answered()`: building the error (and its stack) would be wasted.
    if (!wasConnected) {
      this.#answered.reject(new CallFailedError(finalReason, status, details.error === undefined ? {} : { cause: details.error }).addContext(this.#obs.errorContext(status)));
    }
    this.#ctx.onEnded(this, { reason: finalReason, connected: wasConnected });
    this.safeEmit('ended', end);
    this.#resolveFinished(end);
  }
}
