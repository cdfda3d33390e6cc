/**
 * SRTP crypto suites (RFC 4568 §6.2, RFC 3711 §5): the two AES counter-mode
 * suites with HMAC-SHA1 authentication that every SDES peer supports.
 *
 * @module
 */

/** A supported SRTP crypto suite name, as written in `a=crypto` (RFC 4568 §6.2.1, §6.2.2). */
export type SrtpProfileName = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

/** Key, salt and tag sizes of a suite, in bytes. */
export interface SrtpProfile {
  /** Suite name. */
  readonly name: SrtpProfileName;
  /** Master and session encryption key length (16: AES-128). */
  readonly keyLength: number;
  /** Master and session salt length (14: 112 bits). */
  readonly saltLength: number;
  /** Session authentication key length (20: HMAC-SHA1, RFC 3711 §5.2). */
  readonly authKeyLength: number;
  /** SRTP authentication tag length (10 or 4). */
  readonly rtpTagLength: number;
  /** SRTCP authentication tag length (always 10: RFC 4568 §6.2.2 keeps 80 bits for SRTCP). */
  readonly rtcpTagLength: number;
}

/** The supported suites by name. */
export const SRTP_PROFILES: Readonly<Record<SrtpProfileName, SrtpProfile>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: Object.freeze({
    name: 'AES_CM_128_HMAC_SHA1_80',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 10,
    rtcpTagLength: 10,
  }),
  AES_CM_128_HMAC_SHA1_32: Object.freeze({
    name: 'AES_CM_128_HMAC_SHA1_32',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength: 4,
    rtcpTagLength: 10,
  }),
});

/** True for a suite name this module implements. */
export function isSrtpProfileName(name: string): name is SrtpProfileName {
  return Object.hasOwn(SRTP_PROFILES, name);
}
