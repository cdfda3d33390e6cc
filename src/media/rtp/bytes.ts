/**
 * Big-endian ("network byte order", RFC 3550 §5.1 / RFC 791) integer helpers
 * shared by the RTP and RTCP codecs. Plain byte arithmetic, no allocation.
 *
 * @module
 */

/** Read an unsigned 32-bit big-endian integer at `o` (the caller checked the bounds). */
export function readU32(buf: Uint8Array, o: number): number {
  return ((buf[o]! << 24) | (buf[o + 1]! << 16) | (buf[o + 2]! << 8) | buf[o + 3]!) >>> 0;
}

/** Read an unsigned 16-bit big-endian integer at `o`. */
export function readU16(buf: Uint8Array, o: number): number {
  return (buf[o]! << 8) | buf[o + 1]!;
}

/** Write an unsigned 32-bit big-endian integer at `o`; returns `o + 4`. */
export function writeU32(buf: Uint8Array, o: number, v: number): number {
  buf[o] = v >>> 24;
  buf[o + 1] = (v >>> 16) & 0xff;
  buf[o + 2] = (v >>> 8) & 0xff;
  buf[o + 3] = v & 0xff;
  return o + 4;
}

/** Write an unsigned 16-bit big-endian integer at `o`; returns `o + 2`. */
export function writeU16(buf: Uint8Array, o: number, v: number): number {
  buf[o] = (v >>> 8) & 0xff;
  buf[o + 1] = v & 0xff;
  return o + 2;
}
