/**
 * RTCP source description packet (RFC 3550 §6.5).
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpParseError } from '../rtp/rtp-errors.js';
import { RtcpPacketType, checkU32, writeRtcpHeader } from './rtcp-common.js';
import type { RtcpRawPacket } from './rtcp-common.js';

/** SDES item types (RFC 3550 §6.5.1-§6.5.8, §12.2). */
export const SdesItemType = {
  /** Canonical end-point identifier, §6.5.1 (mandatory in every compound packet). */
  CNAME: 1,
  /** User name, §6.5.2. */
  NAME: 2,
  /** E-mail address, §6.5.3. */
  EMAIL: 3,
  /** Phone number, §6.5.4. */
  PHONE: 4,
  /** Geographic location, §6.5.5. */
  LOC: 5,
  /** Application or tool name, §6.5.6. */
  TOOL: 6,
  /** Notice/status, §6.5.7. */
  NOTE: 7,
  /** Private extensions, §6.5.8. */
  PRIV: 8,
} as const;

/** One SDES item: a type (1-255) and its octets (at most 255). Unknown types are kept. */
export interface SdesItem {
  /** Item type, see {@link SdesItemType}. */
  readonly type: number;
  /** The item's text as raw octets (UTF-8 for the text items). */
  readonly data: Uint8Array;
}

/** The items describing one source. */
export interface SdesChunk {
  /** The SSRC or CSRC described. */
  readonly ssrc: number;
  /** Its items in wire order. */
  readonly items: readonly SdesItem[];
}

const utf8 = new TextDecoder('utf-8');

/** Make a text SDES item (UTF-8). @throws InvalidArgumentError when longer than 255 octets */
export function sdesItem(type: number, text: string): SdesItem {
  const data = Buffer.from(text, 'utf8');
  if (data.length > 255) throw new InvalidArgumentError('text', 'SDES items hold at most 255 octets');
  return { type, data };
}

/**
 * Source description (RFC 3550 §6.5): chunks of items, each chunk ending with
 * a null item and padded to a 32-bit boundary.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_1                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    CNAME=1    |     length    | user and domain name        ...
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                          SSRC/CSRC_2  ...                     |
 * ```
 */
export class RtcpSdes {
  /** Discriminant of the {@link RtcpPacket} union. */
  readonly type = 'sdes' as const;
  /** Chunks in wire order. */
  readonly chunks: readonly SdesChunk[];

  /** @throws InvalidArgumentError when a field is out of range */
  constructor(chunks: readonly SdesChunk[]) {
    if (chunks.length > 31) throw new InvalidArgumentError('chunks', 'at most 31 chunks per packet');
    for (const c of chunks) {
      checkU32('ssrc', c.ssrc);
      for (const it of c.items) {
        if (!Number.isInteger(it.type) || it.type < 1 || it.type > 255) throw new InvalidArgumentError('item.type', 'must be 1-255');
        if (it.data.length > 255) throw new InvalidArgumentError('item.data', 'at most 255 octets');
      }
    }
    this.chunks = Object.freeze(chunks.map((c) => Object.freeze({ ssrc: c.ssrc, items: Object.freeze(c.items.slice()) })));
  }

  /** A one-chunk SDES carrying a CNAME (the minimum every compound RTCP packet needs, §6.1). */
  static cname(ssrc: number, cname: string): RtcpSdes {
    return new RtcpSdes([{ ssrc, items: [sdesItem(SdesItemType.CNAME, cname)] }]);
  }

  /** The text of the first item of `type` for `ssrc` (or for the first chunk), if any. */
  text(type: number, ssrc?: number): string | undefined {
    for (const c of this.chunks) {
      if (ssrc !== undefined && c.ssrc !== ssrc) continue;
      for (const it of c.items) if (it.type === type) return utf8.decode(it.data);
    }
    return undefined;
  }

  /** Size of the serialized packet in octets. */
  get byteLength(): number {
    let n = 4;
    for (const c of this.chunks) n += chunkLength(c);
    return n;
  }

  /** Parse the body of an SDES located by the compound parser. @throws RtcpParseError */
  static fromRaw(raw: RtcpRawPacket): RtcpSdes {
    const b = raw.body;
    const chunks: SdesChunk[] = [];
    let o = 0;
    for (let i = 0; i < raw.count; i++) {
      if (o + 4 > b.length) throw new RtcpParseError('bad-count', `SDES chunk ${i + 1} of ${raw.count} missing`);
      const ssrc = readU32(b, o);
      o += 4;
      const items: SdesItem[] = [];
      for (;;) {
        if (o >= b.length) throw new RtcpParseError('bad-item', 'SDES chunk not terminated by a null item');
        const t = b[o]!;
        if (t === 0) {
          o += 1;
          o = (o + 3) & ~3; // skip the null octets up to the 32-bit boundary
          break;
        }
        if (o + 2 > b.length) throw new RtcpParseError('bad-item', 'SDES item header truncated');
        const len = b[o + 1]!;
        if (o + 2 + len > b.length) throw new RtcpParseError('bad-item', `SDES item of ${len} octets overruns the packet`);
        items.push(Object.freeze({ type: t, data: b.subarray(o + 2, o + 2 + len) }));
        o += 2 + len;
      }
      if (o > b.length) throw new RtcpParseError('bad-item', 'SDES chunk padding overruns the packet');
      chunks.push({ ssrc, items });
    }
    return new RtcpSdes(chunks);
  }

  /** Write into `buf` at `o`; returns the next offset. */
  writeTo(buf: Uint8Array, o: number): number {
    o = writeRtcpHeader(buf, o, this.chunks.length, RtcpPacketType.SDES, this.byteLength);
    for (const c of this.chunks) {
      const end = o + chunkLength(c);
      o = writeU32(buf, o, c.ssrc);
      for (const it of c.items) {
        buf[o++] = it.type;
        buf[o++] = it.data.length;
        buf.set(it.data, o);
        o += it.data.length;
      }
      buf.fill(0, o, end); // null item plus padding
      o = end;
    }
    return o;
  }

  /** Serialize into a new Buffer (non-mutating). */
  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeTo(out, 0);
    return out;
  }
}

function chunkLength(c: SdesChunk): number {
  let n = 4;
  for (const it of c.items) n += 2 + it.data.length;
  return (n + 1 + 3) & ~3; // at least one null octet, then to a word boundary
}
