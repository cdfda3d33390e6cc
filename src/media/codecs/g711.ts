/**
 * ITU-T G.711 (11/88) pulse code modulation: A-law and mu-law companding of
 * 16-bit linear PCM, with the conventions of the ITU-T G.191 Software Tool
 * Library (STL) reference `g711.c`, so that the G.191 test vectors are
 * reproduced bit for bit:
 *
 * - A-law works on the 13 most significant bits (`x >> 3`), mu-law on the 14
 *   most significant bits (`x >> 2`); negative inputs are one's-complemented
 *   first (`~x`), which is what truncation towards minus infinity of the STL means.
 * - A-law codes carry the even-bit inversion (XOR 0x55) of G.711 Table 1 note;
 *   mu-law codes are transmitted inverted (G.711 Table 2).
 * - Decoding yields the mid-point of each quantisation interval, scaled back to
 *   16 bits (A-law: largest magnitude 32256; mu-law: 32124).
 *
 * Encoding goes through one 65,536-entry table per law, decoding through a
 * 256-entry table, both built once at module load.
 *
 * @packageDocumentation
 */

/**
 * A-law code of one 16-bit sample, computed from the segment structure of
 * ITU-T G.711 Table 1 (slow path; used to build the lookup table).
 */
export function alawEncodeSample(x: number): number {
  // 12-bit magnitude of the 13-bit value; negatives via one's complement (G.191 STL).
  let mag = (x >= 0 ? x : ~x) >> 4;
  let code: number;
  if (mag <= 15) {
    code = mag; // segment 0: linear region
  } else {
    let seg = 1;
    while (mag > 31) {
      mag >>= 1;
      seg++;
    }
    code = (seg << 4) | (mag - 16);
  }
  if (x >= 0) code |= 0x80;
  return code ^ 0x55;
}

/** 16-bit linear value of one A-law code (ITU-T G.711 Table 1, decision mid-points). */
export function alawDecodeSample(code: number): number {
  const c = (code ^ 0x55) & 0x7f;
  const seg = c >> 4;
  let mant = c & 0x0f;
  if (seg > 0) mant += 16;
  let v = (mant << 4) + 8;
  if (seg > 1) v <<= seg - 1;
  return (code & 0x80) !== 0 ? v : 0 - v;
}

/** Bias added to the 14-bit magnitude before mu-law segment search (G.711 Table 2). */
const ULAW_BIAS = 33;
/** Largest biased 14-bit magnitude. */
const ULAW_CLIP = 0x1fff;

/**
 * mu-law code of one 16-bit sample, from the segment structure of ITU-T G.711
 * Table 2 (slow path; used to build the lookup table).
 */
export function ulawEncodeSample(x: number): number {
  let mag = ((x >= 0 ? x : ~x) >> 2) + ULAW_BIAS;
  if (mag > ULAW_CLIP) mag = ULAW_CLIP;
  // Segment number: position of the highest set bit above bit 5.
  let seg = 1;
  for (let t = mag >> 6; t !== 0; t >>= 1) seg++;
  const code = ((8 - seg) << 4) | (15 - ((mag >> seg) & 0x0f));
  return x >= 0 ? code | 0x80 : code;
}

/** 16-bit linear value of one mu-law code (ITU-T G.711 Table 2, decision mid-points). */
export function ulawDecodeSample(code: number): number {
  const inv = ~code & 0xff;
  const seg = (inv >> 4) & 0x07;
  const mant = inv & 0x0f;
  const step = 4 << (seg + 1);
  const v = (0x80 << seg) + step * mant + step / 2 - 4 * ULAW_BIAS;
  return (code & 0x80) !== 0 ? v : 0 - v;
}

function buildEncodeTable(encode: (x: number) => number): Uint8Array {
  const t = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) t[i] = encode((i << 16) >> 16);
  return t;
}

function buildDecodeTable(decode: (c: number) => number): Int16Array {
  const t = new Int16Array(256);
  for (let c = 0; c < 256; c++) t[c] = decode(c);
  return t;
}

/** A-law encode table indexed by `sample & 0xffff` (ITU-T G.711 Table 1). */
export const ALAW_ENCODE: Uint8Array = buildEncodeTable(alawEncodeSample);
/** A-law decode table indexed by code (ITU-T G.711 Table 1). */
export const ALAW_DECODE: Int16Array = buildDecodeTable(alawDecodeSample);
/** mu-law encode table indexed by `sample & 0xffff` (ITU-T G.711 Table 2). */
export const ULAW_ENCODE: Uint8Array = buildEncodeTable(ulawEncodeSample);
/** mu-law decode table indexed by code (ITU-T G.711 Table 2). */
export const ULAW_DECODE: Int16Array = buildDecodeTable(ulawDecodeSample);

/**
 * Encode 16-bit PCM into G.711 codes through a lookup table, writing `pcm.length`
 * bytes into `out` from offset 0 (ITU-T G.711 §2-3).
 */
export function g711EncodeInto(table: Uint8Array, pcm: Int16Array, out: Uint8Array): number {
  const n = pcm.length;
  for (let i = 0; i < n; i++) out[i] = table[pcm[i] & 0xffff];
  return n;
}

/** Decode G.711 codes into 16-bit PCM through a lookup table (ITU-T G.711 §2-3). */
export function g711DecodeInto(table: Int16Array, codes: Uint8Array, out: Int16Array): number {
  const n = codes.length;
  for (let i = 0; i < n; i++) out[i] = table[codes[i]];
  return n;
}
