import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { G722Band } from '../../../../src/media/codecs/g722-band.js';
import {
  decodeHigherSample,
  decodeLowerSample,
  encodeHigherSample,
  encodeLowerSample,
} from '../../../../src/media/codecs/g722.js';

/*
 * ITU-T G.722 Appendix II digital test sequences (the short set, "2"):
 * T1C2.XMT is the encoder input, T2R2.COD the expected 64 kbit/s codes,
 * T3L2.RC1 and T3H2.RC0 the expected lower-band (mode 1) and higher-band
 * decoder outputs for T2R2.COD. The Appendix II test configuration bypasses
 * the QMF: the same 15-bit input (left-justified in 16-bit words) drives both
 * sub-band encoders, codes sit in the high byte of each word, and decoder
 * outputs are 15-bit values left-justified. Files are the ITU ASCII form:
 * 16 hex words and a checksum byte per line, 16 sync words 0x0001 at each end.
 */
const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/g722');

function readSequence(name: string): number[] {
  const words: number[] = [];
  for (const line of readFileSync(join(dir, name), 'latin1').split(/\r?\n/)) {
    if (!/^[0-9A-F]{66}$/.test(line)) continue;
    for (let i = 0; i < 16; i++) words.push(parseInt(line.slice(i * 4, i * 4 + 4), 16));
  }
  // Strip the 16 sync words at each end.
  expect(words.slice(0, 16).every((w) => w === 1)).toBe(true);
  expect(words.slice(-16).every((w) => w === 1)).toBe(true);
  return words.slice(16, -16);
}

const s16 = (w: number): number => (w << 16) >> 16;

describe('G.722 sub-band ADPCM against the ITU-T Appendix II test sequences', () => {
  it('encodes T1C2.XMT to exactly the codes of T2R2.COD', () => {
    const input = readSequence('T1C2.XMT');
    const expected = readSequence('T2R2.COD').map((w) => w >> 8);
    expect(input.length).toBe(expected.length);
    const low = new G722Band(32);
    const high = new G722Band(8);
    const got = input.map((w) => {
      const x = s16(w) >> 1;
      const il = encodeLowerSample(low, x);
      const ih = encodeHigherSample(high, x);
      return (ih << 6) | il;
    });
    expect(got).toEqual(expected);
  });

  it('decodes T2R2.COD to exactly the lower-band output T3L2.RC1 and higher-band output T3H2.RC0', () => {
    const codes = readSequence('T2R2.COD').map((w) => w >> 8);
    const expectedLow = readSequence('T3L2.RC1').map(s16);
    const expectedHigh = readSequence('T3H2.RC0').map(s16);
    const low = new G722Band(32);
    const high = new G722Band(8);
    const gotLow: number[] = [];
    const gotHigh: number[] = [];
    for (const c of codes) {
      gotLow.push(decodeLowerSample(low, c & 0x3f) << 1);
      gotHigh.push(decodeHigherSample(high, c >> 6) << 1);
    }
    expect(gotLow).toEqual(expectedLow);
    expect(gotHigh).toEqual(expectedHigh);
  });
});
