import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RtpPacket, writeRtpPacket } from '../../../../src/media/rtp/rtp-packet.js';
import { RtpParseError } from '../../../../src/media/rtp/rtp-errors.js';
import { SiplineError } from '../../../../src/util/index.js';

function reason(fn: () => unknown): string | undefined {
  try { fn(); } catch (e) { return e instanceof RtpParseError ? e.reason : `other: ${String(e)}`; }
  return undefined;
}

describe('RtpPacket', () => {
  it('parses a plain 12-byte header packet field by field', () => {
    const buf = Buffer.from('80e0123400000a0bdeadbeef0102', 'hex');
    const p = RtpPacket.parse(buf);
    expect(p.version).toBe(2);
    expect(p.padding).toBe(false);
    expect(p.extension).toBeUndefined();
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(0x60);
    expect(p.sequenceNumber).toBe(0x1234);
    expect(p.timestamp).toBe(0x0a0b);
    expect(p.ssrc).toBe(0xdeadbeef);
    expect(p.csrcs).toEqual([]);
    expect([...p.payload]).toEqual([1, 2]);
    expect(p.serialize().equals(buf)).toBe(true);
  });

  it('parses CSRCs, a header extension and padding, and serializes them back byte for byte', () => {
    const buf = Buffer.from(
      'b2' + '08' + 'ffff' + 'ffffffff' + '00000001' + // V=2 P X CC=2, PT 8
      '00000002' + '00000003' + // CSRCs
      'bede0001' + '10ff0000' + // one-word extension
      'aabbcc' + '000003', 'hex'); // payload + 3 padding octets
    const p = RtpPacket.parse(buf);
    expect(p.csrcs).toEqual([2, 3]);
    expect(p.extension?.profile).toBe(0xbede);
    expect([...p.extension!.data]).toEqual([0x10, 0xff, 0, 0]);
    expect(p.paddingLength).toBe(3);
    expect([...p.payload]).toEqual([0xaa, 0xbb, 0xcc]);
    expect(p.timestamp).toBe(0xffffffff);
    expect(p.serialize().equals(buf)).toBe(true);
  });

  it('rejects truncated and malformed packets with a typed error naming the failed check', () => {
    expect(reason(() => RtpPacket.parse(new Uint8Array(11)))).toBe('truncated');
    expect(reason(() => RtpPacket.parse(Buffer.from('40000000000000000000000000', 'hex')))).toBe('bad-version');
    expect(reason(() => RtpPacket.parse(Buffer.from('83000000000000000000000000000000', 'hex')))).toBe('csrc-overflow');
    expect(reason(() => RtpPacket.parse(Buffer.from('900000000000000000000000bede0002aabbccdd', 'hex')))).toBe('extension-overflow');
    expect(reason(() => RtpPacket.parse(Buffer.from('a000000000000000000000000100', 'hex')))).toBe('bad-padding');
    expect(reason(() => RtpPacket.parse(Buffer.from('a000000000000000000000000105', 'hex')))).toBe('bad-padding');
    const err = ((): unknown => { try { RtpPacket.parse(new Uint8Array(3)); } catch (e) { return e; } return undefined; })();
    expect(err).toBeInstanceOf(SiplineError);
    expect((err as RtpParseError).code).toBe('ERR_RTP_PARSE');
  });

  it('never mutates itself when serialized or copied with changes', () => {
    const p = new RtpPacket({ payloadType: 0, sequenceNumber: 65535, timestamp: 160, ssrc: 42, payload: new Uint8Array([9]) });
    const q = p.with({ sequenceNumber: 0, marker: true });
    p.serialize();
    expect(p.sequenceNumber).toBe(65535);
    expect(p.marker).toBe(false);
    expect(q.sequenceNumber).toBe(0);
    expect(Object.isFrozen(p.csrcs)).toBe(true);
  });

  it('refuses out-of-range fields at construction', () => {
    expect(() => new RtpPacket({ payloadType: 128, sequenceNumber: 0, timestamp: 0, ssrc: 0, payload: new Uint8Array() })).toThrow(/payloadType/);
    expect(() => new RtpPacket({ payloadType: 0, sequenceNumber: 65536, timestamp: 0, ssrc: 0, payload: new Uint8Array() })).toThrow(/sequenceNumber/);
    expect(() => new RtpPacket({ payloadType: 0, sequenceNumber: 0, timestamp: 2 ** 32, ssrc: 0, payload: new Uint8Array() })).toThrow(/timestamp/);
  });

  it('writes the same bytes through the allocation-free writer as through serialize', () => {
    const payload = new Uint8Array(160).map((_, i) => i);
    const p = new RtpPacket({ marker: true, payloadType: 8, sequenceNumber: 777, timestamp: 123456789, ssrc: 0xfeedface, payload });
    const out = new Uint8Array(172);
    expect(writeRtpPacket(out, true, 8, 777, 123456789, 0xfeedface, payload)).toBe(172);
    expect(Buffer.from(out).equals(p.serialize())).toBe(true);
  });

  it('survives serialize -> parse -> serialize for generated packets', () => {
    const arb = fc.record({
      marker: fc.boolean(),
      payloadType: fc.integer({ min: 0, max: 127 }),
      sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
      timestamp: fc.integer({ min: 0, max: 0xffffffff }),
      ssrc: fc.integer({ min: 0, max: 0xffffffff }),
      csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
      paddingLength: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 })),
      ext: fc.option(fc.record({ profile: fc.integer({ min: 0, max: 0xffff }), words: fc.uint8Array({ maxLength: 16 }) })),
      payload: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(fc.property(arb, (a) => {
      const data = a.ext ? new Uint8Array(Math.ceil(a.ext.words.length / 4) * 4) : undefined;
      if (a.ext && data) data.set(a.ext.words);
      const p = new RtpPacket({ ...a, extension: a.ext && data ? { profile: a.ext.profile, data } : undefined });
      const bytes = p.serialize();
      const q = RtpPacket.parse(bytes);
      expect(q.serialize().equals(bytes)).toBe(true);
      expect(q.sequenceNumber).toBe(a.sequenceNumber);
      expect(q.csrcs).toEqual(a.csrcs);
      expect(q.paddingLength).toBe(a.paddingLength);
    }), { seed: 4, numRuns: 500 });
  });

  it('answers random bytes with a packet or an RtpParseError, nothing else', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
      try { RtpPacket.parse(bytes); } catch (e) { expect(e).toBeInstanceOf(RtpParseError); }
    }), { seed: 7, numRuns: 5000 });
  });
});
