/**
 * Typed errors of the RTP/RTCP side of the media engine (RFC 3550).
 *
 * Each class is one condition with a stable literal `code`; the `reason`
 * field narrows down which check failed, so tests and counters can tell a
 * truncated packet from a wrong version without parsing messages.
 *
 * @module
 */
import { SiplineError } from '../../util/index.js';

/** Which RFC 3550 §5.1 check an RTP packet failed. */
export type RtpParseFailure =
  | 'truncated'
  | 'bad-version'
  | 'bad-padding'
  | 'csrc-overflow'
  | 'extension-overflow';

/**
 * A datagram is not a well-formed RTP packet (RFC 3550 §5.1, §A.1 header
 * validity checks). Thrown only by {@link RtpPacket.parse}.
 */
export class RtpParseError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_RTP_PARSE';
  /** Which check failed. */
  readonly reason: RtpParseFailure;

  /**
   * @param reason - which check failed
   * @param message - human-readable detail
   */
  constructor(reason: RtpParseFailure, message: string) {
    super('ERR_RTP_PARSE', `invalid RTP packet (${reason}): ${message}`);
    this.reason = reason;
  }
}

/** Which RFC 3550 §6 / §A.2 check an RTCP packet failed. */
export type RtcpParseFailure =
  | 'truncated'
  | 'bad-version'
  | 'bad-padding'
  | 'bad-length'
  | 'bad-count'
  | 'bad-item'
  | 'bad-compound';

/**
 * A datagram is not a well-formed RTCP packet or compound packet
 * (RFC 3550 §6.4-§6.7, validity checks of §A.2).
 */
export class RtcpParseError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_RTCP_PARSE';
  /** Which check failed. */
  readonly reason: RtcpParseFailure;

  /**
   * @param reason - which check failed
   * @param message - human-readable detail
   */
  constructor(reason: RtcpParseFailure, message: string) {
    super('ERR_RTCP_PARSE', `invalid RTCP packet (${reason}): ${message}`);
    this.reason = reason;
  }
}

/**
 * No free even RTP port (with its RTCP neighbour, unless muxed) could be bound
 * in the configured range.
 */
export class PortRangeExhaustedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_PORT_RANGE_EXHAUSTED';
  /** Lowest port of the range that was searched. */
  readonly min: number;
  /** Highest port of the range that was searched. */
  readonly max: number;

  /**
   * @param min - lowest port of the range
   * @param max - highest port of the range
   */
  constructor(min: number, max: number) {
    super('ERR_PORT_RANGE_EXHAUSTED', `no free RTP port pair in ${min}-${max}`);
    this.min = min;
    this.max = max;
  }
}

/**
 * A UDP socket of an RTP session failed (bind, send or receive). The
 * underlying Node error is the `cause`.
 */
export class RtpSocketError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_RTP_SOCKET';

  /**
   * @param message - what failed
   * @param cause - the Node error
   */
  constructor(message: string, cause: unknown) {
    super('ERR_RTP_SOCKET', message, { cause });
  }
}
