import { SiplineError } from '../util/index.js';

/**
 * `sendDtmf` by SIP INFO failed: the far end answered an INFO with a non-2xx status (415 when it
 * does not take `application/dtmf-relay`, 481 when the call is gone, 408 on timeout). Digits before
 * `digit` were delivered.
 */
export class DtmfSendError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_DTMF_SEND';
  /** The digit whose INFO failed. */
  readonly digit: string;
  /** The final SIP status of that INFO. */
  readonly status: number;

  /**
   * @param digit - the digit whose INFO failed
   * @param status - its final status
   * @param reasonPhrase - its reason phrase
   */
  constructor(digit: string, status: number, reasonPhrase = '') {
    super('ERR_DTMF_SEND', `DTMF INFO for digit ${digit} failed with ${status}${reasonPhrase === '' ? '' : ` ${reasonPhrase}`}`);
    this.digit = digit;
    this.status = status;
  }
}
