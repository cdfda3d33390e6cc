/**
 * Call control of one session once it is set up: hold and resume (RFC 3264 §8.4, RFC 6337 §5.3),
 * re-INVITEs and UPDATEs from the far end applied to the live media (RFC 3264 §8, RFC 3311),
 * mute, and RFC 4028 session timers. The sending side lives in `hold-control.ts`, the receiving
 * side in `remote-offer.ts`, the timer rules in `session-timer-rules.ts`.
 *
 * @module
 */
import createDebug from 'debug';
import { allowsUpdate } from '../dialog/index.js';
import type { Dialog } from '../dialog/index.js';
import { DEFAULT_CODECS, TELEPHONE_EVENT, canReceive, directionForHold } from '../sdp/index.js';
import type { CodecCapability, NegotiatedMedia } from '../sdp/index.js';
import type { SipRequest, SipResponse } from '../sip/index.js';
import { changeLocalHold, sendRefresh } from './hold-control.js';
import { handleRemoteOffer } from './remote-offer.js';
import { codecCapabilities } from './session-context.js';
import type { SessionControl } from './session-control.js';
import { SessionState } from './session-state.js';
import { SessionTimer } from './session-timer.js';
import { retryIntervalAfter422, uacTimerHeaders, uacTimerTerms, uasTimerDecision } from './session-timer-rules.js';

const debug = createDebug('sipline:session');

/** Who put the call on hold or took it off: this side or the far end. */
export type HoldInitiator = 'local' | 'remote';

/** How a {@link CallControl} reports hold changes to its session. */
export type HoldReporter = (type: 'hold' | 'resume', by: HoldInitiator) => void;

/** Most INVITE retries after 422 Session Interval Too Small (RFC 4028 §7.4). */
const MAX_422_RETRIES = 2;

/**
 * Hold, resume, mute, remote re-offers and the session timer of one session. Created with the
 * session; attached to its dialog once the call is answered. @internal
 */
export class CallControl {
  /** The session it belongs to. */
  readonly c: SessionControl;
  /** The session timer (idle until negotiated). */
  readonly timer: SessionTimer;
  readonly #report: HoldReporter;
  /** We hold the far end (our last offer or answer said sendonly / inactive). */
  localHold = false;
  /** The far end holds us (its last description does not want to receive). */
  remoteHold = false;
  /** Our offer (re-INVITE or UPDATE) waits for its answer: an UPDATE offer gets 491 (RFC 3311 §5.2). */
  offerPending = false;
  /** The last offer/answer result applied to the media. */
  negotiated: NegotiatedMedia | undefined;
  /**
   * The description we sent in the last completed offer/answer exchange (our offer or our
   * answer): what a session refresh re-INVITE repeats, version unchanged (RFC 4028 §7.4).
   */
  agreedSdp: string | undefined;
  /** The far end accepts UPDATE (its Allow), so refreshes need no SDP. */
  peerAllowsUpdate = false;
  #dialog: Dialog | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  #askInterval: number;
  #askMinSE: number;
  #retries422 = 0;

