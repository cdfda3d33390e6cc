/**
 * NTP timestamps as RTCP uses them (RFC 3550 §4): 32 bits of seconds since
 * 1900-01-01 and 32 bits of fraction, and the "middle 32 bits" (16.16 fixed
 * point) used by the LSR and DLSR fields of report blocks (§6.4.1).
 *
 * @module
 */

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/** A 64-bit NTP timestamp as two unsigned 32-bit halves. */
export interface NtpTimestamp {
  /** Whole seconds since 1900-01-01 00:00 UTC (mod 2^32). */
  readonly seconds: number;
  /** Fraction of a second in units of 2^-32 s. */
  readonly fraction: number;
}

/** Convert Unix time in milliseconds to an NTP timestamp (RFC 3550 §4). */
export function ntpFromUnixMs(unixMs: number): NtpTimestamp {
  const totalSeconds = Math.floor(unixMs / 1000);
  const remMs = unixMs - totalSeconds * 1000;
  return {
    seconds: (totalSeconds + NTP_UNIX_OFFSET_SECONDS) >>> 0,
    fraction: Math.min(0xffffffff, Math.floor((remMs / 1000) * 0x1_0000_0000)) >>> 0,
  };
}

/** The middle 32 bits of an NTP timestamp: low 16 bits of seconds, high 16 bits of fraction (§6.4.1 LSR). */
export function ntpMiddle32(ts: NtpTimestamp): number {
  return (((ts.seconds & 0xffff) << 16) | (ts.fraction >>> 16)) >>> 0;
}

/** The middle 32 bits of the NTP time for a Unix time in milliseconds. */
export function ntpMiddle32FromUnixMs(unixMs: number): number {
  return ntpMiddle32(ntpFromUnixMs(unixMs));
}

/**
 * Round-trip time from a report block received at `arrivalMiddle32` (our NTP
 * clock, middle 32 bits) carrying `lsr` and `dlsr` (RFC 3550 §6.4.1, figure 2):
 * `RTT = A - LSR - DLSR`, in 1/65536 s units, converted to milliseconds.
 *
 * @returns the RTT in milliseconds, or `undefined` when no SR was reflected
 *          (LSR = 0) or the result is negative (clock steps, bogus peer)
 */
export function rttFromReportMs(arrivalMiddle32: number, lsr: number, dlsr: number): number | undefined {
  if (lsr === 0) return undefined;
  const rtt = (arrivalMiddle32 - lsr - dlsr) >>> 0;
  // A negative difference wraps to a huge unsigned value: treat more than half
  // the 16.16 range (~9 hours) as negative.
  if (rtt >= 0x8000_0000) return undefined;
  return (rtt * 1000) / 65536;
}

/** A delay in milliseconds as a DLSR value (units of 1/65536 s, RFC 3550 §6.4.1). */
export function dlsrFromMs(ms: number): number {
  return Math.max(0, Math.min(0xffffffff, Math.round((ms * 65536) / 1000))) >>> 0;
}
