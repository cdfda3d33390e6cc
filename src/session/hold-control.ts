/**
 * Renegotiations this side starts: hold and resume by re-INVITE (RFC 3264 §8.4, RFC 6337 §5.3)
 * and session refreshes (RFC 4028 §7.4, §10) by UPDATE or re-INVITE. Glare (491) is retried by
 * the dialog after the RFC 3261 §14.1 delay, each retry with an offer rebuilt for the state of the
 * call at that moment. A failure leaves the call exactly as it was.
 *
 * @module
 */
import createDebug from 'debug';
import { RequestPendingError, sendUpdate } from '../dialog/index.js';
import type { Dialog, MessageContent } from '../dialog/index.js';
import { applyAnswer } from '../sdp/index.js';
import type { NegotiatedMedia } from '../sdp/index.js';
import type { SipResponse } from '../sip/index.js';
import type { CallControl } from './call-control.js';
import { ReinviteFailedError } from './call-control-errors.js';
import type { RenegotiationOperation } from './call-control-errors.js';
import { SessionStateError } from './errors.js';
import { SessionState } from './session-state.js';
import { retryIntervalAfter422, uacTimerHeaders, uacTimerTerms } from './session-timer-rules.js';

const debug = createDebug('sipline:session');

/** Waits while the far end's own INVITE is in progress before ours may start (§14.1). */
const PENDING_WAIT_MS = 150;
const PENDING_TRIES = 40;

function sleep(cc: CallControl, ms: number): Promise<void> {
  return new Promise((resolve) => cc.c.ctx.clock.setTimeout(resolve, ms));
}

/** The refresh headers our re-INVITEs carry while a session timer runs (we are its UAC). */
function refreshHeaders(cc: CallControl): Record<string, string> {
  const terms = cc.timer.terms;
  if (terms === undefined) return {};
  return uacTimerHeaders(cc.c.ctx.config.sessionTimers, terms.interval, Math.min(terms.interval, cc.c.ctx.config.sessionTimers.minSE), 'uac');
}

/**
 * Send a re-INVITE with an offer built by `offer` for each attempt; resolves with the final
 * response and the offer it answered. Waits (bounded) while the far end's INVITE is in progress.
 */
async function reinvite(cc: CallControl, dialog: Dialog, op: RenegotiationOperation, offer: () => string): Promise<{ res: SipResponse; sent: string }> {
  let sent = '';
  const prepare = (): MessageContent => {
    sent = offer();
    return { body: sent, headers: refreshHeaders(cc) };
  };
  for (let attempt = 0; ; attempt++) {
    try {
      cc.offerPending = true;
      const res = await dialog.reinvite({ prepare });
      return { res, sent };
    } catch (err) {
      if (!(err instanceof RequestPendingError) || attempt >= PENDING_TRIES) throw new ReinviteFailedError(op, undefined, { cause: err });
    } finally {
      cc.offerPending = false;
    }
    await sleep(cc, PENDING_WAIT_MS);
    if (dialog.state !== 'confirmed') throw new ReinviteFailedError(op, undefined, { message: `${op} failed: the dialog ended` });
  }
}

/**
 * Hold (`hold` true) or resume the call by re-INVITE. Resolves once the 2xx is applied (state
 * `on-hold` / `connected`, RTP direction changed); rejects with {@link ReinviteFailedError}
 * when the re-INVITE fails (nothing changed) or {@link SessionStateError} when the state forbids it.
 */
export async function changeLocalHold(cc: CallControl, hold: boolean): Promise<void> {
  const c = cc.c;
  const op: RenegotiationOperation = hold ? 'hold' : 'resume';
  const allowed = hold ? [SessionState.Connected, SessionState.OnHold] : [SessionState.OnHold];
  c.machine.assert(allowed, op);
  if (cc.localHold === hold) {
    if (hold) return; // already holding (e.g. a second hold() while the first ran)
    throw new SessionStateError(op, c.machine.state, 'Cannot resume: this side does not hold the call (the far end does)');
  }
  const dialog = cc.dialog;
  if (dialog === undefined || dialog.state !== 'confirmed' || c.media() === undefined) throw new SessionStateError(op, c.machine.state);
  const { res, sent } = await reinvite(cc, dialog, op, () => cc.buildOffer(hold));
  if (res.status < 200 || res.status >= 300) {
    debug('%s: %s re-INVITE answered %d; nothing changed', c.label, op, res.status);
    throw new ReinviteFailedError(op, res.status);
  }
  await c.enqueue(async () => {
    if (c.machine.isEnding) throw new SessionStateError(op, c.machine.state);
    let negotiated: NegotiatedMedia;
    try {
      negotiated = applyAnswer(sent, res.body.toString('utf8'));
    } catch (err) {
      throw new ReinviteFailedError(op, res.status, { cause: err, message: `${op} failed: the 2xx carried no usable SDP answer` });
    }
    await cc.apply(negotiated, hold, 'local', sent);
    if (cc.timer.terms !== undefined) cc.timer.refreshed(uacTimerTerms(c.ctx.config.sessionTimers, res));
  });
}

/**
 * Refresh the session (RFC 4028 §10) as its refresher: UPDATE without a body when the far end
 * allows UPDATE, else a re-INVITE repeating our current description (same version, §8 of RFC
 * 3264). A 422 is retried once with the larger Min-SE; a 2xx re-arms the timer with its terms.
 * Skipped (the running renegotiation refreshes) when another one is in progress.
 */
export async function sendRefresh(cc: CallControl): Promise<void> {
  const c = cc.c;
  const dialog = cc.dialog;
  if (c.machine.isEnding || dialog === undefined || dialog.state !== 'confirmed') return;
  await cc.exclusive(async () => {
    const terms = cc.timer.terms;
    if (terms === undefined || c.machine.isEnding) return;
    const config = c.ctx.config.sessionTimers;
    let interval = terms.interval;
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers = uacTimerHeaders(config, interval, Math.min(interval, config.minSE), 'uac');
      let res: SipResponse;
      let sent: string | undefined;
      if (cc.peerAllowsUpdate) {
        res = await sendUpdate(dialog, { clock: c.ctx.clock, headers });
      } else {
        // The description last agreed, repeated as it is (same version): nothing changes (RFC 4028 §7.4).
        const out = await reinvite(cc, dialog, 'refresh', () => cc.agreedSdp ?? cc.buildOffer(cc.localHold)).catch(() => undefined);
        if (out === undefined) return;
        ({ res, sent } = out);
      }
      if (res.status >= 200 && res.status < 300) {
        const next = uacTimerTerms(config, res);
        await c.enqueue(async () => {
          if (sent !== undefined && res.body.length > 0 && !c.machine.isEnding) {
            try {
              await cc.apply(applyAnswer(sent, res.body.toString('utf8')), cc.localHold, 'remote', sent);
            } catch (err) {
              debug('%s: refresh answer not applied: %O', c.label, err);
            }
          }
          cc.timer.refreshed(next);
        });
        return;
      }
      const larger = res.status === 422 ? retryIntervalAfter422(res, interval) : undefined;
      if (larger === undefined) {
        debug('%s: session refresh answered %d; the session expires unless a later one succeeds', c.label, res.status);
        return;
      }
      interval = larger;
    }
  });
}
