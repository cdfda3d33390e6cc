/**
 * Typed errors of SRTP / SRTCP (RFC 3711). A receiver drops the packet and counts
 * the error; nothing is sent back (RFC 3711 §3.3 steps 5-6).
 *
 * @module
 */
import { SiplineError } from '../../util/index.js';

/** The packet's authentication tag does not match (RFC 3711 §3.3 step 5, §4.2): tampered, or wrong key. */
export class SrtpAuthenticationError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_SRTP_AUTH_FAILED';
  /** `rtp` or `rtcp`. */
  readonly kind: 'rtp' | 'rtcp';

  /**
   * @param kind - which protocol the packet was
   * @param message - details for people
   */
  constructor(kind: 'rtp' | 'rtcp', message = `${kind === 'rtp' ? 'SRTP' : 'SRTCP'} authentication tag mismatch`) {
    super('ERR_SRTP_AUTH_FAILED', message);
    this.kind = kind;
  }
}

/** The packet index was already received or is older than the replay window (RFC 3711 §3.3.2). */
export class SrtpReplayError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_SRTP_REPLAYED';
  /** `rtp` or `rtcp`. */
  readonly kind: 'rtp' | 'rtcp';
  /** The packet index (48-bit SRTP index or 31-bit SRTCP index). */
  readonly index: number;

  /**
   * @param kind - which protocol the packet was
   * @param index - the replayed index
   */
  constructor(kind: 'rtp' | 'rtcp', index: number) {
    super('ERR_SRTP_REPLAYED', `${kind === 'rtp' ? 'SRTP' : 'SRTCP'} packet index ${index} replayed or too old`);
    this.kind = kind;
    this.index = index;
  }
}

/** The packet is shorter than its header, index and authentication tag require (RFC 3711 §3.1, §3.4). */
export class SrtpTooShortError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_SRTP_TOO_SHORT';
  /** `rtp` or `rtcp`. */
  readonly kind: 'rtp' | 'rtcp';
  /** Bytes received. */
  readonly length: number;

  /**
   * @param kind - which protocol the packet was
   * @param length - bytes received
   * @param needed - bytes needed at least
   */
  constructor(kind: 'rtp' | 'rtcp', length: number, needed: number) {
    super('ERR_SRTP_TOO_SHORT', `${kind === 'rtp' ? 'SRTP' : 'SRTCP'} packet of ${length} bytes, need at least ${needed}`);
    this.kind = kind;
    this.length = length;
  }
}

/**
 * The master key may not protect more packets: 2^48 SRTP or 2^31 SRTCP packets
 * (RFC 3711 §9.2). Re-key before sending more.
 */
export class SrtpKeyExhaustedError extends SiplineError {
  /** @inheritDoc */
  declare readonly code: 'ERR_SRTP_KEY_EXHAUSTED';

  /** @param kind - which protocol ran out of indices */
  constructor(kind: 'rtp' | 'rtcp') {
    super('ERR_SRTP_KEY_EXHAUSTED', `${kind === 'rtp' ? 'SRTP' : 'SRTCP'} index space of the master key is used up`);
  }
}
