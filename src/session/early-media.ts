/**
 * Provisional responses of an incoming call, reliable (RFC 3262) when the caller asks for it or
 * our configuration prefers it, and early media (RFC 3960 gateway model): 183 Session Progress
 * with the SDP answer, media started before the answer.
 *
 * @module
 */
import type { IncomingInvite, ResponseOptions } from '../dialog/index.js';
import type { AudioSource } from '../media/index.js';
import type { SdpAnswer } from '../sdp/index.js';
import type { SipResponse } from '../sip/index.js';
import { SessionStateError } from './errors.js';
import type { SessionControl } from './session-control.js';
import type { ResponseHeadersOptions } from './session-types.js';

/**
 * Whether a provisional response to `invite` goes reliably (RFC 3262 §3): always when the INVITE
 * requires 100rel; when it only supports it, for a 1xx carrying SDP (early media must not be
 * lost) or when `sip.reliableProvisional` is `required`; never with `off`.
 */
export function wantsReliable(c: SessionControl, invite: IncomingInvite, carriesSdp: boolean): boolean {
  const mode = c.ctx.config.sip.reliableProvisional;
  if (mode === 'off') return false;
  if (invite.peerRequires100rel) return true;
  return invite.peerSupports100rel && (carriesSdp || mode === 'required');
}

/** Send a 1xx, reliably when {@link wantsReliable} says so (its PRACK is awaited by the dialog layer). */
export function sendProvisional(c: SessionControl, invite: IncomingInvite, status: number, options: ResponseOptions): void {
  const carriesSdp = options.body !== undefined && options.body.length > 0;
  if (wantsReliable(c, invite, carriesSdp)) {
    invite.provisionalReliably(status, options).catch(() => undefined);
    return;
  }
  invite.provisional(status, options);
}

/**
 * Early media for an incoming call: 183 with the SDP answer (the same SDP the 200 carries later,
 * RFC 3264 §5), RTP started at once, `source` played until it ends (it keeps playing after the
 * answer). Runs on the session queue.
 * @throws SessionStateError when the INVITE carried no offer (no answer to put in the 183)
 */
export async function sendEarlyMedia(
  c: SessionControl, invite: IncomingInvite, answer: SdpAnswer | undefined, source: AudioSource, options: ResponseHeadersOptions,
): Promise<void> {
  const media = c.media();
  if (answer === undefined || media === undefined) {
    throw new SessionStateError('ring', c.machine.state, 'Cannot send early media: the INVITE carried no SDP offer to answer');
  }
  sendProvisional(c, invite, 183, {
    reason: 'Session Progress',
    body: answer.sdp,
    ...(options.headers !== undefined ? { headers: options.headers } : {}),
  });
  await c.startMedia(answer.media);
  media.play(source).catch(() => undefined);
}

/** True when a provisional response was sent reliably (`Require: 100rel` with an RSeq). */
export function isReliableProvisional(res: SipResponse): boolean {
  return res.get('RSeq') !== undefined && res.getAll('Require').some((v) => /(^|,)\s*100rel\s*(,|$)/i.test(v));
}
