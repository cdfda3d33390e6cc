/**
 * Constant tables of ITU-T G.722 (09/2012) 64 kbit/s sub-band ADPCM, mode 1
 * (no auxiliary data). Names follow the Recommendation's block descriptions
 * (§3 encoder, §4 decoder, §6 computational details).
 *
 * @packageDocumentation
 */

/**
 * Transmit and receive QMF coefficients h0..h23 (G.722 Table 11, scaled by 2^13).
 * The filter is symmetric: h[i] === h[23 - i].
 */
export const QMF_COEFFS: Int32Array = Int32Array.of(
  3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
  3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
);

/**
 * Lower sub-band quantizer decision levels, magnitude interval index `mil` 0..29
 * (G.722 Table 6, column LL6, scaled by 2^3). Entry `mil` is the lower bound of
 * interval `mil`; the search in block QUANTL compares against `(Q6[mil] * det) >> 12`.
 */
export const Q6: Int32Array = Int32Array.of(
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
  786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
);

/** 6-bit lower-band code for a negative difference, by interval `mil` 1..30 (G.722 Table 6, ILN). */
export const ILN: Int32Array = Int32Array.of(
  0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
  18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
);

/** 6-bit lower-band code for a positive difference, by interval `mil` 1..30 (G.722 Table 6, ILP). */
export const ILP: Int32Array = Int32Array.of(
  0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
  46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
);

/**
 * Lower sub-band 6-bit inverse quantizer output levels QQ6, indexed by the 6-bit
 * code (G.722 Table 6; codes 0-3 are not produced by the encoder).
 */
export const QM6: Int32Array = Int32Array.of(
  -136, -136, -136, -136, -24808, -21904, -19008, -16704,
  -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856,
  -7192, -6576, -6000, -5456, -4944, -4464, -4008, -3576,
  -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728,
  24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192,
  10232, 9360, 8576, 7856, 7192, 6576, 6000, 5456,
  4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032,
  1688, 1360, 1040, 728, 432, 136, -432, -136,
);

/**
 * Lower sub-band 4-bit inverse quantizer levels QQ4 used for predictor
 * adaptation, indexed by the 4-bit truncated code `il >> 2` (G.722 Table 7).
 */
export const QM4: Int32Array = Int32Array.of(
  0, -20456, -12896, -8968, -6288, -4240, -2584, -1200,
  20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
);

/** Map from the 4-bit truncated lower-band code to the magnitude index of WL (G.722 §6.2.1.2, RIL to IL4). */
export const RL42: Int32Array = Int32Array.of(0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0);

/** Lower sub-band log-scale-factor multipliers W(IL4) (G.722 Table 8, block LOGSCL). */
export const WL: Int32Array = Int32Array.of(-60, -30, 58, 172, 334, 538, 1198, 3042);

/**
 * Inverse log base 2 table ILB used by SCALEL and SCALEH:
 * `ILB[i] = round(2048 * 2^(i / 32))` (G.722 §6.2.1.3).
 */
export const ILB: Int32Array = Int32Array.of(
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
  2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
);

/** Higher sub-band quantizer decision level Q2 (G.722 Table 9, scaled by 2^3). */
export const Q2 = 564;
/** 2-bit higher-band code for a negative difference, by interval `mih` 1..2 (G.722 Table 9, IHN). */
export const IHN: Int32Array = Int32Array.of(0, 1, 0);
/** 2-bit higher-band code for a positive difference, by interval `mih` 1..2 (G.722 Table 9, IHP). */
export const IHP: Int32Array = Int32Array.of(0, 3, 2);
/** Higher sub-band inverse quantizer output levels QQ2, indexed by the 2-bit code (G.722 Table 9). */
export const QM2: Int32Array = Int32Array.of(-7408, -1616, 7408, 1616);
/** Map from the 2-bit higher-band code to the index of WH (G.722 §6.2.1.2, IH to IH2). */
export const RH2: Int32Array = Int32Array.of(2, 1, 2, 1);
/** Higher sub-band log-scale-factor multipliers W(IH2) (G.722 Table 10, block LOGSCH). */
export const WH: Int32Array = Int32Array.of(0, -214, 798);
