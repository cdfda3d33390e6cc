/**
 * Serial-number arithmetic (RFC 1982) for the wrapping counters of RTP:
 * 16-bit sequence numbers and 32-bit timestamps.
 */

/** `(a - b)` as a signed distance in 16-bit sequence space, in [-32768, 32767]. */
export function seqDiff16(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

/** True when 16-bit sequence number `a` comes after `b` (with wrap-around). */
export function seqNewer16(a: number, b: number): boolean {
  return seqDiff16(a, b) > 0;
}

/** `(a - b)` as a signed distance in 32-bit timestamp space. */
export function tsDiff32(a: number, b: number): number {
  return ((a - b) | 0);
}

/** Add to a 16-bit sequence number with wrap-around. */
export function seqAdd16(a: number, n: number): number {
  return (a + n) & 0xffff;
}

/** Add to a 32-bit unsigned timestamp with wrap-around. */
export function tsAdd32(a: number, n: number): number {
  return (a + n) >>> 0;
}
