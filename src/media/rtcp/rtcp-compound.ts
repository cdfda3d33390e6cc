/**
 * Compound RTCP packets (RFC 3550 §6.1) and the {@link RtcpPacket} union.
 *
 * ```
 * if encrypted: random 32-bit integer
 * |
 * |[--------- packet --------][---------- packet ----------][-packet-]
 * |
 * |                receiver            chunk        chunk
 * V                reports           item  item   item  item
 * --------------------------------------------------------------------
 * R[SR #sendinfo #site1#site2][SDES #CNAME PHONE #CNAME LOC][BYE##why]
 * --------------------------------------------------------------------
 * |                                                                  |
 * |<-----------------------  compound packet ----------------------->|
 * ```
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { RtcpParseError } from '../rtp/rtp-errors.js';
import { RtcpApp, RtcpUnknown } from './rtcp-app.js';
import { RtcpBye } from './rtcp-bye.js';
import { RtcpPacketType } from './rtcp-common.js';
import { RtcpReceiverReport, RtcpSenderReport } from './rtcp-reports.js';
import { RtcpSdes } from './rtcp-sdes.js';

/** Any RTCP packet, discriminated by its literal `type`. */
export type RtcpPacket = RtcpSenderReport | RtcpReceiverReport | RtcpSdes | RtcpBye | RtcpApp | RtcpUnknown;

/** Options of {@link parseRtcpCompound}. */
export interface RtcpParseOptions {
  /**
   * Apply the §A.2 compound checks (default true): the first packet is an SR
   * or RR and the padding bit appears only on the last packet. Length
   * consistency is always checked.
   */
  readonly strict?: boolean;
}

/**
 * Parse a compound RTCP datagram into its packets (RFC 3550 §6.1, validity
 * checks of §A.2: version 2 everywhere, lengths add up to the datagram, the
 * first packet a report, padding only on the last packet).
 *
 * @throws RtcpParseError (and nothing else)
 */
export function parseRtcpCompound(buf: Uint8Array, options?: RtcpParseOptions): RtcpPacket[] {
  const strict = options?.strict ?? true;
  const len = buf.length;
  if (len < 4) throw new RtcpParseError('truncated', `${len} octets, a header needs 4`);
  if (len % 4 !== 0) throw new RtcpParseError('bad-length', `compound length ${len} is not a multiple of 4`);
  const out: RtcpPacket[] = [];
  let o = 0;
  while (o < len) {
    if (o + 4 > len) throw new RtcpParseError('truncated', 'header truncated');
    const b0 = buf[o]!;
    if (b0 >> 6 !== 2) throw new RtcpParseError('bad-version', `version ${b0 >> 6} at offset ${o}`);
    const pt = buf[o + 1]!;
    const size = (((buf[o + 2]! << 8) | buf[o + 3]!) + 1) * 4;
    if (o + size > len) throw new RtcpParseError('bad-length', `packet of ${size} octets at offset ${o} overruns the datagram of ${len}`);
    let end = o + size;
    if ((b0 & 0x20) !== 0) {
      if (strict && end !== len) throw new RtcpParseError('bad-padding', 'padding bit on a packet that is not the last');
      const pad = buf[end - 1]!;
      if (pad === 0 || pad > size - 4) throw new RtcpParseError('bad-padding', `padding count ${pad} in a packet of ${size}`);
      end -= pad;
    }
    if (strict && out.length === 0 && pt !== RtcpPacketType.SR && pt !== RtcpPacketType.RR) {
      throw new RtcpParseError('bad-compound', `compound packet starts with type ${pt}, not SR or RR`);
    }
    const raw = { count: b0 & 0x1f, packetType: pt, body: buf.subarray(o + 4, end) };
    switch (pt) {
      case RtcpPacketType.SR: out.push(RtcpSenderReport.fromRaw(raw)); break;
      case RtcpPacketType.RR: out.push(RtcpReceiverReport.fromRaw(raw)); break;
      case RtcpPacketType.SDES: out.push(RtcpSdes.fromRaw(raw)); break;
      case RtcpPacketType.BYE: out.push(RtcpBye.fromRaw(raw)); break;
      case RtcpPacketType.APP: out.push(RtcpApp.fromRaw(raw)); break;
      default: out.push(RtcpUnknown.fromRaw({ ...raw, body: buf.subarray(o + 4, o + size) }));
    }
    o += size;
  }
  return out;
}

/**
 * Serialize packets into one compound datagram (no padding, no encryption
 * prefix). The packets are not modified.
 * @throws InvalidArgumentError when the list is empty
 */
export function serializeRtcpCompound(packets: readonly RtcpPacket[]): Buffer {
  if (packets.length === 0) throw new InvalidArgumentError('packets', 'a compound packet holds at least one packet');
  let total = 0;
  for (const p of packets) total += p.byteLength;
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  for (const p of packets) o = p.writeTo(out, o);
  return out;
}

/**
 * RFC 5761 §4 demultiplexing of RTP and RTCP on one port: an RTCP packet's
 * second octet (packet type) is in 192-223, which as an RTP marker+payload
 * type octet would be a payload type 64-95 that no RTP profile may use.
 */
export function looksLikeRtcp(buf: Uint8Array): boolean {
  if (buf.length < 2) return false;
  const b1 = buf[1]!;
  return b1 >= 192 && b1 <= 223;
}
