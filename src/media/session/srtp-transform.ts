/**
 * The SRTP transform of one RTP session: two {@link SrtpContext}s, one per direction
 * (RFC 4568 §6.1: each side sends with its own SDES master key). Outgoing RTP and RTCP are
 * protected with our key, incoming ones checked and decrypted with the peer's key.
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { SrtpContext } from '../srtp/srtp-context.js';
import { isSrtpProfileName } from '../srtp/srtp-profile.js';
import type { SrtpProfileName } from '../srtp/srtp-profile.js';

/** The keys of an SRTP transform, as an SDES exchange agreed them. */
export interface SrtpKeys {
  /** Crypto suite. */
  readonly profile: SrtpProfileName;
  /** Our master key || salt (30 bytes): protects what we send. */
  readonly sendKeySalt: Uint8Array;
  /** The peer's master key || salt (30 bytes): checks what we receive. */
  readonly receiveKeySalt: Uint8Array;
  /** Encrypt SRTCP (default true; false for `UNENCRYPTED_SRTCP`). */
  readonly encryptRtcp?: boolean;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/**
 * Protects what an RTP session sends and unprotects what it receives (RFC 3711 §3.3, §3.4).
 * Unprotect errors (`SrtpAuthenticationError`, `SrtpReplayError`, `SrtpTooShortError`) are
 * thrown to the RTP session, which counts and drops the packet.
 */
export class SrtpTransform {
  readonly #keys: SrtpKeys;
  readonly #send: SrtpContext;
  readonly #receive: SrtpContext;

  /**
   * @param keys - suite and the two master keys
   * @param reuse - a transform whose contexts are kept where their key did not change (a
   *   re-INVITE that keeps the keys keeps the rollover counters and replay windows, RFC 4568 §7.1.4)
   * @throws InvalidArgumentError for an unknown suite or a key of the wrong length
   */
  constructor(keys: SrtpKeys, reuse?: SrtpTransform) {
    if (!isSrtpProfileName(keys.profile)) throw new InvalidArgumentError('profile', `unsupported SRTP profile ${String(keys.profile)}`);
    const encryptRtcp = keys.encryptRtcp ?? true;
    const sameSuite = reuse !== undefined && reuse.#keys.profile === keys.profile && (reuse.#keys.encryptRtcp ?? true) === encryptRtcp;
    this.#keys = Object.freeze({ ...keys, sendKeySalt: new Uint8Array(keys.sendKeySalt), receiveKeySalt: new Uint8Array(keys.receiveKeySalt), encryptRtcp });
    this.#send = sameSuite && sameBytes(reuse.#keys.sendKeySalt, keys.sendKeySalt)
      ? reuse.#send
      : SrtpContext.fromKeySalt(keys.profile, keys.sendKeySalt, { encryptRtcp });
    this.#receive = sameSuite && sameBytes(reuse.#keys.receiveKeySalt, keys.receiveKeySalt)
      ? reuse.#receive
      : SrtpContext.fromKeySalt(keys.profile, keys.receiveKeySalt, { encryptRtcp });
  }

  /** The suite in use. */
  get profile(): SrtpProfileName {
    return this.#keys.profile;
  }

  /** True when `keys` are the keys of this transform (nothing to change). */
  sameKeys(keys: SrtpKeys): boolean {
    return keys.profile === this.#keys.profile
      && (keys.encryptRtcp ?? true) === this.#keys.encryptRtcp
      && sameBytes(keys.sendKeySalt, this.#keys.sendKeySalt)
      && sameBytes(keys.receiveKeySalt, this.#keys.receiveKeySalt);
  }

  /** SRTP-protects an outgoing RTP packet (a new buffer). */
  protectRtp(packet: Uint8Array): Buffer {
    return this.#send.protectRtp(packet);
  }

  /** Checks and decrypts an incoming SRTP packet. @throws the SRTP errors of {@link SrtpContext.unprotectRtp} */
  unprotectRtp(packet: Uint8Array): Buffer {
    return this.#receive.unprotectRtp(packet);
  }

  /** SRTCP-protects an outgoing compound RTCP packet (a new buffer). */
  protectRtcp(packet: Uint8Array): Buffer {
    return this.#send.protectRtcp(packet);
  }

  /** Checks and decrypts an incoming SRTCP packet. @throws the SRTP errors of {@link SrtpContext.unprotectRtcp} */
  unprotectRtcp(packet: Uint8Array): Buffer {
    return this.#receive.unprotectRtcp(packet);
  }
}
