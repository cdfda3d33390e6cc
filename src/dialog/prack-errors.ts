import { SiplineError } from '../util/index.js';

/**
 * A reliable provisional response got no PRACK within 64*T1 (RFC 3262 §3), or the INVITE got its
 * final response (or ended) while the response still waited to be sent or acknowledged.
 */
export class PrackTimeoutError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_PRACK_TIMEOUT';
  /** @param message - details */
  constructor(message = 'no PRACK for the reliable provisional response (RFC 3262 §3)') {
    super('ERR_PRACK_TIMEOUT', message);
  }
}
