/**
 * The incoming side of a session (RFC 3261 §13.3, RFC 3264 §6): check the offer against our
 * codecs, reserve RTP ports, then carry out the application's decision: 18x, 200 with the SDP
 * answer (or our offer when the INVITE had none, the answer coming in the ACK, §13.2.1), or a
 * final rejection. A CANCEL ends the session with reason `cancelled`.
 *
 * @module
 */
import type { Dialog, IncomingInvite } from '../dialog/index.js';
import { applyAnswer, summarizeSdp, SdpNegotiationError } from '../sdp/index.js';
import type { CodecCapability, NegotiatedMedia, SdpAnswer, SdpSummary } from '../sdp/index.js';
import type { SipRequest } from '../sip/index.js';
import { InvalidArgumentError } from '../util/index.js';
import type { EndReason } from './end-reason.js';
import { SessionStateError } from './errors.js';
import { MediaPipeline } from './media-pipeline.js';
import { codecCapabilities } from './session-context.js';
import { withHeaders } from './session-timer-rules.js';
import type { SessionControl } from './session-control.js';
import { SessionState } from './session-state.js';
import type { AnswerOptions, ResponseHeadersOptions } from './session-types.js';
import type { AudioSource } from '../media/index.js';
import { sendEarlyMedia, sendProvisional } from './early-media.js';

/** The incoming half of a {@link Session}. @internal */
export class InboundFlow {
  /** The INVITE as the UA core handed it over. */
  readonly invite: IncomingInvite;
  /** The SDP offer of the INVITE, if it had one. */
  readonly offer: string | undefined;
  #summary: SdpSummary | undefined;
  readonly #c: SessionControl;
  readonly #caps: readonly CodecCapability[];
  #answer: SdpAnswer | undefined;
  #ourOffer: string | undefined;
  #decided = false;

  constructor(control: SessionControl, invite: IncomingInvite) {
    this.#c = control;
    this.invite = invite;
    const body = invite.request.body;
    this.offer = body.length > 0 ? body.toString('utf8') : undefined;
    this.#caps = codecCapabilities(control.ctx.config.media.codecs);
    invite.on('cancelled', () => {
      this.#decided = true;
      control.post(async () => {
        if (control.machine.isEnding) return;
        control.beginEnding('cancelled', { status: 487 });
        await control.finish('cancelled', { status: 487 });
      });
    });
    invite.on('prack-timeout', () => {
      // RFC 3262 §3: no PRACK for a reliable 18x; the dialog layer answered 504.
      this.#decided = true;
      control.post(async () => {
        if (control.machine.isEnding) return;
        control.beginEnding('timeout', { status: 504 });
        await control.finish('timeout', { status: 504 });
      });
    });
  }

  /** Summary of the offer, once checked. */
  get summary(): SdpSummary | undefined {
    return this.#summary;
  }

  /** True once answered, rejected, cancelled or ended. */
  get decided(): boolean {
    return this.#decided || this.#c.machine.isEnding;
  }

