/**
 * RTCP sender and receiver reports (RFC 3550 §6.4.1 SR, §6.4.2 RR).
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpParseError } from '../rtp/rtp-errors.js';
import {
  REPORT_BLOCK_SIZE, RtcpPacketType, checkU32, need, readReportBlock, validateReportBlock, writeReportBlock, writeRtcpHeader,
} from './rtcp-common.js';
import type { ReportBlock, RtcpRawPacket } from './rtcp-common.js';

const NO_EXT = new Uint8Array(0);

function checkBlocks(reports: readonly ReportBlock[], extensions: Uint8Array): void {
  if (reports.length > 31) throw new InvalidArgumentError('reports', 'at most 31 report blocks per packet');
  for (const r of reports) validateReportBlock(r);
  if (extensions.length % 4 !== 0) throw new InvalidArgumentError('extensions', 'length must be a multiple of 4');
}

function parseBlocks(raw: RtcpRawPacket, off: number): { reports: ReportBlock[]; extensions: Uint8Array } {
  const body = raw.body;
  need(body.length, off + raw.count * REPORT_BLOCK_SIZE, `${raw.count} report blocks`);
  const reports: ReportBlock[] = [];
  for (let i = 0; i < raw.count; i++, off += REPORT_BLOCK_SIZE) reports.push(Object.freeze(readReportBlock(body, off)));
  return { reports, extensions: off < body.length ? body.subarray(off) : NO_EXT };
}

/** Fields of a {@link RtcpSenderReport}. */
export interface RtcpSenderReportInit {
  /** SSRC of the sender. */
  readonly ssrc: number;
  /** NTP timestamp, seconds half. */
  readonly ntpSeconds: number;
  /** NTP timestamp, fraction half. */
  readonly ntpFraction: number;
  /** RTP timestamp corresponding to the NTP timestamp. */
  readonly rtpTimestamp: number;
  /** Sender's packet count. */
  readonly packetCount: number;
  /** Sender's octet count (payload octets). */
  readonly octetCount: number;
  /** Reception report blocks (at most 31). */
  readonly reports?: readonly ReportBlock[];
  /** Profile-specific extension octets, kept raw (multiple of 4). */
  readonly extensions?: Uint8Array;
}

/**
 * Sender report (RFC 3550 §6.4.1).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=SR=200   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         SSRC of sender                        |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |              NTP timestamp, most significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             NTP timestamp, least significant word             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         RTP timestamp                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     sender's packet count                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      sender's octet count                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (24 octets each)                |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class RtcpSenderReport {
  /** Discriminant of the {@link RtcpPacket} union. */
  readonly type = 'sr' as const;
  /** SSRC of the sender. */
  readonly ssrc: number;
  /** NTP timestamp, seconds half. */
  readonly ntpSeconds: number;
  /** NTP timestamp, fraction half. */
  readonly ntpFraction: number;
  /** RTP timestamp corresponding to the NTP timestamp. */
  readonly rtpTimestamp: number;
  /** Sender's packet count. */
  readonly packetCount: number;
  /** Sender's octet count. */
  readonly octetCount: number;
  /** Reception report blocks. */
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extensions, raw. */
  readonly extensions: Uint8Array;

  /** @throws InvalidArgumentError when a field is out of range */
  constructor(init: RtcpSenderReportInit) {
    for (const k of ['ssrc', 'ntpSeconds', 'ntpFraction', 'rtpTimestamp', 'packetCount', 'octetCount'] as const) checkU32(k, init[k]);
    const reports = init.reports ?? [];
    const extensions = init.extensions ?? NO_EXT;
    checkBlocks(reports, extensions);
    this.ssrc = init.ssrc;
    this.ntpSeconds = init.ntpSeconds;
    this.ntpFraction = init.ntpFraction;
    this.rtpTimestamp = init.rtpTimestamp;
    this.packetCount = init.packetCount;
    this.octetCount = init.octetCount;
    this.reports = Object.freeze(reports.slice());
    this.extensions = extensions;
  }

  /** Middle 32 bits of the NTP timestamp: what a receiver echoes as LSR (§6.4.1). */
  get ntpMiddle32(): number {
    return (((this.ntpSeconds & 0xffff) << 16) | (this.ntpFraction >>> 16)) >>> 0;
  }

  /** Size of the serialized packet in octets. */
  get byteLength(): number {
    return 28 + this.reports.length * REPORT_BLOCK_SIZE + this.extensions.length;
  }

  /** Parse the body of an SR located by the compound parser. @throws RtcpParseError */
  static fromRaw(raw: RtcpRawPacket): RtcpSenderReport {
    const b = raw.body;
    need(b.length, 24, 'SR sender info');
    const { reports, extensions } = parseBlocks(raw, 24);
    if (extensions.length % 4 !== 0) throw new RtcpParseError('bad-length', 'SR extension is not word aligned');
    return new RtcpSenderReport({
      ssrc: readU32(b, 0), ntpSeconds: readU32(b, 4), ntpFraction: readU32(b, 8), rtpTimestamp: readU32(b, 12),
      packetCount: readU32(b, 16), octetCount: readU32(b, 20), reports, extensions,
    });
  }

  /** Write into `buf` at `o`; returns the next offset. */
  writeTo(buf: Uint8Array, o: number): number {
    o = writeRtcpHeader(buf, o, this.reports.length, RtcpPacketType.SR, this.byteLength);
    o = writeU32(buf, o, this.ssrc);
    o = writeU32(buf, o, this.ntpSeconds);
    o = writeU32(buf, o, this.ntpFraction);
    o = writeU32(buf, o, this.rtpTimestamp);
    o = writeU32(buf, o, this.packetCount);
    o = writeU32(buf, o, this.octetCount);
    for (const r of this.reports) o = writeReportBlock(buf, o, r);
    buf.set(this.extensions, o);
    return o + this.extensions.length;
  }

  /** Serialize into a new Buffer (non-mutating). */
  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeTo(out, 0);
    return out;
  }
}

