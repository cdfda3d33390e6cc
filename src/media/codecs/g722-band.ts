/**
 * One sub-band of ITU-T G.722 ADPCM: the adaptive quantizer scale factor and the
 * pole-zero adaptive predictor (G.722 §3.3-§3.6 and §6.2, blocks LOGSCL/LOGSCH,
 * SCALEL/SCALEH, and the common block 4: RECONS, PARREC, UPPOL2, UPPOL1, UPZERO,
 * DELAYA, FILTEP, FILTEZ, PREDIC). All arithmetic is the Recommendation's 16-bit
 * fixed point, so results are bit-exact.
 *
 * @packageDocumentation
 */
import { ILB, RH2, RL42, WH, WL } from './g722-tables.js';

/** Saturate to the signed 16-bit range (G.722 §6.1 "LIMIT"). */
export function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/**
 * State of one sub-band: log scale factor `nb`, scale factor `det`, and the
 * predictor's pole (2) and zero (6) sections with their signal histories.
 * Index 0 of each history is the current value, 1 the previous, and so on.
 */
export class G722Band {
  /** Log scale factor NBL / NBH. */
  nb = 0;
  /** Quantizer scale factor DETL / DETH. */
  det: number;
  /** Predicted signal value SL / SH. */
  s = 0;
  /** Pole-section predictor output SPL / SPH. */
  sp = 0;
  /** Zero-section predictor output SZL / SZH. */
  sz = 0;
  /** Reconstructed signal RLT / RH: current and two previous. */
  readonly r = new Int32Array(3);
  /** Pole coefficients AL1, AL2 at [1], [2]. */
  readonly a = new Int32Array(3);
  /** Updated pole coefficients APL1, APL2. */
  readonly ap = new Int32Array(3);
  /** Partially reconstructed signal PLT / PH: current and two previous. */
  readonly p = new Int32Array(3);
  /** Quantized difference signal DLT / DH: current and six previous. */
  readonly d = new Int32Array(7);
  /** Zero coefficients BL1..BL6 at [1]..[6]. */
  readonly b = new Int32Array(7);
  /** Updated zero coefficients BPL1..BPL6. */
  readonly bp = new Int32Array(7);
  readonly #initialDet: number;

  /** @param initialDet - reset value of the scale factor: 32 for the lower band, 8 for the higher (G.722 §6.2.1.3) */
  constructor(initialDet: number) {
    this.#initialDet = initialDet;
    this.det = initialDet;
  }

  /** Return to the reset state of G.722 §6.2 (all zero, scale factor at its minimum). */
  reset(): void {
    this.nb = 0;
    this.det = this.#initialDet;
    this.s = 0;
    this.sp = 0;
    this.sz = 0;
    this.r.fill(0);
    this.a.fill(0);
    this.ap.fill(0);
    this.p.fill(0);
    this.d.fill(0);
    this.b.fill(0);
    this.bp.fill(0);
  }
}

/** Scale factor from a log scale factor: `ILB` lookup and shift (blocks SCALEL/SCALEH). */
function scale(nb: number, shiftBase: number): number {
  const wd1 = (nb >> 6) & 31;
  const wd2 = shiftBase - (nb >> 11);
  const wd3 = wd2 < 0 ? ILB[wd1] << -wd2 : ILB[wd1] >> wd2;
  return wd3 << 2;
}

/**
 * Lower-band scale factor adaptation from the 4-bit truncated code `ril`
 * (blocks LOGSCL and SCALEL, G.722 §6.2.1.2-§6.2.1.3).
 */
export function adaptLowerScale(band: G722Band, ril: number): void {
  let nb = ((band.nb * 127) >> 7) + WL[RL42[ril]];
  if (nb < 0) nb = 0;
  else if (nb > 18432) nb = 18432;
  band.nb = nb;
  band.det = scale(nb, 8);
}

/** Higher-band scale factor adaptation from the 2-bit code (blocks LOGSCH and SCALEH). */
export function adaptHigherScale(band: G722Band, ih: number): void {
  let nb = ((band.nb * 127) >> 7) + WH[RH2[ih]];
  if (nb < 0) nb = 0;
  else if (nb > 22528) nb = 22528;
  band.nb = nb;
  band.det = scale(nb, 10);
}

/**
 * The adaptive predictor update of G.722 block 4 for one sample, given the
 * quantized difference `dq` (DLT or DH): reconstruct, adapt the pole and zero
 * coefficients, shift the histories and compute the next prediction into `band.s`.
 */
export function updatePredictor(band: G722Band, dq: number): void {
  const { r, a, ap, p, d, b, bp } = band;
  // RECONS and PARREC
  d[0] = dq;
  r[0] = sat16(band.s + dq);
  p[0] = sat16(band.sz + dq);

  // UPPOL2: second pole coefficient
  const sg0 = p[0] >> 15;
  const sg1 = p[1] >> 15;
  const sg2 = p[2] >> 15;
  let wd1 = sat16(a[1] << 2);
  let wd2 = sg0 === sg1 ? -wd1 : wd1;
  if (wd2 > 32767) wd2 = 32767;
  let apl2 = (wd2 >> 7) + (sg0 === sg2 ? 128 : -128) + ((a[2] * 32512) >> 15);
  if (apl2 > 12288) apl2 = 12288;
  else if (apl2 < -12288) apl2 = -12288;
  ap[2] = apl2;

  // UPPOL1: first pole coefficient, bounded by the stability constraint
  let apl1 = sat16((sg0 === sg1 ? 192 : -192) + ((a[1] * 32640) >> 15));
  const lim = sat16(15360 - apl2);
  if (apl1 > lim) apl1 = lim;
  else if (apl1 < -lim) apl1 = -lim;
  ap[1] = apl1;

  // UPZERO: sixth-order zero section, sign-sign adaptation with leakage
  const step = dq === 0 ? 0 : 128;
  const sgd = dq >> 15;
  for (let i = 1; i < 7; i++) {
    const g = (d[i] >> 15) === sgd ? step : -step;
    bp[i] = sat16(g + ((b[i] * 32640) >> 15));
  }

  // DELAYA: shift histories, take the new coefficients
  for (let i = 6; i > 0; i--) {
    d[i] = d[i - 1];
    b[i] = bp[i];
  }
  r[2] = r[1];
  r[1] = r[0];
  p[2] = p[1];
  p[1] = p[0];
  a[1] = ap[1];
  a[2] = ap[2];

  // FILTEP: pole section output
  wd1 = sat16(r[1] + r[1]);
  wd2 = sat16(r[2] + r[2]);
  band.sp = sat16(((a[1] * wd1) >> 15) + ((a[2] * wd2) >> 15));

  // FILTEZ: zero section output
  let sz = 0;
  for (let i = 6; i > 0; i--) sz += (b[i] * sat16(d[i] + d[i])) >> 15;
  band.sz = sat16(sz);

  // PREDIC
  band.s = sat16(band.sp + band.sz);
}