  /**
   * @param control - the session's control surface
   * @param report - emits `hold` / `resume` on the session
   */
  constructor(control: SessionControl, report: HoldReporter) {
    this.c = control;
    this.#report = report;
    const timers = control.ctx.config.sessionTimers;
    this.#askInterval = timers.expires;
    this.#askMinSE = timers.minSE;
    this.timer = new SessionTimer(control.ctx.clock, {
      refresh: () => { void sendRefresh(this).catch((err: unknown) => debug('%s: refresh failed: %O', control.label, err)); },
      expire: () => { control.post(() => this.#expire()); },
    }, control.id);
  }

  /** The dialog of the call, once attached. */
  get dialog(): Dialog | undefined {
    return this.#dialog;
  }

  /** True while either side holds the call. */
  get held(): boolean {
    return this.localHold || this.remoteHold;
  }

  /** Take over re-INVITE and UPDATE inside `dialog` (RFC 3261 §14.2, RFC 3311 §5.2). */
  attach(dialog: Dialog): void {
    if (this.#dialog === dialog) return;
    this.#dialog = dialog;
    const handler = (req: Parameters<typeof handleRemoteOffer>[1]): void => handleRemoteOffer(this, req);
    dialog.setMethodHandler('INVITE', handler);
    dialog.setMethodHandler('UPDATE', handler);
    dialog.on('terminated', () => this.timer.stop());
  }

  /** Media started with `media` (the first answer, or early media): remember it. */
  noteNegotiated(media: NegotiatedMedia): void {
    this.negotiated = media;
    this.agreedSdp ??= this.c.local.current;
    this.remoteHold = !canReceive(media.remoteDirection) || media.legacyHold;
  }

  // ------------------------------------------------------------ session timers (RFC 4028)

  /**
   * Headers of our initial INVITE: Session-Expires, Min-SE (§7.1); `Supported: timer` is in the
   * UA core's Supported header already.
   */
  inviteHeaders(): Record<string, string> {
    const { Supported: _supported, ...headers } = uacTimerHeaders(this.c.ctx.config.sessionTimers, this.#askInterval, this.#askMinSE);
    return headers;
  }

  /**
   * Our INVITE got 422 (§7.4): true when it should be sent again, now asking for the larger
   * Min-SE of the response ({@link CallControl.inviteHeaders} then says so).
   */
  retryAfter422(response: SipResponse): boolean {
    if (!this.c.ctx.config.sessionTimers.enabled || this.#retries422 >= MAX_422_RETRIES) return false;
    const next = retryIntervalAfter422(response, this.#askInterval);
    if (next === undefined) return false;
    this.#retries422++;
    this.#askInterval = next;
    this.#askMinSE = next;
    debug('%s: 422, retrying the INVITE with Session-Expires %d', this.c.label, next);
    return true;
  }

  /** Our INVITE was answered 2xx: the timer it agreed (§7.2), and whether the peer allows UPDATE. */
  answeredOutgoing(response: SipResponse): void {
    this.peerAllowsUpdate = allowsUpdate(response);
    this.timer.start(uacTimerTerms(this.c.ctx.config.sessionTimers, response));
  }

  /** The 422 headers (our Min-SE) when an incoming INVITE asks for too short an interval (§9). */
  tooSmall(request: SipRequest): { readonly 'Min-SE': string } | undefined {
    return uasTimerDecision(this.c.ctx.config.sessionTimers, request).reject;
  }

  /** We accept the incoming INVITE: the 2xx's timer headers (§9); the timer starts now. */
  acceptHeaders(request: SipRequest): Record<string, string> {
    this.peerAllowsUpdate = allowsUpdate(request);
    const decision = uasTimerDecision(this.c.ctx.config.sessionTimers, request);
    if (decision.reject !== undefined) return {};
    this.timer.start(decision.terms);
    return { ...decision.headers };
  }

  async #expire(): Promise<void> {
    const c = this.c;
    if (c.machine.isEnding) return;
    c.beginEnding('timeout');
    await c.media()?.close();
    const dialog = this.#dialog;
    if (dialog !== undefined && dialog.state === 'confirmed') {
      void dialog.bye({ headers: { Reason: 'SIP ;cause=408 ;text="Session expired"' } }).catch(() => undefined);
    }
    await c.finish('timeout');
  }

  // ------------------------------------------------------------ hold, mute

  /** Put the far end on hold (re-INVITE sendonly, or inactive when it holds us). */
  hold(): Promise<void> {
    return this.exclusive(() => changeLocalHold(this, true));
  }

  /** Take the call off hold (re-INVITE sendrecv, or recvonly while the far end holds us). */
  resume(): Promise<void> {
    return this.exclusive(() => changeLocalHold(this, false));
  }

  /** Run `task` after every earlier local renegotiation of this call. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(task, task);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** Our codecs for a new offer or answer, the codec in use first (so a re-offer keeps it). */
  capabilities(): readonly CodecCapability[] {
    const caps = codecCapabilities(this.c.ctx.config.media.codecs);
    const current = this.negotiated?.codec.name.toUpperCase();
    const media = this.c.media();
    const usable = caps.filter((cap) => cap.name === TELEPHONE_EVENT || media === undefined || media.canSwitchCodec(cap.name));
    if (current === undefined) return usable;
    const first = usable.filter((cap) => cap.name.toUpperCase() === current);
    if (first.length === 0) {
      const known = DEFAULT_CODECS.find((cap) => cap.name.toUpperCase() === current);
      if (known !== undefined && (media === undefined || media.canSwitchCodec(known.name))) first.push(known);
    }
    return [...first, ...usable.filter((cap) => cap.name.toUpperCase() !== current)];
  }

  /** A new offer of ours (same origin, version bumped only when it changed) for a hold state. */
  buildOffer(localHold: boolean): string {
    const c = this.c;
    const media = c.media();
    if (media === undefined) throw new Error('no media to describe');
    return c.local.createOffer({
      address: c.ctx.sdpAddress,
      port: media.localRtpPort,
      codecs: this.capabilities(),
      ptime: c.ctx.config.media.ptime,
      direction: directionForHold({ localHold, remoteHold: this.remoteHold }),
    });
  }

  /**
   * Apply an offer/answer result: media first (address, codec, direction), then the hold flags,
   * the state (`connected` <-> `on-hold`) and the `hold` / `resume` events. Runs on the queue.
   */
  async apply(media: NegotiatedMedia, localHold: boolean, by: HoldInitiator, ours?: string): Promise<void> {
    const c = this.c;
    if (ours !== undefined) this.agreedSdp = ours;
    const pipeline = c.media();
    if (pipeline !== undefined && !pipeline.closed) await pipeline.update(media);
    this.negotiated = media;
    const before = { local: this.localHold, remote: this.remoteHold };
    this.localHold = localHold;
    this.remoteHold = !canReceive(media.remoteDirection) || media.legacyHold;
    const state = c.machine.state;
    if (state === SessionState.Connected || state === SessionState.OnHold) {
      const want = this.held ? SessionState.OnHold : SessionState.Connected;
      if (want !== state) {
        const reason = want === SessionState.OnHold ? (by === 'local' ? 'local-hold' : 'remote-hold') : (by === 'local' ? 'local-resume' : 'remote-resume');
        c.machine.transition(want, reason);
      }
    }
    if (before.local !== this.localHold) this.#report(this.localHold ? 'hold' : 'resume', 'local');
    if (before.remote !== this.remoteHold) this.#report(this.remoteHold ? 'hold' : 'resume', 'remote');
  }

  /** Mute (silence goes out) or unmute; no renegotiation, no state change. */
  setMuted(muted: boolean): void {
    this.c.media()?.setMuted(muted);
  }

  /** True while muted. */
  get muted(): boolean {
    return this.c.media()?.muted ?? false;
  }

  /** Stop the session timer (the call ends). */
  dispose(): void {
    this.timer.stop();
  }
}
