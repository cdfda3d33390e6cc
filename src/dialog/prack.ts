/**
 * Reliable provisional responses at the UAC (RFC 3262 §4): each new reliable 1xx of an early
 * dialog is acknowledged with a PRACK carrying RAck; retransmissions and out-of-order responses
 * are recognised by RSeq and not delivered again.
 *
 * @module
 */
import type { SipRequest, SipResponse } from '../sip/index.js';
import type { Dialog } from './dialog.js';
import { hasOptionTag, parseRSeq } from './reliable-provisional.js';

/**
 * What {@link PrackSender.handle} made of a provisional response:
 * - `unreliable`: no `Require: 100rel` (or no usable RSeq): an ordinary 1xx;
 * - `new`: the next reliable 1xx of its dialog: PRACK sent, deliver it;
 * - `duplicate`: a retransmission (RSeq already seen): drop it;
 * - `out-of-order`: RSeq skips ahead (§4: must not be PRACKed yet): drop it.
 */
export type ReliableVerdict = 'unreliable' | 'new' | 'duplicate' | 'out-of-order';

/** Sends PRACKs for the reliable provisional responses of one INVITE, per early dialog (RFC 3262 §4). */
export class PrackSender {
  readonly #last = new WeakMap<Dialog, number>();
  readonly #log: (format: string, ...args: unknown[]) => void;
  /** PRACKs sent so far. */
  sent = 0;

  /** @param log - debug output */
  constructor(log: (format: string, ...args: unknown[]) => void) {
    this.#log = log;
  }

  /**
   * Look at a 1xx (with To tag) of `invite` that belongs to `dialog`; send the PRACK when it is a
   * new reliable one. The PRACK's final response is only logged (a 481 ends the early dialog).
   */
  handle(dialog: Dialog, response: SipResponse, invite: SipRequest): ReliableVerdict {
    if (response.status <= 100 || !hasOptionTag(response, 'Require')) return 'unreliable';
    const rseq = parseRSeq(response.get('RSeq'));
    if (rseq === undefined) return 'unreliable';
    const last = this.#last.get(dialog);
    if (last !== undefined && rseq <= last) return 'duplicate';
    if (last !== undefined && rseq !== last + 1) return 'out-of-order';
    this.#last.set(dialog, rseq);
    this.sent++;
    try {
      dialog.request('PRACK', { headers: { RAck: `${rseq} ${invite.cseq.seq} ${invite.method}` } }).then(
        (res) => this.#log('PRACK for RSeq %d of %s: %d', rseq, invite.callId, res.status),
        (err: unknown) => this.#log('PRACK for RSeq %d of %s failed: %O', rseq, invite.callId, err),
      );
    } catch (err) {
      this.#log('PRACK for RSeq %d not sent: %O', rseq, err);
    }
    return 'new';
  }
}
