/**
 * RTCP packets kept raw: APP (RFC 3550 §6.7) and any packet type this engine
 * does not interpret (feedback RFC 4585, XR RFC 3611, ...), so that compound
 * packets round-trip unchanged.
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpParseError } from '../rtp/rtp-errors.js';
import { RtcpPacketType, checkU32, need, writeRtcpHeader } from './rtcp-common.js';
import type { RtcpRawPacket } from './rtcp-common.js';

/**
 * Application-defined packet (RFC 3550 §6.7), kept raw.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P| subtype |   PT=APP=204  |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           SSRC/CSRC                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          name (ASCII)                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   application-dependent data                ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class RtcpApp {
  /** Discriminant of the {@link RtcpPacket} union. */
  readonly type = 'app' as const;
  /** 5-bit subtype. */
  readonly subtype: number;
  /** SSRC/CSRC of the sender. */
  readonly ssrc: number;
  /** Four ASCII characters. */
  readonly name: string;
  /** Application data (multiple of 4 octets). */
  readonly data: Uint8Array;

  /** @throws InvalidArgumentError when a field is out of range */
  constructor(subtype: number, ssrc: number, name: string, data: Uint8Array) {
    if (!Number.isInteger(subtype) || subtype < 0 || subtype > 31) throw new InvalidArgumentError('subtype', 'must be 0-31');
    checkU32('ssrc', ssrc);
    if (!/^[\x20-\x7e]{4}$/.test(name)) throw new InvalidArgumentError('name', 'must be four printable ASCII characters');
    if (data.length % 4 !== 0) throw new InvalidArgumentError('data', 'length must be a multiple of 4');
    this.subtype = subtype;
    this.ssrc = ssrc;
    this.name = name;
    this.data = data;
  }

  /** Size of the serialized packet in octets. */
  get byteLength(): number {
    return 12 + this.data.length;
  }

  /** Parse the body of an APP located by the compound parser. @throws RtcpParseError */
  static fromRaw(raw: RtcpRawPacket): RtcpApp {
    const b = raw.body;
    need(b.length, 8, 'APP');
    const name = String.fromCharCode(b[4]!, b[5]!, b[6]!, b[7]!);
    if (!/^[\x20-\x7e]{4}$/.test(name)) throw new RtcpParseError('bad-item', 'APP name is not printable ASCII');
    return new RtcpApp(raw.count, readU32(b, 0), name, b.subarray(8));
  }

  /** Write into `buf` at `o`; returns the next offset. */
  writeTo(buf: Uint8Array, o: number): number {
    o = writeRtcpHeader(buf, o, this.subtype, RtcpPacketType.APP, this.byteLength);
    o = writeU32(buf, o, this.ssrc);
    for (let i = 0; i < 4; i++) buf[o++] = this.name.charCodeAt(i);
    buf.set(this.data, o);
    return o + this.data.length;
  }

  /** Serialize into a new Buffer (non-mutating). */
  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeTo(out, 0);
    return out;
  }
}

/** An RTCP packet of a type this engine does not interpret, kept raw (RFC 3550 §6.1: ignore, do not fail). */
export class RtcpUnknown {
  /** Discriminant of the {@link RtcpPacket} union. */
  readonly type = 'unknown' as const;
  /** The packet type octet (e.g. 205 RTPFB, 206 PSFB, 207 XR). */
  readonly packetType: number;
  /** The 5-bit count/format field. */
  readonly count: number;
  /** Octets after the common header (multiple of 4). */
  readonly body: Uint8Array;

  /** @throws InvalidArgumentError when a field is out of range */
  constructor(packetType: number, count: number, body: Uint8Array) {
    if (!Number.isInteger(packetType) || packetType < 0 || packetType > 255) throw new InvalidArgumentError('packetType', 'must be 0-255');
    if (!Number.isInteger(count) || count < 0 || count > 31) throw new InvalidArgumentError('count', 'must be 0-31');
    if (body.length % 4 !== 0) throw new InvalidArgumentError('body', 'length must be a multiple of 4');
    this.packetType = packetType;
    this.count = count;
    this.body = body;
  }

  /** Size of the serialized packet in octets. */
  get byteLength(): number {
    return 4 + this.body.length;
  }

  /** Keep the raw body located by the compound parser. */
  static fromRaw(raw: RtcpRawPacket): RtcpUnknown {
    if (raw.body.length % 4 !== 0) throw new RtcpParseError('bad-length', 'packet body is not word aligned');
    return new RtcpUnknown(raw.packetType, raw.count, raw.body);
  }

  /** Write into `buf` at `o`; returns the next offset. */
  writeTo(buf: Uint8Array, o: number): number {
    o = writeRtcpHeader(buf, o, this.count, this.packetType, this.byteLength);
    buf.set(this.body, o);
    return o + this.body.length;
  }

  /** Serialize into a new Buffer (non-mutating). */
  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeTo(out, 0);
    return out;
  }
}
