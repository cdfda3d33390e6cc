/**
 * The RTP data packet of RFC 3550 §5.1 as an immutable value.
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { RtpParseError } from './rtp-errors.js';
import { readU32, writeU32 } from './bytes.js';

/**
 * A header extension (RFC 3550 §5.3.1): a 16-bit profile-defined identifier
 * and a body whose length is a multiple of four octets.
 */
export interface RtpHeaderExtension {
  /** The 16-bit "defined by profile" field (0xBEDE for RFC 8285 one-byte headers). */
  readonly profile: number;
  /** The extension body, without its 4-octet header; length is a multiple of 4. */
  readonly data: Uint8Array;
}

/** The fields from which an {@link RtpPacket} is built; omitted ones take their neutral value. */
export interface RtpPacketInit {
  /** Number of padding octets appended after the payload (0 = P bit clear). Max 255. */
  readonly paddingLength?: number;
  /** Header extension, if the X bit is to be set. */
  readonly extension?: RtpHeaderExtension | undefined;
  /** The M bit (default false). */
  readonly marker?: boolean;
  /** 7-bit payload type. */
  readonly payloadType: number;
  /** 16-bit sequence number. */
  readonly sequenceNumber: number;
  /** 32-bit RTP timestamp. */
  readonly timestamp: number;
  /** 32-bit synchronisation source. */
  readonly ssrc: number;
  /** Up to 15 contributing sources. */
  readonly csrcs?: readonly number[];
  /** The payload octets. */
  readonly payload: Uint8Array;
}

const NO_CSRCS: readonly number[] = Object.freeze([]);

/**
 * An RTP packet (RFC 3550 §5.1).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      defined by profile       |           length              |   (X=1, §5.3.1)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        header extension                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            payload  ...  | padding | pad count |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Values are immutable: every field is `readonly` and {@link RtpPacket.serialize}
 * never changes the object. A parsed packet's `payload` (and extension data) is
 * a view into the buffer passed to {@link RtpPacket.parse}, not a copy: callers
 * that reuse receive buffers must copy what they keep.
 */
export class RtpPacket {
  /** Always 2 (RFC 3550 §5.1). */
  readonly version = 2 as const;
  /** Padding octets after the payload, including the final count octet (0 = P bit clear). */
  readonly paddingLength: number;
  /** The header extension, or `undefined` when the X bit is clear. */
  readonly extension: RtpHeaderExtension | undefined;
  /** The marker bit. */
  readonly marker: boolean;
  /** 7-bit payload type (RFC 3551 static or dynamic 96-127). */
  readonly payloadType: number;
  /** 16-bit sequence number. */
  readonly sequenceNumber: number;
  /** 32-bit RTP timestamp (unsigned). */
  readonly timestamp: number;
  /** 32-bit synchronisation source (unsigned). */
  readonly ssrc: number;
  /** Contributing sources, at most 15 (frozen). */
  readonly csrcs: readonly number[];
  /** The payload octets (without padding). */
  readonly payload: Uint8Array;

  /**
   * Build a packet, checking every field range.
   * @throws InvalidArgumentError when a field is out of range
   */
  constructor(init: RtpPacketInit) {
    const pt = init.payloadType;
    if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw new InvalidArgumentError('payloadType', 'must be 0-127');
    const seq = init.sequenceNumber;
    if (!Number.isInteger(seq) || seq < 0 || seq > 0xffff) throw new InvalidArgumentError('sequenceNumber', 'must be 0-65535');
    if (!isUint32(init.timestamp)) throw new InvalidArgumentError('timestamp', 'must be a 32-bit unsigned integer');
    if (!isUint32(init.ssrc)) throw new InvalidArgumentError('ssrc', 'must be a 32-bit unsigned integer');
    const csrcs = init.csrcs ?? NO_CSRCS;
    if (csrcs.length > 15) throw new InvalidArgumentError('csrcs', 'at most 15 contributing sources');
    for (const c of csrcs) if (!isUint32(c)) throw new InvalidArgumentError('csrcs', 'must be 32-bit unsigned integers');
    const pad = init.paddingLength ?? 0;
    if (!Number.isInteger(pad) || pad < 0 || pad > 255) throw new InvalidArgumentError('paddingLength', 'must be 0-255');
    const ext = init.extension;
    if (ext !== undefined) {
      if (!Number.isInteger(ext.profile) || ext.profile < 0 || ext.profile > 0xffff) {
        throw new InvalidArgumentError('extension.profile', 'must be 0-65535');
      }
      if (ext.data.length % 4 !== 0 || ext.data.length > 0xffff * 4) {
        throw new InvalidArgumentError('extension.data', 'length must be a multiple of 4 (at most 262140)');
      }
    }
    this.paddingLength = pad;
    this.extension = ext;
    this.marker = init.marker ?? false;
    this.payloadType = pt;
    this.sequenceNumber = seq;
    this.timestamp = init.timestamp;
    this.ssrc = init.ssrc;
    this.csrcs = csrcs.length === 0 ? NO_CSRCS : Object.freeze(csrcs.slice());
    this.payload = init.payload;
  }

