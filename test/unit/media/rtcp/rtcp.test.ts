import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  RtcpApp, RtcpBye, RtcpParseError, RtcpReceiverReport, RtcpSdes, RtcpSenderReport, RtcpUnknown, SdesItemType,
  looksLikeRtcp, parseRtcpCompound, rtcpIntervalMs, sdesItem, serializeRtcpCompound,
} from '../../../../src/media/index.js';
import type { RtcpPacket, ReportBlock } from '../../../../src/media/index.js';

const block: ReportBlock = {
  ssrc: 0x11223344, fractionLost: 64, cumulativeLost: -3, highestSequence: 0x0001ffff,
  jitter: 77, lastSr: 0xabcd1234, delaySinceLastSr: 65536,
};

function failure(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { return e instanceof RtcpParseError ? e.reason : `other: ${String(e)}`; }
  return undefined;
}

describe('RTCP packets', () => {
  it('round-trips a compound SR + SDES + BYE + APP exactly', () => {
    const packets: RtcpPacket[] = [
      new RtcpSenderReport({ ssrc: 1, ntpSeconds: 0xe1234567, ntpFraction: 0x80000000, rtpTimestamp: 160, packetCount: 10, octetCount: 1600, reports: [block] }),
      new RtcpSdes([{ ssrc: 1, items: [sdesItem(SdesItemType.CNAME, 'alice@127.0.0.1'), sdesItem(SdesItemType.TOOL, 'sipline')] }]),
      new RtcpBye([1, 2], 'call ended'),
      new RtcpApp(3, 1, 'TEST', new Uint8Array([1, 2, 3, 4])),
    ];
    const bytes = serializeRtcpCompound(packets);
    expect(bytes.length % 4).toBe(0);
    const back = parseRtcpCompound(bytes);
    expect(back.map((p) => p.type)).toEqual(['sr', 'sdes', 'bye', 'app']);
    const sr = back[0] as RtcpSenderReport;
    expect(sr.reports[0]).toEqual(block);
    expect(sr.ntpMiddle32).toBe(0x45678000);
    const sdes = back[1] as RtcpSdes;
    expect(sdes.text(SdesItemType.CNAME)).toBe('alice@127.0.0.1');
    expect(sdes.text(SdesItemType.TOOL, 1)).toBe('sipline');
    const bye = back[2] as RtcpBye;
    expect(bye.ssrcs).toEqual([1, 2]);
    expect(bye.reason).toBe('call ended');
    const app = back[3] as RtcpApp;
    expect([app.subtype, app.name, [...app.data]]).toEqual([3, 'TEST', [1, 2, 3, 4]]);
    expect(serializeRtcpCompound(back).equals(bytes)).toBe(true);
  });

  it('encodes the report block exactly as RFC 3550 §6.4.1 lays it out', () => {
    const rr = new RtcpReceiverReport({ ssrc: 0x01020304, reports: [block] }).serialize();
    expect(rr.toString('hex')).toBe(
      '81c90007' + '01020304' + '11223344' + '40fffffd' + '0001ffff' + '0000004d' + 'abcd1234' + '00010000');
  });

  it('keeps unknown packet types and SDES items it does not interpret', () => {
    const fb = new RtcpUnknown(205, 1, new Uint8Array(8).fill(7));
    const sdes = new RtcpSdes([{ ssrc: 9, items: [{ type: 42, data: new Uint8Array([0xff, 0xfe]) }] }]);
    const bytes = serializeRtcpCompound([new RtcpReceiverReport({ ssrc: 9 }), sdes, fb]);
    const back = parseRtcpCompound(bytes);
    expect(back[2]).toMatchObject({ type: 'unknown', packetType: 205, count: 1 });
    expect([...(back[1] as RtcpSdes).chunks[0]!.items[0]!.data]).toEqual([0xff, 0xfe]);
    expect(serializeRtcpCompound(back).equals(bytes)).toBe(true);
  });

  it('strips padding on the last packet of a compound', () => {
    const rr = new RtcpReceiverReport({ ssrc: 5 }).serialize(); // 8 octets
    const padded = Buffer.concat([rr, Buffer.from([0, 0, 0, 4])]);
    padded[0] = padded[0]! | 0x20;
    padded[3] = 2; // length now 3 words
    const [p] = parseRtcpCompound(padded);
    expect(p).toMatchObject({ type: 'rr', ssrc: 5, reports: [] });
  });

  it('rejects compound packets that break the §A.2 checks with typed errors', () => {
    const rr = new RtcpReceiverReport({ ssrc: 5 }).serialize();
    const sdes = RtcpSdes.cname(5, 'x').serialize();
    expect(failure(() => parseRtcpCompound(new Uint8Array(3)))).toBe('truncated');
    expect(failure(() => parseRtcpCompound(Buffer.concat([rr, Buffer.from([1, 2])])))).toBe('bad-length');
    const v1 = Buffer.from(rr); v1[0] = 0x40;
    expect(failure(() => parseRtcpCompound(v1))).toBe('bad-version');
    const long = Buffer.from(rr); long[3] = 9;
    expect(failure(() => parseRtcpCompound(long))).toBe('bad-length');
    expect(failure(() => parseRtcpCompound(sdes))).toBe('bad-compound');
    expect(parseRtcpCompound(sdes, { strict: false })[0]!.type).toBe('sdes');
    const lie = Buffer.from(rr); lie[0] = 0x82; // claims 2 report blocks
    expect(failure(() => parseRtcpCompound(lie))).toBe('truncated');
    const badItem = Buffer.from(sdes); badItem[9] = 200; // CNAME length past the end
    expect(failure(() => parseRtcpCompound(Buffer.concat([rr, badItem])))).toBe('bad-item');
  });

  it('answers random bytes with packets or an RtcpParseError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (bytes, strict) => {
      if (bytes.length > 1) bytes[0] = 0x80 | (bytes[0]! & 0x3f);
      try { parseRtcpCompound(bytes, { strict }); } catch (e) { expect(e).toBeInstanceOf(RtcpParseError); }
    }), { seed: 11, numRuns: 5000 });
  });

  it('tells RTCP from RTP on a muxed port by the packet type range of RFC 5761', () => {
    expect(looksLikeRtcp(new RtcpReceiverReport({ ssrc: 1 }).serialize())).toBe(true);
    expect(looksLikeRtcp(Buffer.from('8000000100000000', 'hex'))).toBe(false); // PT 0
    expect(looksLikeRtcp(Buffer.from('80e0000100000000', 'hex'))).toBe(false); // marker + PT 96
  });
});

describe('RTCP interval (RFC 3550 §6.2)', () => {
  const base = { members: 2, senders: 2, rtcpBandwidth: 500, weSent: true, avgRtcpSize: 100, minIntervalMs: 5000 };

  it('is the minimum randomised over [0.5, 1.5] for a two-party call', () => {
    expect(rtcpIntervalMs({ ...base, initial: false, random: 0 })).toBeCloseTo(2500);
    expect(rtcpIntervalMs({ ...base, initial: false, random: 0.999999 })).toBeCloseTo(7500, 0);
    expect(rtcpIntervalMs({ ...base, initial: true, random: 0.5 })).toBeCloseTo(2500);
  });

  it('grows with the membership once the bandwidth share becomes the limit', () => {
    const t = rtcpIntervalMs({ ...base, members: 200, senders: 150, initial: false, random: 0.5 });
    expect(t).toBeCloseTo((100 * 200 / 500) * 1000);
  });
});
