/**
 * A MOS estimate from a simplified ITU-T G.107 E-model.
 *
 * The full model computes the transmission rating R from some twenty
 * parameters. Here every parameter that RTP statistics cannot observe keeps
 * its G.107 default, which folds the basic signal-to-noise ratio, the
 * simultaneous impairments and the advantage factor into one constant:
 *
 * ```
 * R = 93.2 - Id - Ie_eff
 * Id     = 0.024 d + 0.11 (d - 177.3) H(d - 177.3)        (delay, d = one-way ms)
 * Ie_eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl)   (G.107 §7.6, loss %)
 * MOS    = 1 + 0.035 R + R (R - 60)(100 - R) 7e-6        (G.107 Annex B, 0 < R < 100)
 * ```
 *
 * Simplifications, stated plainly:
 * - Id uses the well-known linear approximation of G.107's delay terms
 *   (Cole and Rosenbluth, 2001) instead of the echo-path (Idte, Idle) and
 *   absolute-delay (Idd) formulas; echo is assumed perfectly cancelled.
 * - The one-way delay d is estimated by the caller, typically RTT / 2 plus the
 *   jitter buffer depth plus the packetisation time.
 * - Loss is treated as random (BurstR = 1) unless told otherwise.
 * - Ie/Bpl come from ITU-T G.113 Appendix I for narrowband codecs; G.722 is
 *   rated on the narrowband scale with Ie = 0 (it can only be better than
 *   G.711), so its MOS is conservative.
 *
 * @module
 */

/** Equipment impairment parameters of a codec (ITU-T G.113 Appendix I). */
export interface CodecImpairment {
  /** Equipment impairment factor Ie at zero loss. */
  readonly ie: number;
  /** Packet-loss robustness factor Bpl. */
  readonly bpl: number;
}

/**
 * Impairments of the codecs this engine speaks, keyed by lower-case encoding
 * name. G.711 with packet loss concealment: Ie = 0, Bpl = 25.1 (G.113 App. I);
 * without concealment Bpl would be 4.3.
 */
export const CODEC_IMPAIRMENTS: Readonly<Record<string, CodecImpairment>> = Object.freeze({
  pcmu: { ie: 0, bpl: 25.1 },
  pcma: { ie: 0, bpl: 25.1 },
  g722: { ie: 0, bpl: 25.1 },
});

/** Inputs of {@link estimateMos}. */
export interface EModelInput {
  /** One-way mouth-to-ear delay estimate in milliseconds. */
  readonly oneWayDelayMs: number;
  /** Packet loss in percent (0-100). */
  readonly lossPercent: number;
  /** Codec impairment; defaults to G.711 with concealment. */
  readonly codec?: CodecImpairment;
  /** Burst ratio (1 = random loss). */
  readonly burstRatio?: number;
}

/** Delay impairment Id of the simplified model. */
export function delayImpairment(oneWayDelayMs: number): number {
  const d = Math.max(0, oneWayDelayMs);
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** Effective equipment impairment Ie_eff (G.107 §7.6). */
export function effectiveEquipmentImpairment(lossPercent: number, codec: CodecImpairment, burstRatio = 1): number {
  const ppl = Math.max(0, Math.min(100, lossPercent));
  return codec.ie + ((95 - codec.ie) * ppl) / (ppl / burstRatio + codec.bpl);
}

/** The transmission rating R of the simplified model. */
export function rFactor(input: EModelInput): number {
  const codec = input.codec ?? CODEC_IMPAIRMENTS['pcmu']!;
  return 93.2 - delayImpairment(input.oneWayDelayMs) - effectiveEquipmentImpairment(input.lossPercent, codec, input.burstRatio ?? 1);
}

/** MOS (1-4.5) from R (G.107 Annex B). */
export function mosFromR(r: number): number {
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

/** Estimated MOS for a call with the given delay and loss. */
export function estimateMos(input: EModelInput): number {
  return mosFromR(rFactor(input));
}
