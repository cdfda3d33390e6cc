/**
 * Re-INVITEs and UPDATEs from the far end inside a confirmed dialog (RFC 3261 §14.2, RFC 3311
 * §5.2): the offer is answered by our SDP offer/answer (RFC 3264 §8: a new address or port, a
 * codec change, a direction change such as hold) and applied to the running RTP session without
 * dropping the call; an offer-less re-INVITE gets our offer in the 2xx and its answer in the ACK.
 * Session-timer headers are negotiated on each (RFC 4028 §9): each counts as a refresh.
 *
 * @module
 */
import createDebug from 'debug';
import type { IncomingRequest } from '../dialog/index.js';
import { SdpNegotiationError, applyAnswer } from '../sdp/index.js';
import type { SipRequest } from '../sip/index.js';
import type { CallControl } from './call-control.js';
import { uasTimerDecision } from './session-timer-rules.js';

const debug = createDebug('sipline:session');

function safeRespond(request: IncomingRequest, status: number, options: Parameters<IncomingRequest['respond']>[1] = {}): void {
  if (request.responded) return;
  try {
    request.respond(status, options);
  } catch (err) {
    debug('response %d to %s not sent: %O', status, request.method, err);
  }
}

/**
 * Handle a re-INVITE or UPDATE of the session's dialog. An UPDATE with an offer while our own
 * offer is pending gets 491 at once (RFC 3311 §5.2; the dialog already does this for INVITE);
 * everything else runs on the session's queue, after every earlier event of the call.
 */
export function handleRemoteOffer(cc: CallControl, request: IncomingRequest): void {
  const hasBody = request.request.body.length > 0;
  if (request.method === 'UPDATE' && hasBody && cc.offerPending) {
    safeRespond(request, 491);
    return;
  }
  cc.c.enqueue(() => answerRemote(cc, request)).catch((err: unknown) => {
    debug('%s: %s from the far end failed: %O', cc.c.label, request.method, err);
    safeRespond(request, 500);
  });
}

async function answerRemote(cc: CallControl, incoming: IncomingRequest): Promise<void> {
  const c = cc.c;
  const req: SipRequest = incoming.request;
  if (c.machine.isEnding || c.media() === undefined || c.media()?.closed === true) {
    safeRespond(incoming, 481);
    return;
  }
  const decision = uasTimerDecision(c.ctx.config.sessionTimers, req);
  if (decision.reject !== undefined) {
    safeRespond(incoming, 422, { headers: decision.reject });
    return;
  }
  const headers = decision.headers;
  if (req.body.length === 0) {
    if (incoming.method === 'UPDATE') {
      safeRespond(incoming, 200, { headers });
      cc.timer.refreshed(decision.terms);
      return;
    }
    await offerInAnswer(cc, incoming, headers);
    cc.timer.refreshed(decision.terms);
    return;
  }
  const media = c.media()!;
  let answer;
  try {
    answer = c.local.createAnswer(req.body.toString('utf8'), cc.capabilities(), {
      address: c.ctx.sdpAddress,
      port: media.localRtpPort,
      ptime: c.ctx.config.media.ptime,
      direction: cc.localHold ? 'sendonly' : 'sendrecv',
    });
  } catch (err) {
    debug('%s: remote offer refused: %O', c.label, err);
    safeRespond(incoming, err instanceof SdpNegotiationError ? 488 : 400);
    return;
  }
  safeRespond(incoming, 200, { body: answer.sdp, headers });
  await cc.apply(answer.media, cc.localHold, 'remote', answer.sdp);
  cc.timer.refreshed(decision.terms);
}

/** A re-INVITE without SDP: our offer goes in the 2xx, the answer comes in the ACK (RFC 3261 §14.2). */
async function offerInAnswer(cc: CallControl, incoming: IncomingRequest, headers: Record<string, string>): Promise<void> {
  const c = cc.c;
  const dialog = cc.dialog;
  const offer = cc.buildOffer(cc.localHold);
  const cseq = incoming.request.cseq.seq;
  safeRespond(incoming, 200, { body: offer, headers });
  if (dialog === undefined) return;
  const onAck = (ack: SipRequest): void => {
    if (ack.cseq.seq !== cseq) return;
    dialog.off('ack', onAck);
    if (ack.body.length === 0) return;
    c.post(async () => {
      if (c.machine.isEnding) return;
      try {
        await cc.apply(applyAnswer(offer, ack.body.toString('utf8')), cc.localHold, 'remote', offer);
      } catch (err) {
        debug('%s: answer in ACK not usable, media unchanged: %O', c.label, err);
      }
    });
  };
  dialog.on('ack', onAck);
}
