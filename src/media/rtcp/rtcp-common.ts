/**
 * Pieces shared by every RTCP packet type (RFC 3550 §6.4-§6.7): the common
 * 4-octet header and the report block of SR and RR packets.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|  count  |      PT       |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * `length` is the packet size in 32-bit words minus one, header included.
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpParseError } from '../rtp/rtp-errors.js';

/** RTCP packet type numbers (RFC 3550 §12.1). */
export const RtcpPacketType = {
  /** Sender report, §6.4.1. */
  SR: 200,
  /** Receiver report, §6.4.2. */
  RR: 201,
  /** Source description, §6.5. */
  SDES: 202,
  /** Goodbye, §6.6. */
  BYE: 203,
  /** Application-defined, §6.7. */
  APP: 204,
} as const;

/**
 * One reception report block of an SR or RR (RFC 3550 §6.4.1).
 *
 * ```
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 SSRC_1 (SSRC of first source)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | fraction lost |       cumulative number of packets lost       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           extended highest sequence number received           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      interarrival jitter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         last SR (LSR)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   delay since last SR (DLSR)                  |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * ```
 */
export interface ReportBlock {
  /** The source this block reports on. */
  readonly ssrc: number;
  /** Fraction lost since the previous report, as a fixed point number /256 (0-255). */
  readonly fractionLost: number;
  /** Cumulative packets lost, signed 24-bit (duplicates can make it negative). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | max seq). */
  readonly highestSequence: number;
  /** Interarrival jitter in timestamp units (§6.4.1, §A.8). */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from the source (0 if none). */
  readonly lastSr: number;
  /** Delay since that SR was received, in 1/65536 s (0 if none). */
  readonly delaySinceLastSr: number;
}

/** Size in octets of one report block. */
export const REPORT_BLOCK_SIZE = 24;

/** Check a report block's ranges. @throws InvalidArgumentError */
export function validateReportBlock(b: ReportBlock): void {
  for (const k of ['ssrc', 'highestSequence', 'jitter', 'lastSr', 'delaySinceLastSr'] as const) {
    const v = b[k];
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidArgumentError(`reportBlock.${k}`, 'must be a 32-bit unsigned integer');
  }
  if (!Number.isInteger(b.fractionLost) || b.fractionLost < 0 || b.fractionLost > 255) {
    throw new InvalidArgumentError('reportBlock.fractionLost', 'must be 0-255');
  }
  if (!Number.isInteger(b.cumulativeLost) || b.cumulativeLost < -0x800000 || b.cumulativeLost > 0x7fffff) {
    throw new InvalidArgumentError('reportBlock.cumulativeLost', 'must fit in 24 signed bits');
  }
}

/** Read a report block at `o` (bounds checked by the caller). */
export function readReportBlock(buf: Uint8Array, o: number): ReportBlock {
  let lost = (buf[o + 5]! << 16) | (buf[o + 6]! << 8) | buf[o + 7]!;
  if (lost & 0x800000) lost -= 0x1000000;
  return {
    ssrc: readU32(buf, o),
    fractionLost: buf[o + 4]!,
    cumulativeLost: lost,
    highestSequence: readU32(buf, o + 8),
    jitter: readU32(buf, o + 12),
    lastSr: readU32(buf, o + 16),
    delaySinceLastSr: readU32(buf, o + 20),
  };
}

/** Write a report block at `o`; returns the next offset. */
export function writeReportBlock(buf: Uint8Array, o: number, b: ReportBlock): number {
  writeU32(buf, o, b.ssrc);
  const lost = b.cumulativeLost & 0xffffff;
  buf[o + 4] = b.fractionLost;
  buf[o + 5] = lost >> 16;
  buf[o + 6] = (lost >> 8) & 0xff;
  buf[o + 7] = lost & 0xff;
  writeU32(buf, o + 8, b.highestSequence);
  writeU32(buf, o + 12, b.jitter);
  writeU32(buf, o + 16, b.lastSr);
  writeU32(buf, o + 20, b.delaySinceLastSr);
  return o + REPORT_BLOCK_SIZE;
}

/** Write the common header; `totalLength` is the packet size in octets (a multiple of 4). */
export function writeRtcpHeader(buf: Uint8Array, o: number, count: number, packetType: number, totalLength: number): number {
  buf[o] = 0x80 | (count & 0x1f);
  buf[o + 1] = packetType;
  const words = totalLength / 4 - 1;
  buf[o + 2] = words >> 8;
  buf[o + 3] = words & 0xff;
  return o + 4;
}

/**
 * The body of one RTCP packet located inside a compound datagram, handed to
 * the per-type parsers: `body` excludes the 4-octet header and any padding.
 */
export interface RtcpRawPacket {
  /** The 5-bit count / subtype field. */
  readonly count: number;
  /** The packet type octet. */
  readonly packetType: number;
  /** The octets after the common header, padding removed. */
  readonly body: Uint8Array;
}

/** Throw a truncation error unless `need` octets fit in a body of `have`. */
export function need(have: number, need: number, what: string): void {
  if (have < need) throw new RtcpParseError('truncated', `${what}: needs ${need} octets, has ${have}`);
}

/** Check a 32-bit unsigned field. @throws InvalidArgumentError */
export function checkU32(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new InvalidArgumentError(name, 'must be a 32-bit unsigned integer');
}