  /**
   * `ringing`, then: summarize the offer (malformed: 400), reserve RTP ports (none free: 503),
   * negotiate (no common codec: 488, `codec-mismatch`). Resolves true when the call may be
   * offered to the application.
   */
  prepare(): Promise<boolean> {
    const c = this.#c;
    return c.enqueue(async () => {
      if (c.machine.isEnding) return false;
      c.machine.transition(SessionState.Ringing, 'invite-received');
      // RFC 4028 §9: a Session-Expires below our Min-SE gets 422 with our Min-SE.
      const minSE = c.callControl.tooSmall(this.invite.request);
      if (minSE !== undefined) return this.#refuse(422, 'rejected', undefined, 'Session Interval Too Small', minSE);
      if (this.offer !== undefined) {
        try {
          this.#summary = summarizeSdp(this.offer);
        } catch (err) {
          return this.#refuse(400, 'rejected', err, 'Bad Request - malformed SDP');
        }
      }
      let media: MediaPipeline;
      try {
        const ports = await c.ctx.ports.allocate();
        media = new MediaPipeline({
          ports, ptime: c.ctx.config.media.ptime, clock: c.ctx.clock, label: c.label ?? c.id,
          ...(c.ctx.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: c.ctx.rtcpIntervalMs } : {}),
        });
      } catch (err) {
        return this.#refuse(503, 'unavailable', err, 'Service Unavailable - no RTP port free');
      }
      c.setMedia(media);
      if (this.offer !== undefined) {
        try {
          this.#answer = c.local.createAnswer(this.offer, this.#caps, {
            address: c.ctx.sdpAddress, port: media.localRtpPort, ptime: c.ctx.config.media.ptime,
          });
        } catch (err) {
          if (err instanceof SdpNegotiationError) return this.#refuse(488, 'codec-mismatch', err);
          return this.#refuse(400, 'rejected', err, 'Bad Request - unusable SDP');
        }
      }
      return this.invite.state === 'pending' && !c.machine.isEnding;
    });
  }

  async #refuse(status: number, reason: EndReason, error: unknown, phrase?: string, headers?: Record<string, string>): Promise<false> {
    this.#decided = true;
    if (this.invite.state === 'pending') {
      this.invite.reject(status, { ...(phrase === undefined ? {} : { reason: phrase }), ...(headers === undefined ? {} : { headers }) });
    }
    this.#c.beginEnding(reason, { status, error });
    await this.#c.finish(reason, { status, error });
    return false;
  }

  #claim(op: string): void {
    if (this.decided) {
      throw new SessionStateError(op, this.#c.machine.state, `Cannot ${op}: the call was already ${this.#c.machine.isEnding ? 'ended' : 'decided'}`);
    }
    this.#decided = true;
  }

  #assertPending(op: string): void {
    const c = this.#c;
    if (c.machine.isEnding || this.invite.state !== 'pending') {
      throw new SessionStateError(op, c.machine.state, `Cannot ${op}: the INVITE is ${this.invite.state} and the session ${c.machine.state}`);
    }
  }

  /** 200 OK with the answer (or our offer) and start media. */
  answer(options: AnswerOptions): Promise<void> {
    try {
      this.#claim('answer');
    } catch (err) {
      return Promise.reject(err);
    }
    const c = this.#c;
    return c.enqueue(async () => {
      this.#assertPending('answer');
      const media = c.media();
      if (media === undefined) throw new SessionStateError('answer', c.machine.state, 'Cannot answer: no media was prepared');
      let negotiated: NegotiatedMedia | undefined;
      let body: string;
      if (this.#answer !== undefined) {
        body = this.#answer.sdp;
        negotiated = this.#answer.media;
      } else {
        body = c.local.createOffer({ address: c.ctx.sdpAddress, port: media.localRtpPort, codecs: this.#caps, ptime: c.ctx.config.media.ptime });
        this.#ourOffer = body;
      }
      // RFC 3262 §3: no 2xx while a reliable 18x carrying SDP waits for its PRACK.
      await this.invite.offerSettled();
      this.#assertPending('answer');
      let dialog: Dialog;
      try {
        const headers = withHeaders(options.headers, c.callControl.acceptHeaders(this.invite.request));
        dialog = this.invite.accept({ body, ...(headers !== undefined ? { headers } : {}) });
      } catch (err) {
        // The INVITE cannot become a dialog (e.g. a header the checks let through): a 500, never a call stuck ringing.
        await this.#refuse(500, 'error', err);
        throw err;
      }
      c.attachDialog(dialog);
      if (negotiated === undefined) dialog.once('ack', (ack) => c.post(() => this.#onAck(ack)));
      else {
        // RTP starts once the ACK confirms the dialog (RFC 3261 §13.3.1.4); the ports are bound and in
        // the answer already. A caller that never ACKs (gone, or its ACK lost under overload) costs no
        // media until the 2xx times out, so an overloaded server recovers instead of streaming to it.
        const media = negotiated;
        dialog.once('ack', () => c.post(() => this.#start(media)));
      }
      c.connected(200);
    });
  }

  async #start(negotiated: NegotiatedMedia): Promise<void> {
    const c = this.#c;
    try {
      await c.startMedia(negotiated);
    } catch (err) {
      c.report(err);
      await this.#byeAndFinish('error', err);
    }
  }

  async #byeAndFinish(reason: EndReason, error: unknown): Promise<void> {
    const c = this.#c;
    if (c.machine.isEnding) return;
    c.beginEnding(reason, { error });
    const dialog = c.dialog();
    if (dialog !== undefined && dialog.state === 'confirmed') void dialog.bye().catch(() => undefined);
    await c.finish(reason, { error });
  }

  /** The ACK of a 200 that carried our offer: it carries the answer (RFC 3261 §13.2.1). */
  async #onAck(ack: SipRequest): Promise<void> {
    const c = this.#c;
    if (c.machine.isEnding || this.#ourOffer === undefined) return;
    let negotiated: NegotiatedMedia;
    try {
      if (ack.body.length === 0) throw new SdpNegotiationError('ERR_SDP_ANSWER_MISMATCH', 'the ACK carried no SDP answer');
      negotiated = applyAnswer(this.#ourOffer, ack.body.toString('utf8'));
      this.#summary = summarizeSdp(ack.body.toString('utf8'));
    } catch (err) {
      await this.#byeAndFinish('codec-mismatch', err);
      return;
    }
    await this.#start(negotiated);
  }

  /** Final failure response; the session ends `rejected`. */
  reject(status: number, reason: string | undefined, options: ResponseHeadersOptions): Promise<void> {
    if (!Number.isInteger(status) || status < 300 || status > 699) {
      return Promise.reject(new InvalidArgumentError('status', `${String(status)} is not a final failure status (300-699)`));
    }
    try {
      this.#claim('reject');
    } catch (err) {
      return Promise.reject(err);
    }
    const c = this.#c;
    return c.enqueue(async () => {
      this.#assertPending('reject');
      this.invite.reject(status, {
        ...(reason !== undefined ? { reason } : {}),
        ...(options.headers !== undefined ? { headers: options.headers } : {}),
      });
      c.beginEnding('rejected', { status });
      await c.finish('rejected', { status });
    });
  }

  /** A provisional response (180 Ringing by default). */
  ring(status: number, options: ResponseHeadersOptions): Promise<void> {
    if (!Number.isInteger(status) || status < 101 || status > 199) {
      return Promise.reject(new InvalidArgumentError('status', `${String(status)} is not a provisional status (101-199)`));
    }
    const c = this.#c;
    return c.enqueue(() => {
      this.#assertPending('ring');
      sendProvisional(c, this.invite, status, options.headers !== undefined ? { headers: options.headers } : {});
    });
  }

  /** 183 with the SDP answer, media started, `source` played before the answer (early media). */
  earlyMedia(source: AudioSource, options: ResponseHeadersOptions): Promise<void> {
    const c = this.#c;
    return c.enqueue(async () => {
      this.#assertPending('ring');
      if (this.decided) throw new SessionStateError('ring', c.machine.state, 'Cannot send early media: the call was already decided');
      await sendEarlyMedia(c, this.invite, this.#answer, source, options);
    });
  }

  /** End before the answer (hang-up or engine close): a final response, then terminated. Runs on the queue. */
  async end(reason: EndReason, status: number): Promise<void> {
    const c = this.#c;
    this.#decided = true;
    if (this.invite.state === 'pending') this.invite.reject(status);
    c.beginEnding(reason, { status });
    await c.finish(reason, { status });
  }

  /** Nothing to release (no timers of its own). */
  dispose(): void {
    /* the dialog layer owns the INVITE's timers */
  }
}
