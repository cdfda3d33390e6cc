import { SiplineError } from '../util/index.js';

/**
 * A session description could not be read: a mandatory line (`v=`, `o=`, `s=`, `t=`, `c=`, `m=`) is
 * missing or malformed, a port is out of range, or the text is too large (RFC 4566 §5).
 *
 * The session layer answers an INVITE carrying such a body with 400 (or 488).
 */
export class SdpParseError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_SDP_PARSE';
  /**
   * The SDP line type at fault (`'v'`, `'o'`, `'s'`, `'t'`, `'c'`, `'m'`), or `'body'` when the
   * text as a whole is unusable.
   */
  readonly field: string;

  /**
   * @param field - the line type at fault, or `'body'`
   * @param message - what is wrong with it
   */
  constructor(field: string, message: string) {
    super('ERR_SDP_PARSE', `SDP ${field}=: ${message}`);
    this.field = field;
  }
}

/**
 * Stable codes of {@link SdpNegotiationError}:
 * - `ERR_SDP_NO_COMMON_CODEC`: no audio stream has a codec both sides support (the session layer
 *   answers 488 Not Acceptable Here, RFC 3261 §13.3.1.1);
 * - `ERR_SDP_ANSWER_MISMATCH`: an answer breaks RFC 3264 §6 (a different number of m-lines, or a
 *   codec that was never offered);
 * - `ERR_SDP_SRTP_MISMATCH`: the media security does not fit `media.srtp` (RFC 4568): an RTP/SAVP
 *   offer while SRTP is off or with no usable `a=crypto`, a plain offer while SRTP is required, or
 *   an answer whose `a=crypto` does not match our offer (the session layer answers 488).
 */
export type SdpNegotiationErrorCode = 'ERR_SDP_NO_COMMON_CODEC' | 'ERR_SDP_ANSWER_MISMATCH' | 'ERR_SDP_SRTP_MISMATCH';

/**
 * Offer/answer failed (RFC 3264): a well-formed description that we cannot accept.
 * Switch on {@link SdpNegotiationError.code | code}.
 */
export class SdpNegotiationError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: SdpNegotiationErrorCode;

  /**
   * @param code - which negotiation failure
   * @param message - details for people
   */
  constructor(code: SdpNegotiationErrorCode, message: string) {
    super(code, message);
  }
}