  /** True when the P bit is set. */
  get padding(): boolean {
    return this.paddingLength > 0;
  }

  /** Size of the fixed header, CSRC list and extension, in octets. */
  get headerLength(): number {
    return 12 + this.csrcs.length * 4 + (this.extension === undefined ? 0 : 4 + this.extension.data.length);
  }

  /** Size of the whole serialized packet, in octets. */
  get byteLength(): number {
    return this.headerLength + this.payload.length + this.paddingLength;
  }

  /**
   * Parse a datagram, applying the header checks of RFC 3550 §5.1 and §A.1:
   * version 2, CSRC list and header extension inside the datagram, padding
   * count non-zero and no larger than what follows the header.
   *
   * The common 12-octet header (no CSRC, extension or padding) takes a fast path.
   *
   * @throws RtpParseError (and nothing else) when a check fails
   */
  static parse(buf: Uint8Array): RtpPacket {
    const len = buf.length;
    if (len < 12) throw new RtpParseError('truncated', `${len} octets, the fixed header needs 12`);
    const b0 = buf[0]!;
    const b1 = buf[1]!;
    const seq = (buf[2]! << 8) | buf[3]!;
    const ts = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
    const ssrc = ((buf[8]! << 24) | (buf[9]! << 16) | (buf[10]! << 8) | buf[11]!) >>> 0;
    if (b0 === 0x80) {
      // Fast path: V=2, no padding, no extension, no CSRC.
      return RtpPacket.#trusted(0, undefined, (b1 & 0x80) !== 0, b1 & 0x7f, seq, ts, ssrc, NO_CSRCS, buf.subarray(12));
    }
    if (b0 >> 6 !== 2) throw new RtpParseError('bad-version', `version ${b0 >> 6}`);
    const cc = b0 & 0x0f;
    let off = 12;
    let csrcs = NO_CSRCS;
    if (cc > 0) {
      if (len < off + cc * 4) throw new RtpParseError('csrc-overflow', `${cc} CSRCs do not fit in ${len} octets`);
      const list: number[] = new Array<number>(cc);
      for (let i = 0; i < cc; i++, off += 4) list[i] = readU32(buf, off);
      csrcs = Object.freeze(list);
    }
    let extension: RtpHeaderExtension | undefined;
    if ((b0 & 0x10) !== 0) {
      if (len < off + 4) throw new RtpParseError('extension-overflow', 'extension header truncated');
      const profile = (buf[off]! << 8) | buf[off + 1]!;
      const words = (buf[off + 2]! << 8) | buf[off + 3]!;
      off += 4;
      if (len < off + words * 4) throw new RtpParseError('extension-overflow', `extension of ${words} words does not fit`);
      extension = { profile, data: buf.subarray(off, off + words * 4) };
      off += words * 4;
    }
    let end = len;
    let pad = 0;
    if ((b0 & 0x20) !== 0) {
      pad = buf[len - 1]!;
      if (pad === 0 || pad > len - off) throw new RtpParseError('bad-padding', `padding count ${pad} with ${len - off} octets after the header`);
      end = len - pad;
    }
    return RtpPacket.#trusted(pad, extension, (b1 & 0x80) !== 0, b1 & 0x7f, seq, ts, ssrc, csrcs, buf.subarray(off, end));
  }

