/**
 * The outgoing side of a session (RFC 3261 §13.2, RFC 3264 §5): reserve RTP ports, offer in the
 * INVITE, follow the responses (18x -> `ringing`, SDP in a 18x -> early media, 2xx -> answer
 * applied, media, `connected`; a final failure -> the matching end reason), and cancel on
 * hang-up, ring timeout or abort (RFC 3261 §9.1).
 *
 * @module
 */
import type { Dialog, OutgoingInvite } from '../dialog/index.js';
import { applyAnswer, summarizeSdp } from '../sdp/index.js';
import type { NegotiatedMedia, SdpSummary } from '../sdp/index.js';
import type { SipRequest, SipResponse } from '../sip/index.js';
import type { TimerHandle } from '../util/index.js';
import { endReasonFromStatus } from './end-reason.js';
import type { EndReason } from './end-reason.js';
import { CallFailedError } from './errors.js';
import { MediaPipeline } from './media-pipeline.js';
import { codecCapabilities, identityOf } from './session-context.js';
import type { SessionControl } from './session-control.js';

import { SessionState } from './session-state.js';
import { isReliableProvisional } from './early-media.js';
import { withHeaders } from './session-timer-rules.js';
import type { OutboundCallOptions } from './session-types.js';
import { callAuth } from './call-credentials.js';

/**
 * The end reason of a final failure response to our INVITE: `endReasonFromStatus`, except that a
 * 503 the transaction layer made up itself because the request could not be sent (RFC 3261
 * §8.1.3.1) is `transport-error`. `fromWire` says whether the response arrived from the network.
 */
export function failureReason(res: SipResponse, fromWire: boolean): EndReason {
  if (res.status === 503 && !fromWire) return 'transport-error';
  return endReasonFromStatus(res.status);
}

/** The INVITE's extra headers, plus `Require: 100rel` when `sip.reliableProvisional` is `required` (RFC 3262 §4). */
function requireHeaders(mode: string, headers: OutboundCallOptions['headers']): { headers?: OutboundCallOptions['headers'] } {
  if (mode !== 'required') return headers !== undefined ? { headers } : {};
  const lines = headers === undefined ? [] : Array.isArray(headers)
    ? [...(headers as readonly { name: string; value: string }[])]
    : Object.entries(headers as Record<string, string | readonly string[]>).flatMap(([name, v]) =>
      (typeof v === 'string' ? [v] : [...v]).map((value) => ({ name, value })));
  return { headers: [...lines, { name: 'Require', value: '100rel' }] };
}

/** RFC 4028 §7.1: the session-timer headers added to the INVITE's. */
function timerHeaders(h: { headers?: OutboundCallOptions['headers'] }, extra: Record<string, string>): { headers?: OutboundCallOptions['headers'] } {
  const headers = withHeaders(h.headers, extra);
  return headers === undefined ? {} : { headers };
}

/** The outgoing half of a {@link Session}. @internal */
export class OutboundFlow {
  readonly #c: SessionControl;
  readonly #options: OutboundCallOptions;
  #invite: OutgoingInvite | undefined;
  #offer: string | undefined;
  #early: NegotiatedMedia | undefined;
  #answerSummary: SdpSummary | undefined;
  #ringTimer: TimerHandle | undefined;
  #guardTimer: TimerHandle | undefined;
  #onAbort: (() => void) | undefined;

  constructor(control: SessionControl, options: OutboundCallOptions) {
    this.#c = control;
    this.#options = options;
  }

  /** The INVITE, once sent. */
  get request(): SipRequest | undefined {
    return this.#invite?.request;
  }

  /** Summary of the SDP answer, once received. */
  get answerSummary(): SdpSummary | undefined {
    return this.#answerSummary;
  }

