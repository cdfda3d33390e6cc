import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ALAW_DECODE,
  ALAW_ENCODE,
  ULAW_DECODE,
  ULAW_ENCODE,
  alawDecodeSample,
  alawEncodeSample,
  ulawDecodeSample,
  ulawEncodeSample,
} from '../../../../src/media/codecs/g711.js';
import { createPcmaCodec, createPcmuCodec } from '../../../../src/media/codecs/g711-codec.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/g711');

/** Read a G.191 file: little-endian signed 16-bit words. */
function words(name: string): Int16Array {
  const b = readFileSync(join(fixtures, name));
  const out = new Int16Array(b.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(i * 2);
  return out;
}

function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('G.711 against the ITU-T G.191 reference vectors', () => {
  const src = words('sweep.src');

  it('reads a full 65,536-sample ramp as input', () => {
    expect(src.length).toBe(65536);
    expect(src[0]).toBe(-32768);
    expect(src[65535]).toBe(32767);
  });

  it('encodes the sweep to exactly the A-law codes of sweep-r.a', () => {
    const codes = createPcmaCodec().encode(src);
    expect(firstMismatch(Array.from(codes), words('sweep-r.a'))).toBe(-1);
  });

  it('encodes the sweep to exactly the mu-law codes of sweep-r.u', () => {
    const codes = createPcmuCodec().encode(src);
    expect(firstMismatch(Array.from(codes), words('sweep-r.u'))).toBe(-1);
  });

  it('decodes the A-law codes to exactly sweep-r.a-a', () => {
    const codes = Uint8Array.from(words('sweep-r.a'));
    expect(firstMismatch(createPcmaCodec().decode(codes), words('sweep-r.a-a'))).toBe(-1);
  });

  it('decodes the mu-law codes to exactly sweep-r.u-u', () => {
    const codes = Uint8Array.from(words('sweep-r.u'));
    expect(firstMismatch(createPcmuCodec().decode(codes), words('sweep-r.u-u'))).toBe(-1);
  });

  it('encodes then decodes the sweep through A-law to exactly sweep-r.rea', () => {
    const c = createPcmaCodec();
    expect(firstMismatch(c.decode(c.encode(src)), words('sweep-r.rea'))).toBe(-1);
  });

  it('encodes then decodes the sweep through mu-law to exactly sweep-r.reu', () => {
    const c = createPcmuCodec();
    expect(firstMismatch(c.decode(c.encode(src)), words('sweep-r.reu'))).toBe(-1);
  });
});

describe('G.711 tables and sample functions', () => {
  it('builds the lookup tables from the segment computation', () => {
    for (let x = -32768; x < 32768; x += 7) {
      expect(ALAW_ENCODE[x & 0xffff]).toBe(alawEncodeSample(x));
      expect(ULAW_ENCODE[x & 0xffff]).toBe(ulawEncodeSample(x));
    }
    for (let c = 0; c < 256; c++) {
      expect(ALAW_DECODE[c]).toBe(alawDecodeSample(c));
      expect(ULAW_DECODE[c]).toBe(ulawDecodeSample(c));
    }
  });

  it('maps zero to the idle codes 0xD5 (A-law) and 0xFF (mu-law)', () => {
    expect(alawEncodeSample(0)).toBe(0xd5);
    expect(ulawEncodeSample(0)).toBe(0xff);
  });

  it('re-encodes every decoded value to the same code (decode then encode is the identity)', () => {
    for (let c = 0; c < 256; c++) {
      expect(alawEncodeSample(alawDecodeSample(c))).toBe(c);
      // mu-law has two zero codes (0x7F and 0xFF); both decode to 0, which encodes as 0xFF.
      if (c !== 0x7f) expect(ulawEncodeSample(ulawDecodeSample(c))).toBe(c);
    }
  });

  it('keeps the quantisation error within half a segment step', () => {
    for (let x = -32768; x < 32768; x += 3) {
      const ea = Math.abs(alawDecodeSample(alawEncodeSample(x)) - x);
      const eu = Math.abs(ulawDecodeSample(ulawEncodeSample(x)) - x);
      expect(ea).toBeLessThanOrEqual(Math.max(16, Math.abs(x) / 32 + 8));
      expect(eu).toBeLessThanOrEqual(Math.max(8, Math.abs(x) / 16 + 4));
    }
  });
});

describe('G.711 codec instances', () => {
  it('describe themselves as RFC 3551 static payload types 0 and 8 at 8 kHz', () => {
    const u = createPcmuCodec();
    const a = createPcmaCodec();
    expect([u.name, u.payloadType, u.rtpClockRate, u.sampleRate, u.channels]).toEqual(['PCMU', 0, 8000, 8000, 1]);
    expect([a.name, a.payloadType, a.rtpClockRate, a.sampleRate, a.channels]).toEqual(['PCMA', 8, 8000, 8000, 1]);
    expect(u.frameSamples(20)).toBe(160);
    expect(u.payloadBytes(160)).toBe(160);
    expect(u.rtpTicks(160)).toBe(160);
  });

  it('encodes into a caller buffer without allocating a new one', () => {
    const enc = createPcmuCodec().createEncoder();
    const out = new Uint8Array(4);
    expect(enc.encodeInto(Int16Array.of(0, 1000, -1000, 32767), out)).toBe(4);
    expect(out[0]).toBe(0xff);
    const dec = createPcmuCodec().createDecoder();
    const pcm = new Int16Array(4);
    expect(dec.decodeInto(out, pcm)).toBe(4);
    expect(pcm[3]).toBe(32124);
  });
});