/** Fields of a {@link RtcpReceiverReport}. */
export interface RtcpReceiverReportInit {
  /** SSRC of the packet's sender. */
  readonly ssrc: number;
  /** Reception report blocks (at most 31; may be empty). */
  readonly reports?: readonly ReportBlock[];
  /** Profile-specific extension octets, kept raw (multiple of 4). */
  readonly extensions?: Uint8Array;
}

/**
 * Receiver report (RFC 3550 §6.4.2).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    RC   |   PT=RR=201   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     SSRC of packet sender                     |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                 report blocks (24 octets each)                |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                  profile-specific extensions                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class RtcpReceiverReport {
  /** Discriminant of the {@link RtcpPacket} union. */
  readonly type = 'rr' as const;
  /** SSRC of the packet's sender. */
  readonly ssrc: number;
  /** Reception report blocks. */
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extensions, raw. */
  readonly extensions: Uint8Array;

  /** @throws InvalidArgumentError when a field is out of range */
  constructor(init: RtcpReceiverReportInit) {
    checkU32('ssrc', init.ssrc);
    const reports = init.reports ?? [];
    const extensions = init.extensions ?? NO_EXT;
    checkBlocks(reports, extensions);
    this.ssrc = init.ssrc;
    this.reports = Object.freeze(reports.slice());
    this.extensions = extensions;
  }

  /** Size of the serialized packet in octets. */
  get byteLength(): number {
    return 8 + this.reports.length * REPORT_BLOCK_SIZE + this.extensions.length;
  }

  /** Parse the body of an RR located by the compound parser. @throws RtcpParseError */
  static fromRaw(raw: RtcpRawPacket): RtcpReceiverReport {
    need(raw.body.length, 4, 'RR SSRC');
    const { reports, extensions } = parseBlocks(raw, 4);
    if (extensions.length % 4 !== 0) throw new RtcpParseError('bad-length', 'RR extension is not word aligned');
    return new RtcpReceiverReport({ ssrc: readU32(raw.body, 0), reports, extensions });
  }

  /** Write into `buf` at `o`; returns the next offset. */
  writeTo(buf: Uint8Array, o: number): number {
    o = writeRtcpHeader(buf, o, this.reports.length, RtcpPacketType.RR, this.byteLength);
    o = writeU32(buf, o, this.ssrc);
    for (const r of this.reports) o = writeReportBlock(buf, o, r);
    buf.set(this.extensions, o);
    return o + this.extensions.length;
  }

  /** Serialize into a new Buffer (non-mutating). */
  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeTo(out, 0);
    return out;
  }
}
