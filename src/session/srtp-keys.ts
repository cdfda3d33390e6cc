/**
 * Joins SDES (RFC 4568, `sdp`) to SRTP (RFC 3711, `media`): the transform an RTP session runs
 * with after an offer/answer exchange.
 *
 * @module
 */
import { SrtpTransform } from '../media/index.js';
import type { SrtpKeys } from '../media/index.js';
import type { NegotiatedSrtp } from '../sdp/index.js';

/** The media-layer keys of an SDES result: we send with our key, receive with the peer's. */
export function srtpKeysOf(srtp: NegotiatedSrtp): SrtpKeys {
  return { profile: srtp.suite, sendKeySalt: srtp.localKeySalt, receiveKeySalt: srtp.remoteKeySalt, encryptRtcp: srtp.encryptRtcp };
}

/**
 * The transform after an exchange: none for plain RTP, `current` itself when the keys did not
 * change, else a new one that keeps the context of a direction whose key stayed (RFC 4568
 * §7.1.4: a re-INVITE that keeps a key keeps its rollover counter and replay window).
 */
export function nextSrtpTransform(srtp: NegotiatedSrtp | undefined, current: SrtpTransform | undefined): SrtpTransform | undefined {
  if (srtp === undefined) return undefined;
  const keys = srtpKeysOf(srtp);
  if (current !== undefined && current.sameKeys(keys)) return current;
  return new SrtpTransform(keys, current);
}
