/**
 * RTCP goodbye packet (RFC 3550 §6.6).
 *
 * @module
 */
import { InvalidArgumentError } from '../../util/index.js';
import { readU32, writeU32 } from '../rtp/bytes.js';
import { RtcpParseError } from '../rtp/rtp-errors.js';
import { RtcpPacketType, checkU32, writeRtcpHeader } from './rtcp-common.js';
import type { RtcpRawPacket } from './rtcp-common.js';

const utf8 = new TextDecoder('utf-8');

/**
 * Goodbye (RFC 3550 §6.6): the listed sources are leaving, with an optional
 * reason text.
 *
 * ```
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       :                              ...                              :
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export class RtcpBye {
  /** Discriminant of the {@link RtcpPacket} union. */
  readonly type = 'bye' as const;
  /** The sources leaving. */
  readonly ssrcs: readonly number[];
  /** Reason for leaving, if given. */
  readonly reason: string | undefined;
  readonly #reasonBytes: Uint8Array | undefined;

  /** @throws InvalidArgumentError when a field is out of range */
  constructor(ssrcs: readonly number[], reason?: string) {
    if (ssrcs.length > 31) throw new InvalidArgumentError('ssrcs', 'at most 31 sources per BYE');
    for (const s of ssrcs) checkU32('ssrcs', s);
    this.ssrcs = Object.freeze(ssrcs.slice());
    this.reason = reason;
    if (reason !== undefined) {
      const bytes = Buffer.from(reason, 'utf8');
      if (bytes.length > 255) throw new InvalidArgumentError('reason', 'at most 255 octets');
      this.#reasonBytes = bytes;
    }
  }

  /** Size of the serialized packet in octets. */
  get byteLength(): number {
    const r = this.#reasonBytes === undefined ? 0 : (1 + this.#reasonBytes.length + 3) & ~3;
    return 4 + this.ssrcs.length * 4 + r;
  }

  /** Parse the body of a BYE located by the compound parser. @throws RtcpParseError */
  static fromRaw(raw: RtcpRawPacket): RtcpBye {
    const b = raw.body;
    const n = raw.count * 4;
    if (b.length < n) throw new RtcpParseError('bad-count', `BYE lists ${raw.count} sources in ${b.length} octets`);
    const ssrcs: number[] = [];
    for (let o = 0; o < n; o += 4) ssrcs.push(readU32(b, o));
    let reason: string | undefined;
    if (b.length > n) {
      const len = b[n]!;
      if (n + 1 + len > b.length) throw new RtcpParseError('bad-length', `BYE reason of ${len} octets overruns the packet`);
      reason = utf8.decode(b.subarray(n + 1, n + 1 + len));
    }
    return new RtcpBye(ssrcs, reason);
  }

  /** Write into `buf` at `o`; returns the next offset. */
  writeTo(buf: Uint8Array, o: number): number {
    const end = o + this.byteLength;
    o = writeRtcpHeader(buf, o, this.ssrcs.length, RtcpPacketType.BYE, this.byteLength);
    for (const s of this.ssrcs) o = writeU32(buf, o, s);
    const r = this.#reasonBytes;
    if (r !== undefined) {
      buf[o++] = r.length;
      buf.set(r, o);
      o += r.length;
      buf.fill(0, o, end);
    }
    return end;
  }

  /** Serialize into a new Buffer (non-mutating). */
  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeTo(out, 0);
    return out;
  }
}