  /** Reserve ports, write the offer, send the INVITE; `dialing` once it is sent. */
  dial(): Promise<void> {
    const c = this.#c;
    return c.enqueue(async () => {
      if (c.machine.isEnding) throw new CallFailedError(c.machine.endReason ?? 'error');
      const signal = this.#options.signal;
      if (signal?.aborted === true) return this.#fail('cancelled', undefined);
      const { config, clock } = c.ctx;
      let media: MediaPipeline;
      try {
        const ports = await c.ctx.ports.allocate();
        media = new MediaPipeline({
          ports, ptime: config.media.ptime, clock, label: c.label ?? c.id,
          ...(c.ctx.rtcpIntervalMs !== undefined ? { rtcpIntervalMs: c.ctx.rtcpIntervalMs } : {}),
        });
      } catch (err) {
        return this.#fail('unavailable', err);
      }
      c.setMedia(media);
      // A per-call list is copied: the application may change its own array later (the result is cached per list).
      const codecs = codecCapabilities(this.#options.codecs !== undefined ? [...this.#options.codecs] : config.media.codecs);
      const offer = c.local.createOffer({ address: c.ctx.sdpAddress, port: media.localRtpPort, codecs, ptime: config.media.ptime });
      this.#offer = offer;
      const o = this.#options;
      let invite: OutgoingInvite;
      try {
        invite = await c.ctx.core.invite({
          target: o.target,
          callId: c.callId,
          body: offer,
          ...(o.from !== undefined ? { from: o.from } : {}),
          ...(o.to !== undefined ? { to: o.to } : {}),
          ...(timerHeaders(requireHeaders(config.sip.reliableProvisional, o.headers), c.callControl.inviteHeaders())),
          ...callAuth(o),
        });
      } catch (err) {
        return this.#fail('error', err);
      }
      this.#invite = invite;
      c.setLocalIdentity(identityOf(invite.request.from));
      invite.on('progress', (res) => c.post(() => this.#onProgress(res)));
      invite.on('accepted', (dialog, res) => c.post(() => this.#onAccepted(dialog, res)));
      invite.on('failed', (res) => c.post(() => this.#onFailed(res)));
      if (c.machine.isEnding) {
        invite.cancel();
        return;
      }
      c.machine.transition(SessionState.Dialing, 'invite-sent');
      if (o.timeoutMs !== undefined) {
        this.#ringTimer = clock.setTimeout(() => c.post(() => this.cancel('no-answer')), o.timeoutMs);
      }
      if (signal !== undefined) {
        this.#onAbort = () => { void c.terminate('cancelled').catch(() => undefined); };
        signal.addEventListener('abort', this.#onAbort, { once: true });
      }
    });
  }

  async #fail(reason: EndReason, error: unknown): Promise<never> {
    const c = this.#c;
    c.beginEnding(reason, error === undefined ? {} : { error });
    await c.finish(reason, error === undefined ? {} : { error });
    throw new CallFailedError(reason, undefined, error === undefined ? {} : { cause: error });
  }

  async #onProgress(res: SipResponse): Promise<void> {
    const c = this.#c;
    if (c.machine.isEnding) return;
    c.emitProgress(res.status, res.reason);
    if (res.status > 100 && c.machine.state === SessionState.Dialing) {
      c.machine.transition(SessionState.Ringing, 'provisional', { status: res.status });
    }
    // Early media (RFC 3261 §13.2.1): an answer in a reliable-enough 18x; the 2xx repeats it.
    if (res.body.length > 0 && this.#early === undefined && this.#offer !== undefined) {
      try {
        this.#early = applyAnswer(this.#offer, res.body.toString('utf8'));
        await c.startMedia(this.#early);
        c.emitEarlyMedia(Object.freeze({ status: res.status, reliable: isReliableProvisional(res) }));
      } catch (err) {
        c.report(err);
      }
    }
  }

  async #onAccepted(dialog: Dialog, res: SipResponse): Promise<void> {
    const c = this.#c;
    this.#clearRing();
    c.attachDialog(dialog);
    if (c.machine.isEnding) {
      if (dialog.state === 'confirmed') void dialog.bye().catch(() => undefined);
      return;
    }
    let negotiated: NegotiatedMedia | undefined = this.#early;
    try {
      if (res.body.length > 0 && this.#offer !== undefined) {
        const text = res.body.toString('utf8');
        negotiated = applyAnswer(this.#offer, text);
        this.#answerSummary = summarizeSdp(text);
      }
      if (negotiated === undefined) throw new CallFailedError('codec-mismatch', res.status, { message: 'The 2xx carried no SDP answer' });
    } catch (err) {
      c.beginEnding('codec-mismatch', { status: res.status, error: err });
      void dialog.bye().catch(() => undefined);
      await c.finish('codec-mismatch', { status: res.status, error: err });
      return;
    }
    try {
      await c.startMedia(negotiated);
    } catch (err) {
      c.report(err);
      c.beginEnding('error', { error: err });
      void dialog.bye().catch(() => undefined);
      await c.finish('error', { error: err });
      return;
    }
    c.callControl.answeredOutgoing(res);
    // Media first, so that media operations work as soon as answered() resolves.
    if (!c.machine.isEnding) c.connected(res.status);
  }

  async #onFailed(res: SipResponse): Promise<void> {
    const c = this.#c;
    this.#clearRing();
    if (c.machine.isTerminated) return;
    if (await this.#retry422(res)) return;
    const reason = c.machine.endReason ?? failureReason(res, c.ctx.fromWire(res));
    const status = res.status >= 300 ? res.status : undefined;
    c.beginEnding(reason, status === undefined ? {} : { status });
    await c.finish(reason, status === undefined ? {} : { status });
  }

  /** RFC 4028 §7.4: after 422, the INVITE again (same Call-ID and offer) with the larger Min-SE. */
  async #retry422(res: SipResponse): Promise<boolean> {
    const c = this.#c;
    if (res.status !== 422 || c.machine.isEnding || this.#offer === undefined || !c.callControl.retryAfter422(res)) return false;
    const o = this.#options;
    try {
      const invite = await c.ctx.core.invite({
        target: o.target,
        callId: c.callId,
        body: this.#offer,
        ...(o.from !== undefined ? { from: o.from } : {}),
        ...(o.to !== undefined ? { to: o.to } : {}),
        ...(timerHeaders(requireHeaders(c.ctx.config.sip.reliableProvisional, o.headers), c.callControl.inviteHeaders())),
        ...callAuth(o),
      });
      this.#invite = invite;
      invite.on('progress', (r) => c.post(() => this.#onProgress(r)));
      invite.on('accepted', (dialog, r) => c.post(() => this.#onAccepted(dialog, r)));
      invite.on('failed', (r) => c.post(() => this.#onFailed(r)));
      return true;
    } catch (err) {
      c.report(err);
      return false;
    }
  }

  /**
   * Give up before the answer (runs on the queue): `terminating` with `reason`, CANCEL (sent
   * once a provisional response arrived, RFC 3261 §9.1). The final response ends the session; a
   * guard ends it after `close.timeoutMs` if none comes.
   */
  cancel(reason: EndReason): void {
    const c = this.#c;
    if (c.machine.isEnding) return;
    this.#clearRing();
    c.beginEnding(reason);
    const invite = this.#invite;
    if (invite === undefined) {
      void c.finish(reason);
      return;
    }
    invite.cancel();
    this.#guardTimer = c.ctx.clock.setTimeout(() => {
      this.#guardTimer = undefined;
      c.post(() => c.finish(reason));
    }, c.ctx.config.close.timeoutMs);
  }

  #clearRing(): void {
    if (this.#ringTimer !== undefined) this.#c.ctx.clock.clearTimeout(this.#ringTimer);
    this.#ringTimer = undefined;
  }

  /** Stop the timers and the abort listener. */
  dispose(): void {
    this.#clearRing();
    if (this.#guardTimer !== undefined) this.#c.ctx.clock.clearTimeout(this.#guardTimer);
    this.#guardTimer = undefined;
    if (this.#onAbort !== undefined) this.#options.signal?.removeEventListener('abort', this.#onAbort);
    this.#onAbort = undefined;
  }
}
