/**
 * SRTP key derivation (RFC 3711 §4.3) with a key derivation rate of 0: the session
 * keys are derived once from the master key and salt and never refreshed.
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { aesCmKeystream } from './aes-cm.js';

/** Key derivation labels (RFC 3711 §4.3.1, §4.3.2). */
export const SRTP_LABELS = Object.freeze({
  rtpEncryption: 0x00,
  rtpAuthentication: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuthentication: 0x04,
  rtcpSalt: 0x05,
});

/**
 * One session key: `PRF_n(k_master, (label || r) XOR k_s * 2^16)` with r = 0
 * (RFC 3711 §4.3.1 with kdr 0, PRF = AES-CM per §4.3.3).
 *
 * @param masterKey - 16-byte master key
 * @param masterSalt - 14-byte master salt
 * @param label - one of {@link SRTP_LABELS}
 * @param length - bytes wanted
 */
export function deriveSrtpKey(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer {
  if (masterKey.length !== 16) throw new InvalidArgumentError('masterKey', 'must be 16 bytes (AES-128)');
  if (masterSalt.length !== 14) throw new InvalidArgumentError('masterSalt', 'must be 14 bytes (112 bits)');
  const iv = Buffer.alloc(16);
  iv.set(masterSalt, 0);
  // key_id = label || r (48 bits of r, zero here) is aligned to the salt's low 56 bits: the label lands on byte 7.
  iv[7] = iv[7]! ^ label;
  return aesCmKeystream(masterKey, iv, length);
}

/** The session keys of one direction and protocol. */
export interface SrtpSessionKeys {
  /** Session encryption key k_e. */
  readonly encryptionKey: Buffer;
  /** Session authentication key k_a. */
  readonly authenticationKey: Buffer;
  /** Session salt k_s. */
  readonly salt: Buffer;
}

/**
 * The SRTP (or, with `rtcp`, SRTCP) session keys of a master key and salt
 * (RFC 3711 §4.3.1, §4.3.2; key lengths of the AES-CM / HMAC-SHA1 suites).
 */
export function deriveSessionKeys(masterKey: Uint8Array, masterSalt: Uint8Array, rtcp = false): SrtpSessionKeys {
  const base = rtcp ? SRTP_LABELS.rtcpEncryption : SRTP_LABELS.rtpEncryption;
  return Object.freeze({
    encryptionKey: deriveSrtpKey(masterKey, masterSalt, base, 16),
    authenticationKey: deriveSrtpKey(masterKey, masterSalt, base + 1, 20),
    salt: deriveSrtpKey(masterKey, masterSalt, base + 2, 14),
  });
}
