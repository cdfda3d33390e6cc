/**
 * ITU-T G.722 (09/2012) 7 kHz audio coding at 64 kbit/s (mode 1): sub-band
 * ADPCM. A 24-tap quadrature mirror filter (QMF) splits 16 kHz PCM into two
 * 8 kHz sub-bands; the lower band is coded with 6-bit ADPCM, the higher band
 * with 2-bit ADPCM; each 16 kHz sample pair becomes one octet `IH(2) | IL(6)`.
 *
 * PCM is 16-bit linear; the sub-band signals are 15-bit (the QMF halves the
 * level), as in the Recommendation's reference arithmetic.
 *
 * @packageDocumentation
 */
import { G722Band, adaptHigherScale, adaptLowerScale, sat16, updatePredictor } from './g722-band.js';
import { IHN, IHP, ILN, ILP, Q2, Q6, QM2, QM4, QM6, QMF_COEFFS } from './g722-tables.js';

/**
 * Encode one lower sub-band sample `xl` (15-bit) to a 6-bit code and adapt the
 * band (blocks SUBTRA, QUANTL, INVQAL, LOGSCL, SCALEL and block 4; G.722 §3.3-§3.6).
 */
export function encodeLowerSample(band: G722Band, xl: number): number {
  const el = sat16(xl - band.s);
  const wd = el >= 0 ? el : -(el + 1);
  const det = band.det;
  let mil = 1;
  while (mil < 30 && wd >= (Q6[mil] * det) >> 12) mil++;
  const il = el < 0 ? ILN[mil] : ILP[mil];
  const ril = il >> 2;
  const dlt = (det * QM4[ril]) >> 15;
  adaptLowerScale(band, ril);
  updatePredictor(band, dlt);
  return il;
}

/**
 * Encode one higher sub-band sample `xh` to a 2-bit code and adapt the band
 * (blocks SUBTRA, QUANTH, INVQAH, LOGSCH, SCALEH and block 4; G.722 §3.3-§3.6).
 */
export function encodeHigherSample(band: G722Band, xh: number): number {
  const eh = sat16(xh - band.s);
  const wd = eh >= 0 ? eh : -(eh + 1);
  const mih = wd >= (Q2 * band.det) >> 12 ? 2 : 1;
  const ih = eh < 0 ? IHN[mih] : IHP[mih];
  const dh = (band.det * QM2[ih]) >> 15;
  adaptHigherScale(band, ih);
  updatePredictor(band, dh);
  return ih;
}

/**
 * Decode one 6-bit lower-band code in mode 1 (64 kbit/s) and adapt the band;
 * returns the reconstructed 15-bit lower sub-band sample RL (G.722 §4.2-§4.3:
 * INVQBL with the 6-bit table for output, INVQAL with the 4-bit table for adaptation).
 */
export function decodeLowerSample(band: G722Band, il: number): number {
  const det = band.det;
  const dl = (det * QM6[il]) >> 15;
  let rl = band.s + dl;
  if (rl > 16383) rl = 16383;
  else if (rl < -16384) rl = -16384;
  const ril = il >> 2;
  const dlt = (det * QM4[ril]) >> 15;
  adaptLowerScale(band, ril);
  updatePredictor(band, dlt);
  return rl;
}

/** Decode one 2-bit higher-band code and adapt the band; returns the 15-bit sample RH (G.722 §4.2-§4.3). */
export function decodeHigherSample(band: G722Band, ih: number): number {
  const dh = (band.det * QM2[ih]) >> 15;
  let rh = band.s + dh;
  if (rh > 16383) rh = 16383;
  else if (rh < -16384) rh = -16384;
  adaptHigherScale(band, ih);
  updatePredictor(band, dh);
  return rh;
}

/**
 * Stateful G.722 encoder for one stream: transmit QMF (G.722 §3.1) followed by
 * the two ADPCM sub-band encoders. Input: 16 kHz 16-bit PCM, an even number of
 * samples per call; output: one octet per input sample pair.
 */
export class G722Encoder {
  readonly #low = new G722Band(32);
  readonly #high = new G722Band(8);
  /** Last 24 input samples, newest at index 23. */
  readonly #x = new Int32Array(24);

  /**
   * Encode `pcm` (even length) into `out` from offset 0; returns `pcm.length / 2`.
   * Odd lengths are the caller's error (the codec wrapper rejects them).
   */
  encodeInto(pcm: Int16Array, out: Uint8Array): number {
    const x = this.#x;
    const h = QMF_COEFFS;
    const n = pcm.length >> 1;
    for (let k = 0; k < n; k++) {
      x.copyWithin(0, 2);
      x[22] = pcm[2 * k];
      x[23] = pcm[2 * k + 1];
      // xA: even taps on even lags from the newest sample; xB: odd taps on odd lags.
      let xa = 0;
      let xb = 0;
      for (let i = 0; i < 12; i++) {
        xa += h[2 * i] * x[23 - 2 * i];
        xb += h[2 * i + 1] * x[22 - 2 * i];
      }
      const xl = sat16((xa + xb) >> 14);
      const xh = sat16((xa - xb) >> 14);
      const il = encodeLowerSample(this.#low, xl);
      const ih = encodeHigherSample(this.#high, xh);
      out[k] = (ih << 6) | il;
    }
    return n;
  }

  /** Return to the reset state (new stream). */
  reset(): void {
    this.#low.reset();
    this.#high.reset();
    this.#x.fill(0);
  }
}

/**
 * Stateful G.722 decoder for one stream, mode 1 (64 kbit/s): the two ADPCM
 * sub-band decoders followed by the receive QMF (G.722 §4.4). Output: two 16 kHz
 * samples per octet.
 */
export class G722Decoder {
  readonly #low = new G722Band(32);
  readonly #high = new G722Band(8);
  /** Last 12 difference (xd) and sum (xs) signals, newest at index 11. */
  readonly #xd = new Int32Array(12);
  readonly #xs = new Int32Array(12);

  /** Decode `payload` into `out` from index 0; returns `2 * payload.length`. */
  decodeInto(payload: Uint8Array, out: Int16Array): number {
    const xd = this.#xd;
    const xs = this.#xs;
    const h = QMF_COEFFS;
    const n = payload.length;
    for (let k = 0; k < n; k++) {
      const code = payload[k];
      const rl = decodeLowerSample(this.#low, code & 0x3f);
      const rh = decodeHigherSample(this.#high, code >> 6);
      xd.copyWithin(0, 1);
      xs.copyWithin(0, 1);
      xd[11] = rl - rh;
      xs[11] = rl + rh;
      let o0 = 0;
      let o1 = 0;
      for (let i = 0; i < 12; i++) {
        o0 += h[2 * i] * xd[11 - i];
        o1 += h[2 * i + 1] * xs[11 - i];
      }
      out[2 * k] = sat16(o0 >> 11);
      out[2 * k + 1] = sat16(o1 >> 11);
    }
    return 2 * n;
  }

  /** Return to the reset state (new stream). */
  reset(): void {
    this.#low.reset();
    this.#high.reset();
    this.#xd.fill(0);
    this.#xs.fill(0);
  }
}
