/**
 * Errors of the registrar (`sipline/advanced`).
 *
 * @module
 */
import { SiplineError } from '../../util/index.js';

/**
 * `makeCall('sip:alice@domain')` for an address-of-record of a registrar's domain that has no
 * live binding: nobody to call (a registrar would answer 480 Temporarily Unavailable, RFC 3261
 * §21.4.18).
 */
export class UserNotRegisteredError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_NOT_REGISTERED';
  /** The address-of-record called. */
  readonly aor: string;

  /** @param aor - the address-of-record without bindings */
  constructor(aor: string) {
    super('ERR_NOT_REGISTERED', `${aor} has no registered contact`);
    this.aor = aor;
  }
}