  /** Build from already-validated fields without re-checking them. */
  static #trusted(
    pad: number, ext: RtpHeaderExtension | undefined, marker: boolean, pt: number,
    seq: number, ts: number, ssrc: number, csrcs: readonly number[], payload: Uint8Array,
  ): RtpPacket {
    const p = Object.create(RtpPacket.prototype) as { -readonly [K in keyof RtpPacket]: RtpPacket[K] };
    p.version = 2;
    p.paddingLength = pad;
    p.extension = ext;
    p.marker = marker;
    p.payloadType = pt;
    p.sequenceNumber = seq;
    p.timestamp = ts;
    p.ssrc = ssrc;
    p.csrcs = csrcs;
    p.payload = payload;
    return p as RtpPacket;
  }

  /**
   * A copy with some fields changed (the value itself never changes).
   * @throws InvalidArgumentError when a changed field is out of range
   */
  with(changes: Partial<RtpPacketInit>): RtpPacket {
    return new RtpPacket({
      paddingLength: this.paddingLength,
      extension: this.extension,
      marker: this.marker,
      payloadType: this.payloadType,
      sequenceNumber: this.sequenceNumber,
      timestamp: this.timestamp,
      ssrc: this.ssrc,
      csrcs: this.csrcs,
      payload: this.payload,
      ...changes,
    });
  }

  /** Serialize into a new Buffer; the packet is not modified. */
  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.serializeInto(out, 0);
    return out;
  }

  /**
   * Write the packet into `target` at `offset` (for callers that reuse send
   * buffers). Padding octets are zero except the final count octet.
   * @returns the number of octets written
   * @throws InvalidArgumentError when `target` is too small
   */
  serializeInto(target: Uint8Array, offset = 0): number {
    const total = this.byteLength;
    if (offset < 0 || offset + total > target.length) throw new InvalidArgumentError('target', `needs ${total} octets at ${offset}`);
    const cc = this.csrcs.length;
    const ext = this.extension;
    let o = offset;
    target[o++] = 0x80 | (this.paddingLength > 0 ? 0x20 : 0) | (ext !== undefined ? 0x10 : 0) | cc;
    target[o++] = (this.marker ? 0x80 : 0) | this.payloadType;
    target[o++] = this.sequenceNumber >> 8;
    target[o++] = this.sequenceNumber & 0xff;
    o = writeU32(target, o, this.timestamp);
    o = writeU32(target, o, this.ssrc);
    for (let i = 0; i < cc; i++) o = writeU32(target, o, this.csrcs[i]!);
    if (ext !== undefined) {
      const words = ext.data.length >> 2;
      target[o++] = ext.profile >> 8;
      target[o++] = ext.profile & 0xff;
      target[o++] = words >> 8;
      target[o++] = words & 0xff;
      target.set(ext.data, o);
      o += ext.data.length;
    }
    target.set(this.payload, o);
    o += this.payload.length;
    if (this.paddingLength > 0) {
      target.fill(0, o, o + this.paddingLength - 1);
      o += this.paddingLength;
      target[o - 1] = this.paddingLength;
    }
    return o - offset;
  }
}

/**
 * Write a plain RTP header (no CSRC, extension or padding) plus payload into
 * `target`, the allocation-free send path of the media engine (RFC 3550 §5.1).
 * @returns the number of octets written (12 + payload length)
 */
export function writeRtpPacket(
  target: Uint8Array, marker: boolean, payloadType: number, sequenceNumber: number,
  timestamp: number, ssrc: number, payload: Uint8Array,
): number {
  target[0] = 0x80;
  target[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  target[2] = (sequenceNumber >> 8) & 0xff;
  target[3] = sequenceNumber & 0xff;
  writeU32(target, 4, timestamp >>> 0);
  writeU32(target, 8, ssrc >>> 0);
  target.set(payload, 12);
  return 12 + payload.length;
}

function isUint32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}
