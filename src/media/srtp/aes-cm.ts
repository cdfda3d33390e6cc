/**
 * AES in Counter Mode as SRTP uses it (RFC 3711 §4.1.1): the keystream is AES of
 * IV, IV+1, IV+2, ... where the IV leaves its low 16 bits free for the block counter.
 *
 * One AES-128-ECB cipher per key is kept and fed the counter blocks, so the key
 * schedule is computed once per session instead of once per packet.
 *
 * @module
 */
import { createCipheriv, type Cipher } from 'node:crypto';
import { InvalidArgumentError } from '../../util/index.js';

/** An AES-CM keystream generator for one 16-byte key. */
export class AesCmCipher {
  readonly #ecb: Cipher;

  /** @param key - 16-byte AES-128 key */
  constructor(key: Uint8Array) {
    if (key.length !== 16) throw new InvalidArgumentError('key', 'must be 16 bytes (AES-128)');
    this.#ecb = createCipheriv('aes-128-ecb', key, null);
    this.#ecb.setAutoPadding(false);
  }

  /**
   * XORs `data` with the keystream that starts at counter block `iv` (a new buffer;
   * `data` is not changed). The block counter is added to the IV's low 32 bits,
   * which RFC 3711's IVs leave zero in their low 16 bits. Encryption and decryption are the same.
   */
  transform(iv: Uint8Array, data: Uint8Array): Buffer {
    const blocks = Math.ceil(data.length / 16);
    const counters = Buffer.allocUnsafe(blocks * 16);
    const low = ((iv[12]! << 24) | (iv[13]! << 16) | (iv[14]! << 8) | iv[15]!) >>> 0;
    for (let b = 0; b < blocks; b++) {
      const o = b * 16;
      counters.set(iv.subarray(0, 12), o);
      counters.writeUInt32BE((low + b) >>> 0, o + 12);
    }
    const ks = this.#ecb.update(counters);
    const out = Buffer.allocUnsafe(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ ks[i]!;
    return out;
  }
}

/**
 * XORs `data` with the AES-CM keystream of `key` starting at counter block `iv`
 * (a new buffer; `data` is not changed). One-shot form of {@link AesCmCipher}.
 *
 * @param key - 16-byte AES key
 * @param iv - 16-byte first counter block
 * @param data - bytes to transform
 */
export function aesCmTransform(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  return new AesCmCipher(key).transform(iv, data);
}

/** The first `length` bytes of the AES-CM keystream of `key` from counter block `iv`. */
export function aesCmKeystream(key: Uint8Array, iv: Uint8Array, length: number): Buffer {
  return aesCmTransform(key, iv, Buffer.alloc(length));
}

/**
 * The SRTP / SRTCP counter block of RFC 3711 §4.1.1:
 * `IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)`.
 *
 * @param salt - 14-byte session salt k_s
 * @param ssrc - synchronisation source
 * @param index - 48-bit SRTP packet index or 31-bit SRTCP index
 */
export function srtpIv(salt: Uint8Array, ssrc: number, index: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.set(salt.subarray(0, 14), 0);
  iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
  const hi = Math.floor(index / 0x100000000);
  const lo = index >>> 0;
  iv.writeUInt16BE((iv.readUInt16BE(8) ^ hi) & 0xffff, 8);
  iv.writeUInt32BE((iv.readUInt32BE(10) ^ lo) >>> 0, 10);
  return iv;
}
